import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';

import { makeDirectory, OutputDirectoryError } from '../../src/io/make-directory.js';

const dir = mkdtempSync(join(tmpdir(), 'ncollapse-mkdir-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('makes every missing level, and accepts a folder that is already there', () => {
  const target = join(dir, 'a', 'b', 'c');
  makeDirectory(target);
  assert.ok(statSync(target).isDirectory());
  makeDirectory(target);
});

test("under /proc, where Node's recursive mkdir spins forever, it fails at once naming the path", () => {
  assert.throws(
    () => makeDirectory('/proc/ncollapse-no/run/checkpoints'),
    (error: unknown) =>
      error instanceof OutputDirectoryError &&
      /^\/proc\/ncollapse-no\/run\/checkpoints: cannot create the output folder: mkdir \/proc\/ncollapse-no failed/.test(error.message),
  );
});

test('a file in the way is named as such', () => {
  writeFileSync(join(dir, 'file'), 'x');
  assert.throws(
    () => makeDirectory(join(dir, 'file', 'run')),
    (error: unknown) => error instanceof OutputDirectoryError && /file exists and is not a folder/.test(error.message),
  );
});

test('on a read-only file system it says so (Node says ENOENT)', () => {
  const mountPoint = join(dir, 'readonly');
  mkdirSync(mountPoint);
  // The test mounts its own read-only tmpfs (CI runs as root); it fails, not skips, if it cannot.
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', mountPoint]);
  try {
    assert.throws(
      () => makeDirectory(join(mountPoint, 'run', 'checkpoints')),
      (error: unknown) => error instanceof OutputDirectoryError && /the file system is read-only \(EROFS\)/.test(error.message),
    );
    assert.equal(existsSync(join(mountPoint, 'run')), false);
  } finally {
    execFileSync('umount', [mountPoint]);
  }
});
