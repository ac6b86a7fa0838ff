import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { metricLines, runCli, startCli, waitFor } from '../train/cli-run.js';
import { tempDir } from '../helpers/temp-dir.js';
import { dumpName, syntheticDump, writeDump } from './synthetic-dumps.js';

test('ncollapse track --watch: Ctrl-C exits 130 and SIGTERM 143, with the run marked interrupted; a missing folder is named', async () => {
  const dir = tempDir('ncollapse-track-cli-');
  const dumps = join(dir, 'dumps');
  mkdirSync(dumps);
  writeDump(join(dumps, dumpName(1)), syntheticDump(1));
  const stopped = await Promise.all(
    (['SIGINT', 'SIGTERM'] as const).map(async (signal) => {
      const run = join(dir, signal);
      const { child, done } = startCli(['track', dumps, '--out', run, '--watch', '--poll-ms', '50', '--settle-ms', '100']);
      await waitFor(() => metricLines(join(run, 'metrics.jsonl')) === 1, 60_000, `${signal}: epoch 1 measured`);
      child.kill(signal);
      const finished = await done;
      return { signal, code: finished.code, stdout: finished.stdout, state: JSON.parse(readFileSync(join(run, 'status.json'), 'utf8')).state as string };
    }),
  );
  for (const { signal, code, stdout, state } of stopped) {
    assert.equal(code, signal === 'SIGINT' ? 130 : 143, `${signal}: ${stdout}`);
    assert.equal(state, 'interrupted');
    assert.match(stdout, /epoch 1: measured epoch-0001\.npz/);
  }
  const missing = await runCli(['track', join(dir, 'nowhere'), '--out', join(dir, 'never')]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /nowhere: is not a folder: expected the folder that holds the epoch-NNNN\.npz/);
});
