import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';

const README = fileURLToPath(new URL('../../README.md', import.meta.url));
const ENTRY = pathToFileURL(fileURLToPath(new URL('../../src/index.ts', import.meta.url))).href;

/** The TypeScript block of the README's "Use as a library" section, as written there. */
function libraryExample(): string {
  const section = readFileSync(README, 'utf8')
    .split(/^## /m)
    .find((s) => s.startsWith('Use as a library'));
  assert.ok(section, 'README.md has a "Use as a library" section');
  const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  assert.ok(code, 'the section holds a ```ts block');
  return code;
}

test("the README's library example runs and prints what the README says it prints", () => {
  const code = libraryExample();
  assert.match(code, /from 'ncollapse'/, "the example imports the package's main entry");
  const promised = /\/\/ prints: (.*)$/m.exec(code)?.[1];
  assert.ok(promised, 'the example says what it prints');
  const dir = mkdtempSync(join(tmpdir(), 'ncollapse-readme-'));
  try {
    // The same code, importing this checkout's entry instead of the installed package.
    const file = join(dir, 'example.ts');
    writeFileSync(file, code.replace(/from 'ncollapse'/, `from '${ENTRY}'`));
    const stdout = execFileSync(process.execPath, ['--import', 'tsx', file], { encoding: 'utf8' });
    assert.equal(stdout.trim(), promised);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
