import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';

import { encodeNpy } from '../../src/io/npy.js';
import { startCli, waitFor } from '../train/cli-run.js';
import { zipSync } from 'fflate';

// Every command exits 130 on SIGINT and 143 on SIGTERM (the README's table), never 0.
const dir = mkdtempSync(join(tmpdir(), 'ncollapse-signals-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The exit status as a shell reports it: the code, or 128 + the signal's number. */
function status(finished: { code: number | null; signal: NodeJS.Signals | null }): number | null {
  if (finished.code !== null) return finished.code;
  return finished.signal === 'SIGTERM' ? 143 : finished.signal === 'SIGINT' ? 130 : null;
}

test('serve (which stops cleanly on a signal) exits 143 on SIGTERM and 130 on SIGINT', async () => {
  for (const [signal, code] of [
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const) {
    const serve = startCli(['serve', dir, '--port', '0']);
    let out = '';
    serve.child.stdout!.on('data', (d) => (out += d));
    await waitFor(() => out.includes('ncollapse dashboard:'), 30_000, 'the dashboard to start');
    serve.child.kill(signal);
    const finished = await serve.done;
    assert.equal(finished.code, code, finished.stderr);
  }
});

test('analyze, killed while it measures, does not exit 0', async () => {
  // Large enough to take a while: 40,000 x 256 features in 10 classes.
  const n = 40_000;
  const p = 256;
  const features = new Float32Array(n * p).map((_, i) => (Math.sin(i * 12.9898) * 43758.5453) % 1);
  const labels = BigInt64Array.from({ length: n }, (_, i) => BigInt(i % 10));
  const file = join(dir, 'features.npz');
  writeFileSync(file, zipSync({ 'H.npy': encodeNpy({ data: features, shape: [n, p] }), 'y.npy': encodeNpy({ data: labels, shape: [n] }) }, { level: 0 }));
  const analyze = startCli(['analyze', file]);
  await new Promise((resolve) => setTimeout(resolve, 1500));
  analyze.child.kill('SIGTERM');
  const finished = await analyze.done;
  if (finished.code === 0) assert.fail(`analyze exited 0 after SIGTERM: ${finished.stdout}`);
  assert.equal(status(finished), 143, finished.stderr);
});
