import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';

import { InputFileError } from '../../src/errors.js';
import { readBoundedText } from '../../src/io/bounded-read.js';

const dir = mkdtempSync(join(tmpdir(), 'ncollapse-bounded-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('reads a regular file within the bound', () => {
  writeFileSync(join(dir, 'small.txt'), 'hello');
  assert.equal(readBoundedText(join(dir, 'small.txt'), 5, 'text file'), 'hello');
});

test('refuses a file past the bound, a device, a pipe and a folder, naming the file and what was expected', () => {
  writeFileSync(join(dir, 'big.txt'), 'x'.repeat(6));
  assert.throws(
    () => readBoundedText(join(dir, 'big.txt'), 5, 'text file'),
    (e: unknown) => e instanceof InputFileError && /big\.txt: is larger than 5 bytes, the most a text file may be/.test(e.message),
  );
  assert.throws(() => readBoundedText('/dev/zero', 1024, 'grid file'), /\/dev\/zero: is a character device; expected a grid file \(a regular file\)/);
  const fifo = join(dir, 'pipe');
  execFileSync('mkfifo', [fifo]);
  assert.throws(() => readBoundedText(fifo, 1024, 'grid file'), /pipe: is a pipe; expected a grid file/);
  assert.throws(() => readBoundedText(dir, 1024, 'grid file'), /is a folder; expected a grid file/);
});

test('reads a /proc file (which says its size is 0) no further than the bound', () => {
  assert.match(readBoundedText('/proc/self/status', 1 << 20, 'status'), /^Name:/);
  assert.throws(() => readBoundedText('/proc/self/status', 16, 'status'), /is larger than 16 bytes/);
});
