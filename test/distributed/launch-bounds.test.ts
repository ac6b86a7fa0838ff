import assert from 'node:assert/strict';
import { test } from 'node:test';

import { checkMasterAddress } from '../../src/distributed/master-address.js';
import { runCli } from '../train/cli-run.js';

test('launch refuses --nproc past its bound with exit 2, before starting anything', async () => {
  const result = await runCli(['launch', '--nproc', '100000', 'train', '--out', '/nonexistent/never']);
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, /--nproc 100000: at most 128 processes on one machine/);
});

test('an unresolvable rank 0 address fails at once with its name (not after the 600 s store time-out)', async () => {
  await assert.rejects(checkMasterAddress('no-such-host.invalid', 'MASTER_ADDR'), /MASTER_ADDR=no-such-host\.invalid: this host name cannot be resolved/);
  await checkMasterAddress('127.0.0.1', 'MASTER_ADDR');
  const result = await runCli(['launch', '--nproc', '2', '--master-addr', 'no-such-host.invalid', 'train', '--out', '/nonexistent/never']);
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, /--master-addr=no-such-host\.invalid: this host name cannot be resolved/);
});
