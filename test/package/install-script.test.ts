import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const INSTALL = fileURLToPath(new URL('../../native/install.cjs', import.meta.url));
const ADDON = fileURLToPath(new URL('../../native/build/Release/ncollapse_native.node', import.meta.url));

test('the install script stops with what to install when no libtorch is found, and leaves the built addon alone', () => {
  const before = existsSync(ADDON) ? statSync(ADDON).mtimeMs : undefined;
  const env = { ...process.env, LIBTORCH: '/nonexistent/libtorch' };
  const result = spawnSync(process.execPath, [INSTALL, '--rebuild'], { encoding: 'utf8', env });
  assert.equal(result.status, 1);
  assert.match(result.stderr, /\$LIBTORCH points to \/nonexistent\/libtorch, but .*ATen\.h does not exist/);
  assert.match(result.stderr, /apt-get install libtorch-dev/);
  assert.match(result.stderr, /ncollapse: cannot build the native addon without libtorch/);
  assert.equal(existsSync(ADDON) ? statSync(ADDON).mtimeMs : undefined, before);
});
