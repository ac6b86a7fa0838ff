// Every op of the addon, every argument position, every kind of wrong value: the answer is a JS
// exception that names the op and the argument, and the process goes on. The op list comes from the
// addon itself (native-surface.test.ts holds it equal to the NativeTorch interface), and each
// parameter's kind from its type in that interface, so a new op or parameter cannot escape this.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

import { native, type GroupHandle, type Handle } from '../../src/torch/native.js';

const NATIVE_TS = fileURLToPath(new URL('../../src/torch/native.ts', import.meta.url));

type Kind =
  'tensor' | 'tensorList' | 'operand' | 'group' | 'int' | 'intList' | 'dims' | 'number' | 'boolean' | 'device' | 'choice' | 'typedArray' | 'groupOptions';

/** Each parameter type spelled in NativeTorch, and what the addon must read there. */
const KIND_OF_TYPE: Record<string, Kind> = {
  Handle: 'tensor',
  'Handle | undefined': 'tensor',
  'Handle[]': 'tensorList',
  Operand: 'operand',
  GroupHandle: 'group',
  Int: 'int',
  'Int | bigint': 'int',
  'Int[]': 'intList',
  Dims: 'dims',
  number: 'number',
  boolean: 'boolean',
  string: 'device',
  Reduction: 'choice',
  "'L' | 'U'": 'choice',
  "'sum' | 'max' | 'min' | 'product'": 'choice',
  ArrayBufferView: 'typedArray',
  DistGroupOptions: 'groupOptions',
};

/** A value of the right kind for the choice parameters (the first that each accepts). */
const CHOICE: Record<string, string> = { Reduction: 'mean', "'L' | 'U'": 'L', "'sum' | 'max' | 'min' | 'product'": 'sum' };

interface Parameter {
  name: string;
  type: string;
  kind: Kind;
  optional: boolean;
}
interface Op {
  name: string;
  parameters: Parameter[];
}

/** The methods of NativeTorch with their parameters, read with the TypeScript parser. */
function declaredOps(): Op[] {
  const source = ts.createSourceFile(NATIVE_TS, readFileSync(NATIVE_TS, 'utf8'), ts.ScriptTarget.ES2022);
  const declaration = source.statements.find((s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === 'NativeTorch');
  assert.ok(declaration);
  return declaration.members.filter(ts.isMethodSignature).map((method) => ({
    name: (method.name as ts.Identifier).text,
    parameters: method.parameters.map((p) => {
      const type = p.type!.getText(source);
      const kind = KIND_OF_TYPE[type];
      assert.ok(kind, `NativeTorch.${(method.name as ts.Identifier).text}: parameter type '${type}' has no kind in this test: add it`);
      return { name: (p.name as ts.Identifier).text, type, kind, optional: p.questionToken !== undefined };
    }),
  }));
}

const ops = declaredOps();
const call = (name: string, args: unknown[]): unknown => (native as unknown as Record<string, (...a: unknown[]) => unknown>)[name]!(...args);

// Live tensors made here are disposed at the end; the group is a real one (world of 1, over a file).
const made: Handle[] = [];
function tensor(): Handle {
  const t = native.ones([2, 2], native.dtypeCodes.float32);
  made.push(t);
  return t;
}
const disposed = native.zeros([1], native.dtypeCodes.float32);
native.dispose(disposed);
const storeDir = mkdtempSync(join(tmpdir(), 'ncollapse-native-args-'));
const hasGloo = native.distBackends().includes('gloo');
function group(name: string): GroupHandle {
  return native.distInitProcessGroup({
    backend: 'gloo',
    store: 'file',
    path: join(storeDir, name),
    rank: 0,
    worldSize: 1,
    timeoutMs: 20_000,
    glooHostname: '127.0.0.1',
  });
}
const liveGroup = hasGloo ? group('live') : undefined;
const destroyedGroup = hasGloo ? group('destroyed') : undefined;
if (destroyedGroup !== undefined) native.distDestroyProcessGroup(destroyedGroup);

after(() => {
  for (const t of made) native.dispose(t);
  if (liveGroup !== undefined) native.distDestroyProcessGroup(liveGroup);
  rmSync(storeDir, { recursive: true, force: true });
});

/** A value the addon accepts at a parameter of this kind (so that only the position under test is wrong). */
function validValue(p: Parameter): unknown {
  switch (p.kind) {
    case 'tensor':
    case 'operand':
      return tensor();
    case 'tensorList':
      return [tensor()];
    case 'group':
      return liveGroup;
    case 'int':
    case 'dims':
      // 0 is also a valid dtype code (uint8), so dtype parameters need no case of their own.
      return 0;
    case 'intList':
      return [1];
    case 'number':
      return 0.5;
    case 'boolean':
      return false;
    case 'device':
      return 'cpu';
    case 'choice':
      return CHOICE[p.type];
    case 'typedArray':
      return new Float32Array(1);
    case 'groupOptions':
      return { backend: 'gloo', store: 'file', path: join(storeDir, 'never'), rank: 0, worldSize: 1, timeoutMs: 1000 };
  }
}

interface Wrong {
  label: string;
  value: unknown;
  error: RegExp;
  name?: string;
}
const mustBe = (what: string) => new RegExp(`must be ${what}`);
const NOT_AN_INTEGER: Wrong[] = [
  { label: '1.5', value: 1.5, error: /must be an integer, got the number 1.5/, name: 'TypeError' },
  { label: 'NaN', value: NaN, error: /must be an integer, got NaN/, name: 'TypeError' },
  { label: 'Infinity', value: Infinity, error: /must be an integer, got Infinity/, name: 'TypeError' },
  { label: '2^53', value: 2 ** 53, error: /must be a safe integer/, name: 'RangeError' },
  { label: '-2^60', value: -(2 ** 60), error: /must be a safe integer/, name: 'RangeError' },
  { label: '2^64n', value: 2n ** 64n, error: /must be an integer within int64, got a bigint outside it/, name: 'RangeError' },
  { label: "'1'", value: '1', error: /must be an integer, got a string/, name: 'TypeError' },
];

// dispose() and isDisposed() take disposed tensors, distDestroyProcessGroup() destroyed groups.
const TAKES_RELEASED_HANDLES = new Set(['dispose', 'isDisposed', 'distDestroyProcessGroup']);

/** The wrong values for a parameter of this kind, and the error each must give. */
function wrongValues(op: Op, p: Parameter): Wrong[] {
  const released = !TAKES_RELEASED_HANDLES.has(op.name);
  const handles: Wrong[] = [
    { label: 'a plain object', value: {}, error: /got an object/, name: 'TypeError' },
    ...(liveGroup === undefined ? [] : [{ label: 'a process group', value: liveGroup, error: /got a process group handle/, name: 'TypeError' }]),
  ];
  switch (p.kind) {
    case 'tensor':
    case 'operand':
      return [
        ...handles.map((w) => ({ ...w, error: new RegExp(`${mustBe('a tensor handle').source}, ${w.error.source}`) })),
        ...(released ? [{ label: 'a disposed tensor', value: disposed, error: /tensor used after dispose\(\)/ }] : []),
      ];
    case 'tensorList':
      return [
        { label: 'a tensor', value: tensor(), error: /must be an array of tensor handles, got a tensor handle/, name: 'TypeError' },
        ...handles.map((w) => ({ ...w, value: [w.value], error: new RegExp(`element 0 must be a tensor handle, ${w.error.source}`) })),
        { label: '[disposed]', value: [disposed], error: /element 0: tensor used after dispose\(\)/ },
      ];
    case 'group':
      return [
        { label: 'a tensor', value: tensor(), error: /must be a process group handle, got a tensor handle/, name: 'TypeError' },
        { label: 'a plain object', value: {}, error: /must be a process group handle, got an object/, name: 'TypeError' },
        { label: 'a number', value: 3, error: /must be a process group handle, got the number 3/, name: 'TypeError' },
      ];
    case 'int':
      return NOT_AN_INTEGER;
    case 'dims':
      return [...NOT_AN_INTEGER.filter((w) => typeof w.value === 'number'), { label: '[0.5]', value: [0.5], error: /element 0 must be an integer/ }];
    case 'intList':
      return [
        { label: "'x'", value: 'x', error: /must be an array of integers, got a string/, name: 'TypeError' },
        ...NOT_AN_INTEGER.map((w) => ({ ...w, label: `[1, ${w.label}]`, value: [1, w.value], error: new RegExp(`element 1 ${w.error.source}`) })),
      ];
    case 'number':
      return [{ label: 'a tensor', value: tensor(), error: /must be a number, got a tensor handle/, name: 'TypeError' }];
    case 'boolean':
      return [{ label: '1', value: 1, error: /must be a boolean, got the number 1/, name: 'TypeError' }];
    case 'device':
      return [
        { label: 'a number', value: 7, error: /must be a string, got the number 7/, name: 'TypeError' },
        { label: "'tpu'", value: 'tpu', error: /: unknown device 'tpu'/ },
      ];
    case 'choice':
      return [
        { label: 'a number', value: 7, error: /must be a string, got the number 7/, name: 'TypeError' },
        // eigh's uplo goes to libtorch as it is, which names neither op nor argument.
        ...(p.type === "'L' | 'U'" ? [] : [{ label: "'bogus'", value: 'bogus', error: /: unknown (reduction|reduce op) 'bogus'/ }]),
      ];
    case 'typedArray':
      return [{ label: 'a tensor', value: tensor(), error: /must be a typed array, got a tensor handle/, name: 'TypeError' }];
    case 'groupOptions':
      return [{ label: 'a tensor', value: tensor(), error: /must be the process group options, got a tensor handle/, name: 'TypeError' }];
  }
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

test('the interface declares every op the addon exports, with a kind for each parameter', () => {
  const exported = Object.keys(native).filter((key) => typeof (native as unknown as Record<string, unknown>)[key] === 'function');
  assert.deepEqual(ops.map((op) => op.name).sort(), exported.sort());
  const positions = ops.reduce((n, op) => n + op.parameters.length, 0);
  assert.ok(positions > 250, `only ${positions} parameters parsed`);
});

test('every wrong value at every argument position of every op is a JS error naming the op and the argument', () => {
  let checked = 0;
  for (const op of ops) {
    op.parameters.forEach((parameter, position) => {
      for (const wrong of wrongValues(op, parameter)) {
        const args = op.parameters.map((p, k) => (k === position ? wrong.value : validValue(p)));
        const where = `${op.name}(${op.parameters.map((p) => p.name).join(', ')}) with ${parameter.name} = ${wrong.label}`;
        assert.throws(
          () => call(op.name, args),
          (error: unknown) => {
            assert.ok(error instanceof Error, `${where}: threw a non-Error`);
            assert.match(error.message, new RegExp(`^${escape(op.name)}: argument ${position}`), where);
            assert.match(error.message, wrong.error, where);
            if (wrong.name !== undefined) assert.equal(error.name, wrong.name, `${where}: ${error.message}`);
            return true;
          },
          where,
        );
        checked++;
      }
    });
  }
  assert.ok(checked > 1000, `only ${checked} calls checked`);
  // The process is alive and the engine still computes.
  const t = native.full([3], 2, native.dtypeCodes.float32);
  const total = native.sum(t);
  assert.equal(native.item(total), 6);
  native.dispose(t);
  native.dispose(total);
});

test('every op with a required argument rejects a call without arguments', () => {
  for (const op of ops.filter((o) => o.parameters.some((p) => !p.optional))) {
    // C++ leaves the order in which a call's arguments are read open: any argument may be named first.
    assert.throws(() => call(op.name, []), { message: new RegExp(`^${escape(op.name)}: argument \\d+`) }, op.name);
  }
});

test("a fraction where the interface says 'number' is read as a number, never as an integer", () => {
  // The converse of the Int checks: an Int parameter declared as a number in NativeTorch (or a
  // number read with intArg in C++) shows up here. The op may still refuse the value for its own
  // reasons (libtorch's checks); it may not call it a non-integer.
  for (const op of ops) {
    op.parameters.forEach((parameter, position) => {
      if (parameter.kind !== 'number') return;
      const args = op.parameters.map((p, k) => (k === position ? 1.5 : validValue(p)));
      try {
        const result = call(op.name, args);
        if (result !== undefined && typeof result === 'object' && !Array.isArray(result)) made.push(result as Handle);
        if (Array.isArray(result)) made.push(...(result as Handle[]));
      } catch (error) {
        assert.doesNotMatch((error as Error).message, /integer/, `${op.name}: ${parameter.name}`);
      }
    });
  }
});

test('a destroyed process group is an error in every collective, and destroying it again is allowed', () => {
  if (!hasGloo) {
    // This addon was built without Gloo: no group can exist, and asking for one says why.
    assert.throws(() => group('none'), /built without Gloo/);
    return;
  }
  const collectives = ops.filter((o) => o.parameters[0]?.kind === 'group' && o.name !== 'distDestroyProcessGroup');
  assert.ok(collectives.length >= 4);
  for (const op of collectives) {
    const args = op.parameters.map((p, k) => (k === 0 ? destroyedGroup : validValue(p)));
    assert.throws(() => call(op.name, args), { message: new RegExp(`^${op.name}: argument 0: process group used after destroy\\(\\)$`) }, op.name);
  }
  native.distDestroyProcessGroup(destroyedGroup!);
});

test('process group options must be integers within their ranges', () => {
  const base = { backend: 'gloo', store: 'tcp', host: '127.0.0.1', port: 1, rank: 0, worldSize: 1, timeoutMs: 1000 } as const;
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ rank: 0.5 }, /option 'rank' must be an integer, got the number 0.5/],
    [{ worldSize: NaN }, /option 'worldSize' must be an integer, got NaN/],
    [{ worldSize: 2 ** 32 + 1 }, /option 'worldSize' must be within 0..2147483647/],
    [{ port: 65536 + 80 }, /option 'port' must be within 0..65535/],
    [{ timeoutMs: -1 }, /option 'timeoutMs' must be within 0../],
    [{ timeoutMs: '10' }, /option 'timeoutMs' must be an integer, got a string/],
  ];
  for (const [change, error] of cases) {
    assert.throws(() => native.distInitProcessGroup({ ...base, ...change } as never), error, JSON.stringify(change));
  }
});
