import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

import { SweepDirectoryError } from '../../src/sweep/sweep-directory-error.js';
import { planSweep } from '../../src/sweep/plan.js';
import { selectRuns } from '../../src/sweep/selection.js';
import { arraySpec, batchScript, sbatchArgs } from '../../src/sweep/slurm-backend.js';
import { statusTable, sweepStatus } from '../../src/sweep/status.js';
import { SweepDirectory, type SweepRow } from '../../src/sweep/sweep-directory.js';
import { taskStart } from '../../src/sweep/task.js';
import { readRunProgress } from '../../src/sweep/run-state.js';

const work = mkdtempSync(join(tmpdir(), 'ncollapse-sweepdir-'));
after(() => rmSync(work, { recursive: true, force: true }));

let counter = 0;
function newGrid(text: string): string {
  const file = join(work, `grid-${counter++}.yaml`);
  writeFileSync(file, text);
  return file;
}

const TWO_CELLS = 'fixed: { dataset: gaussian, model: mlp, epochs: 4 }\naxes:\n  loss: [ce, mse]\n  lr: [0.01, 0.1, 0.5]\n';

/** Writes what train would have left in a run directory. */
function fakeRun(dir: string, state: string, testErrors: number[], epochs = 4): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ name: 'x', dataset: 'gaussian', model: 'mlp', loss: 'ce', epochs, numClasses: 10 }));
  // A finished run ran to its end and left the checkpoint of its last epoch (the trainer always does).
  const epoch = state === 'finished' ? epochs : testErrors.length;
  if (state === 'finished') {
    mkdirSync(join(dir, 'checkpoints'), { recursive: true });
    for (const name of [`epoch-${String(epochs).padStart(4, '0')}.safetensors`, 'last.safetensors']) writeFileSync(join(dir, 'checkpoints', name), 'weights');
  }
  writeFileSync(
    join(dir, 'status.json'),
    JSON.stringify({
      state,
      epoch,
      epochs,
      tptEpoch: null,
      message: state === 'diverged' ? 'the training loss became NaN' : null,
      updatedAt: new Date().toISOString(),
    }),
  );
  writeFileSync(join(dir, 'metrics.jsonl'), testErrors.map((e, i) => `${JSON.stringify({ epoch: i + 1, train_error: 0.1, test_error: e })}\n`).join(''));
}

describe('sweep directories', () => {
  it('plan writes sweep.json, sweep.jsonl, the grid and one run directory per row; planning again changes nothing', () => {
    const grid = newGrid(TWO_CELLS);
    const out = join(work, 'plan');
    const first = planSweep(grid, out);
    assert.equal(first.created, true);
    assert.equal(first.rows.length, 6);
    for (const row of first.rows) assert.ok(existsSync(join(out, row.id)));
    const rowsText = readFileSync(join(out, 'sweep.jsonl'), 'utf8');
    assert.equal(rowsText.trim().split('\n').length, 6);
    assert.equal(readFileSync(join(out, 'grid.yaml'), 'utf8'), TWO_CELLS);
    const again = planSweep(grid, out);
    assert.equal(again.created, false);
    assert.equal(readFileSync(join(out, 'sweep.jsonl'), 'utf8'), rowsText);
    assert.deepEqual(new SweepDirectory(out).readRows(), first.rows);
  });

  it('refuses a directory that holds something else, and touches nothing in it', () => {
    const out = join(work, 'other');
    mkdirSync(out);
    writeFileSync(join(out, 'notes.txt'), 'mine');
    assert.throws(
      () => planSweep(newGrid(TWO_CELLS), out),
      (e: Error) => e instanceof SweepDirectoryError && /is not empty and is not a sweep \(no sweep\.json; it holds notes\.txt\)/.test(e.message),
    );
    assert.deepEqual(readdirSync(out), ['notes.txt']);
    assert.throws(() => new SweepDirectory(out).readRows(), /not a sweep directory \(no sweep\.json\); create one with 'ncollapse sweep plan/);

    const planned = join(work, 'planned');
    planSweep(newGrid(TWO_CELLS), planned);
    const before = readFileSync(join(planned, 'sweep.jsonl'), 'utf8');
    assert.throws(() => planSweep(newGrid(TWO_CELLS.replace('0.5', '0.2')), planned), /already holds a different sweep/);
    assert.equal(readFileSync(join(planned, 'sweep.jsonl'), 'utf8'), before);
  });

  it('names the file and line of a damaged sweep.jsonl and a foreign sweep.json', () => {
    const out = join(work, 'damaged');
    planSweep(newGrid(TWO_CELLS), out);
    const lines = readFileSync(join(out, 'sweep.jsonl'), 'utf8').split('\n');
    writeFileSync(join(out, 'sweep.jsonl'), [lines[0], '{"index": 1', ...lines.slice(2)].join('\n'));
    assert.throws(
      () => new SweepDirectory(out).readRows(),
      (e: Error) => e.message === `${join(out, 'sweep.jsonl')}: line 2 is not valid JSON`,
    );
    writeFileSync(join(out, 'sweep.json'), '{"kind": "something-else"}');
    assert.throws(() => new SweepDirectory(out).readInfo(), /sweep\.json: field 'kind': .*this is not a sweep written by ncollapse/);
  });
});

describe('selection', () => {
  it('keeps the finished run with the lowest final test error per cell; diverged and unfinished runs never win', () => {
    const out = join(work, 'select');
    const { rows } = planSweep(newGrid(TWO_CELLS), out);
    const dir = (row: SweepRow) => join(out, row.id);
    const ce = rows.filter((r) => r.config.loss === 'ce');
    const mse = rows.filter((r) => r.config.loss === 'mse');
    // ce: the final (not the best) test error decides: 0.30 at the end beats 0.35, despite 0.1 earlier.
    fakeRun(dir(ce[0]!), 'finished', [0.1, 0.2, 0.3, 0.35]);
    fakeRun(dir(ce[1]!), 'finished', [0.5, 0.4, 0.3, 0.3]);
    fakeRun(dir(ce[2]!), 'running', [0.05, 0.01]);
    // mse: every run diverged.
    for (const row of mse) fakeRun(dir(row), 'diverged', [0.5]);

    const cells = selectRuns(new SweepDirectory(out));
    assert.equal(cells.length, 2);
    const [ceCell, mseCell] = cells;
    assert.equal(ceCell!.selected?.id, ce[1]!.id);
    assert.equal(ceCell!.selected?.lr, 0.1);
    assert.equal(ceCell!.selected?.finalTestError, 0.3);
    assert.match(ceCell!.note!, /1 of 3 runs not finished yet: the selection may change/);
    assert.equal(mseCell!.selected, null);
    assert.equal(mseCell!.note, 'every run diverged (lr 0.01, 0.1, 0.5): no run selected; try smaller learning rates');

    // A tie goes to the earlier row.
    fakeRun(dir(ce[0]!), 'finished', [0.3]);
    assert.equal(selectRuns(new SweepDirectory(out))[0]!.selected?.id, ce[0]!.id);
  });

  it('status reads the run directories: planned, running, interrupted (stale), finished, diverged', async () => {
    const out = join(work, 'status');
    const { rows } = planSweep(newGrid(TWO_CELLS), out);
    const dir = (i: number) => join(out, rows[i]!.id);
    fakeRun(dir(0), 'finished', [0.2, 0.1]);
    fakeRun(dir(1), 'diverged', [0.5]);
    fakeRun(dir(2), 'running', [0.3]);
    fakeRun(dir(3), 'interrupted', [0.3]);
    const status = await sweepStatus(new SweepDirectory(out));
    // No pool or job runs them: a 'running' status.json is a process that was killed.
    assert.deepEqual(
      status.runs.map((r) => r.state),
      ['finished', 'diverged', 'interrupted', 'interrupted', 'planned', 'planned'],
    );
    assert.equal(status.runs[0]!.testError, 0.1);
    const table = statusTable(status);
    assert.match(table, /^#\s+id\s+loss\s+lr\s+state\s+epoch\s+test error$/m);
    assert.match(table, new RegExp(`^0\\s+${rows[0]!.id}\\s+ce\\s+0\\.01\\s+finished\\s+4/4\\s+0\\.1000$`, 'm'));
    assert.match(table, /6 runs: 1 finished, 1 diverged, 2 interrupted, 2 planned; no backend running/);
  });

  it('a task skips done runs, resumes checkpointed ones and restarts runs that stopped before their first checkpoint', () => {
    const out = join(work, 'task');
    const { rows } = planSweep(newGrid(TWO_CELLS), out);
    const dir = (i: number) => join(out, rows[i]!.id);
    fakeRun(dir(0), 'finished', [0.1]);
    fakeRun(dir(1), 'diverged', [0.1]);
    fakeRun(dir(2), 'interrupted', [0.1]);
    mkdirSync(join(dir(2), 'checkpoints'), { recursive: true });
    writeFileSync(join(dir(2), 'checkpoints', 'last.safetensors'), '');
    fakeRun(dir(3), 'running', []);
    assert.deepEqual(
      rows.slice(0, 5).map((_, i) => taskStart(readRunProgress(dir(i)))),
      ['skip', 'skip', 'resume', 'restart', 'fresh'],
    );
  });
});

describe('slurm job script', () => {
  it('writes compact array ranges', () => {
    assert.equal(arraySpec([0, 1, 2, 3]), '0-3');
    assert.equal(arraySpec([0, 2, 3, 5, 7, 8, 9]), '0,2-3,5,7-9');
    assert.equal(arraySpec([4]), '4');
  });

  it('submits one requeueable array with the time-limit signal, and execs the task so it gets the signals', () => {
    const sweep = new SweepDirectory(join(work, 'slurm'));
    const args = sbatchArgs(
      sweep,
      'small',
      [0, 1, 2, 3],
      { cpusPerTask: 2, maxRunning: 2, partition: 'gpu', time: '2:00:00', gpusPerTask: 1 },
      '/x/sweep.sbatch',
    );
    for (const arg of [
      '--array=0-3%2',
      '--requeue',
      '--signal=B:USR1@120',
      '--cpus-per-task=2',
      '--partition=gpu',
      '--time=2:00:00',
      '--gpus-per-task=1',
      '--open-mode=append',
    ])
      assert.ok(args.includes(arg), arg);
    assert.equal(args.at(-1), '/x/sweep.sbatch');
    const script = batchScript(sweep);
    assert.match(script, /^#!\/bin\/bash\n/);
    assert.match(
      script,
      new RegExp(
        `\\nexec \\S+node\\S* \\S+/bin/ncollapse sweep task ${sweep.root.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} --index "\\$SLURM_ARRAY_TASK_ID"\\n$`,
      ),
    );
  });
});
