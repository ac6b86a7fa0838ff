/**
 * The package as a user gets it: `npm pack` here, `npm install` of the tarball in an empty project
 * (which compiles the native addon against the system's libtorch), then the installed command,
 * the library from a plain .mjs script, and the README's TypeScript example type-checked against
 * the shipped declarations and run. One install (the addon compiles for minutes), one folder,
 * removed at the end.
 */
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { zipSync } from 'fflate';
import { COLLAPSE_METRIC_KEYS } from '../../src/collapse/index.js';
import { encodeNpy } from '../../src/io/npy.js';
import { goldenCases, goldenTolerance } from '../collapse/golden.js';
import { assertClose } from '../helpers/assert-close.js';

const CHECKOUT = fileURLToPath(new URL('../..', import.meta.url));
const MINUTE = 60_000;

/** The environment of a user's shell: none of the npm_* variables of an `npm test` around us. */
const userEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith('npm_')));

function sh(command: string, args: string[], options: SpawnSyncOptions & { cwd: string }): string {
  const result = spawnSync(command, args, { encoding: 'utf8', env: userEnv, maxBuffer: 64 * 1024 * 1024, ...options });
  const output = `${String(result.stdout ?? '')}${String(result.stderr ?? '')}`;
  assert.equal(
    result.status,
    0,
    `${command} ${args.join(' ')} in ${options.cwd} failed (${result.error?.message ?? `exit ${result.status}`}):\n${output.slice(-4000)}`,
  );
  return String(result.stdout);
}

const golden = goldenCases().find((c) => c.name === 'partly_collapsed')!;

/** The golden case as np.savez writes it: H, y, W, b. */
function writeGoldenNpz(file: string): void {
  const [N, p] = golden.shape;
  const arrays = {
    H: encodeNpy({ data: Float32Array.from(golden.features), shape: [N, p] }),
    y: encodeNpy({ data: BigInt64Array.from(golden.labels, BigInt), shape: [N] }),
    W: encodeNpy({ data: Float64Array.from(golden.weight), shape: [golden.numClasses, p] }),
    b: encodeNpy({ data: Float64Array.from(golden.bias), shape: [golden.numClasses] }),
  };
  writeFileSync(file, zipSync(Object.fromEntries(Object.entries(arrays).map(([name, bytes]) => [`${name}.npy`, bytes])), { level: 0 }));
}

function assertGolden(metrics: Record<string, number>, where: string): void {
  assert.deepEqual(Object.keys(metrics), [...COLLAPSE_METRIC_KEYS], `${where}: every METRICS.md key, in order`);
  for (const [key, expected] of Object.entries(golden.expected)) assertClose(metrics[key], expected, `${where}: ${key}`, goldenTolerance());
}

const LIBRARY_SCRIPT = `
import { analyzeArrays, readRun, NcollapseError } from 'ncollapse';
import { readNpz } from 'ncollapse/data';
import { tensor, libtorchVersion } from 'ncollapse/torch';
import { Linear } from 'ncollapse/nn';
import { SGD } from 'ncollapse/optim';
import { CollapseMeasurement } from 'ncollapse/collapse';
import { table1 } from 'ncollapse/report';

const arrays = readNpz(process.argv[2]);
const matrix = (a) => ({ data: a.data, shape: a.shape });
const result = analyzeArrays(
  { features: matrix(arrays.get('H')), labels: arrays.get('y').data, weight: matrix(arrays.get('W')), bias: arrays.get('b').data },
  { weightDecay: Number(process.argv[3]) },
);
const doubled = tensor(new Float64Array([1, 2, 3])).mul(2).data();
const exported = [readRun, NcollapseError, Linear, SGD, CollapseMeasurement, table1].map((f) => typeof f);
console.log(JSON.stringify({ metrics: result.metrics, doubled: [...doubled], libtorch: libtorchVersion(), exported }));
`;

describe('npm pack, then npm install of the tarball in an empty project', { timeout: 30 * MINUTE }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'ncollapse-package-'));
  const project = join(dir, 'project');
  let tarball = '';
  before(() => {
    // `npm pack` runs `prepare`, so the tarball holds a fresh build of these sources.
    const packed = JSON.parse(sh('npm', ['pack', '--json', '--pack-destination', dir], { cwd: CHECKOUT, timeout: 10 * MINUTE })) as { filename: string }[];
    tarball = join(dir, packed[0]!.filename);
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'uses-ncollapse', private: true, type: 'module' }));
    sh('npm', ['install', tarball, '--prefer-offline', '--no-audit', '--no-fund'], { cwd: project, timeout: 20 * MINUTE });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('ships the compiled JavaScript, its declarations and the addon sources, never a build or libtorch', () => {
    const files = sh('tar', ['-tzf', tarball], { cwd: dir }).split('\n').filter(Boolean);
    for (const file of [
      'package/bin/ncollapse',
      'package/dist/src/index.js',
      'package/dist/src/index.d.ts',
      'package/native/binding.gyp',
      'package/native/src/addon.cc',
      'package/src/serve/public/dashboard.js',
    ]) {
      assert.ok(files.includes(file), `${file} is in the tarball`);
    }
    const unwanted = files.filter((f) => (/\.(node|so|ts)$/.test(f) && !f.endsWith('.d.ts')) || f.includes('native/build/') || f.startsWith('package/test/'));
    assert.deepEqual(unwanted, []);
  });

  it('compiled the addon at install time', () => {
    const built = readdirSync(join(project, 'node_modules', 'ncollapse', 'native', 'build', 'Release'));
    assert.ok(built.includes('ncollapse_native.node'), built.join(', '));
  });

  it('npx ncollapse analyze measures an .npz file: the PyTorch golden values', () => {
    const file = join(project, 'features.npz');
    writeGoldenNpz(file);
    const stdout = sh('npx', ['--no-install', 'ncollapse', 'analyze', file, '--wd', String(golden.weightDecay), '--json'], {
      cwd: project,
      timeout: 5 * MINUTE,
    });
    assertGolden(JSON.parse(stdout) as Record<string, number>, 'npx ncollapse analyze');
  });

  it('imports the library and every subpath from a plain .mjs script', () => {
    const file = join(project, 'features.npz');
    writeGoldenNpz(file);
    writeFileSync(join(project, 'library.mjs'), LIBRARY_SCRIPT);
    const stdout = sh(process.execPath, ['library.mjs', file, String(golden.weightDecay)], { cwd: project, timeout: 5 * MINUTE });
    const output = JSON.parse(stdout) as { metrics: Record<string, number>; doubled: number[]; libtorch: string; exported: string[] };
    assertGolden(output.metrics, 'analyzeArrays');
    assert.deepEqual(output.doubled, [2, 4, 6]);
    assert.match(output.libtorch, /^\d+\.\d+/);
    assert.deepEqual(output.exported, Array(6).fill('function'));
  });

  it("type-checks the README's example against the shipped declarations, and runs it", () => {
    const readme = readFileSync(join(CHECKOUT, 'README.md'), 'utf8');
    const section = readme.split(/^## /m).find((s) => s.startsWith('Use as a library'))!;
    const code = /```ts\n([\s\S]*?)```/.exec(section)![1]!;
    writeFileSync(join(project, 'example.ts'), code);
    const compilerOptions = {
      module: 'nodenext',
      moduleResolution: 'nodenext',
      target: 'es2022',
      strict: true,
      skipLibCheck: true,
      types: ['node'],
      typeRoots: [join(CHECKOUT, 'node_modules', '@types')],
    };
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['example.ts'] }));
    sh(process.execPath, [join(CHECKOUT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], { cwd: project, timeout: 5 * MINUTE });
    const stdout = sh(process.execPath, ['example.js'], { cwd: project, timeout: 5 * MINUTE });
    assert.equal(stdout.trim(), /\/\/ prints: (.*)$/m.exec(code)![1]);
  });
});
