import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

import { DTYPES } from '../../src/torch/dtype.js';
import { native } from '../../src/torch/native.js';
import * as torch from '../../src/torch/index.js';

const NATIVE_TS = fileURLToPath(new URL('../../src/torch/native.ts', import.meta.url));

/** The member names of the NativeTorch interface, read from its source with the TypeScript parser. */
function interfaceMembers(file: string, name: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022);
  const declaration = source.statements.find((s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === name);
  assert.ok(declaration, `interface ${name} not found in ${file}`);
  return declaration.members.map((member) => (member.name as ts.Identifier).text);
}

test("the addon's exports are exactly the members of the NativeTorch interface", () => {
  const declared = interfaceMembers(NATIVE_TS, 'NativeTorch');
  assert.ok(declared.length > 100, `only ${declared.length} members parsed`);
  assert.equal(new Set(declared).size, declared.length, 'a member is declared twice');
  const exported = Object.keys(native);
  const missing = declared.filter((key) => !exported.includes(key));
  const undeclared = exported.filter((key) => !declared.includes(key));
  assert.deepEqual({ missing, undeclared }, { missing: [], undeclared: [] });
  for (const key of exported) {
    const kind = key === 'dtypeCodes' ? 'object' : 'function';
    assert.equal(typeof (native as unknown as Record<string, unknown>)[key], kind, key);
  }
});

test("the dtype codes are the addon's table, with libtorch's ScalarType values", () => {
  assert.deepEqual(Object.keys(native.dtypeCodes).sort(), [...DTYPES].sort());
  // c10/core/ScalarType.h: Byte 0, Int 3, Long 4, Float 6, Double 7, Bool 11.
  assert.deepEqual({ ...native.dtypeCodes }, { uint8: 0, int32: 3, int64: 4, float32: 6, float64: 7, bool: 11 });
  assert.ok(Object.isFrozen(native.dtypeCodes));
  for (const dtype of DTYPES) {
    const t = torch.zeros([2], { dtype });
    assert.equal(t.dtype, dtype);
    assert.equal(t.to(dtype === 'float64' ? 'float32' : 'float64').to(dtype).dtype, dtype);
    t.dispose();
  }
  assert.throws(() => native.zeros([1], 5), /unknown dtype code 5/);
});

test('a tensor is released once, whether by dispose(), by the garbage collector, or by both', () => {
  const worker = fileURLToPath(new URL('./release-worker.ts', import.meta.url));
  const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', worker], { encoding: 'utf8' });
  const counts = JSON.parse(out.trim().split('\n').pop()!) as { before: number; made: number; disposed: number; collected: number };
  assert.equal(counts.made, counts.before + 200);
  assert.equal(counts.disposed, counts.before + 100, 'dispose() releases at once');
  assert.equal(counts.collected, counts.before, 'the collector releases the rest, and the disposed ones not again');
});
