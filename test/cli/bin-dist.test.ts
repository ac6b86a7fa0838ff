import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/ncollapse', import.meta.url));

/** A checkout-shaped folder holding bin/ncollapse, a src/ and (optionally) a dist/ whose main() says it ran. */
const root = mkdtempSync(join(tmpdir(), 'ncollapse-bin-'));
after(() => rmSync(root, { recursive: true, force: true }));
mkdirSync(join(root, 'bin'));
copyFileSync(BIN, join(root, 'bin', 'ncollapse'));
mkdirSync(join(root, 'src', 'cli'), { recursive: true });
writeFileSync(join(root, 'src', 'cli', 'main.ts'), '');

function run(): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [join(root, 'bin', 'ncollapse'), 'x'], { encoding: 'utf8' });
}

function writeDist(): void {
  mkdirSync(join(root, 'dist', 'src', 'cli'), { recursive: true });
  writeFileSync(join(root, 'dist', 'src', 'cli', 'main.js'), "export async function main(argv) { console.log('dist ran with', argv.slice(2).join(' ')); }\n");
}

test('bin/ncollapse refuses to start without a build and says how to make one', () => {
  const result = run();
  assert.equal(result.status, 1);
  assert.match(result.stderr, /dist\/src\/cli\/main\.js is missing.*run 'npm run build'/);
});

test('bin/ncollapse refuses a dist/ older than a source file, naming it', () => {
  writeDist();
  const future = new Date(Date.now() + 60_000);
  mkdirSync(join(root, 'src', 'collapse'));
  writeFileSync(join(root, 'src', 'collapse', 'later.ts'), '');
  utimesSync(join(root, 'src', 'collapse', 'later.ts'), future, future);
  const result = run();
  assert.equal(result.status, 1);
  assert.match(result.stderr, /dist\/ is older than src\/collapse\/later\.ts; run 'npm run build'/);
  assert.equal(result.stdout, '');
});

test('bin/ncollapse runs dist/ when it is newer than every source', () => {
  const past = new Date(Date.now() - 60_000);
  utimesSync(join(root, 'src', 'collapse', 'later.ts'), past, past);
  utimesSync(join(root, 'src', 'cli', 'main.ts'), past, past);
  writeDist();
  const result = run();
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stdout, 'dist ran with x\n');
});
