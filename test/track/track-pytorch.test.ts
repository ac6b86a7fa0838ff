import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { analyzeFiles } from '../../src/analyze/analyze-files.js';
import { writeReportForRuns } from '../../src/report/index.js';
import { readRun } from '../../src/run/run-reader.js';
import { trackDumps } from '../../src/track/track-run.js';
import { assertClose } from '../helpers/assert-close.js';
import { tempDir } from '../helpers/temp-dir.js';

const PYTHON = '/usr/bin/python3';
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SCRIPT = join(ROOT, 'test/track/pytorch_training.py');
const FASHION_MNIST = '/usr/share/datasets/fashion-mnist';
const EPOCHS = 6;

interface TorchEpoch {
  epoch: number;
  loss: number;
  lr: number;
  test_error: number;
  train_error: number;
}

test('a PyTorch training that saves dumps with the README code: track measures them as analyze does, and report draws the figures and Table 1', async () => {
  const torchWorks = spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
  assert.ok(torchWorks, `${PYTHON} cannot import torch: apt-get install python3-torch (scripts/setup.sh --test installs it)`);
  const dir = tempDir('ncollapse-track-torch-');
  const dumps = join(dir, 'dumps');
  mkdirSync(dumps);
  const training = spawnSync(PYTHON, [SCRIPT, join(ROOT, 'README.md'), FASHION_MNIST, dumps, String(EPOCHS)], { encoding: 'utf8' });
  assert.equal(training.status, 0, training.stderr);
  const torchEpochs = training.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as TorchEpoch);
  // The README writes under a temporary name and renames: only the finished dumps are left.
  assert.deepEqual(
    readdirSync(dumps).sort(),
    torchEpochs.map((e) => `epoch-${String(e.epoch).padStart(4, '0')}.npz`),
  );

  const runDir = join(dir, 'runs', 'mine');
  const result = await trackDumps({ dumpDir: dumps, runDir, loss: 'ce', dataset: 'fashion-mnist', model: 'mlp' });
  assert.deepEqual(result, { state: 'finished', measured: torchEpochs.map((e) => e.epoch), skipped: [] });

  const run = await readRun(runDir);
  assert.deepEqual(run.warnings, []);
  assert.equal(run.status?.state, 'finished');
  assert.equal(run.config.numClasses, 10);
  assert.equal((run.config.source as { featureDim: number }).featureDim, 64);
  assert.deepEqual(
    run.metrics.map((m) => m.epoch),
    torchEpochs.map((e) => e.epoch),
  );
  for (const [i, line] of run.metrics.entries()) {
    const file = join(dumps, `epoch-${String(line.epoch).padStart(4, '0')}.npz`);
    const analyzed = analyzeFiles(file, {}).metrics;
    // Every key of analyze, with analyze's value: the same measurement, not a second one.
    for (const [key, value] of Object.entries(analyzed)) assert.equal(line[key], value, `${basename(file)}: ${key}`);
    const torch = torchEpochs[i]!;
    // The loop's scalars as it saved them, and the errors as PyTorch's own forward pass gives them.
    assert.equal(line.loss, torch.loss);
    assert.equal(line.lr, torch.lr);
    assert.equal(line.test_error, torch.test_error, `epoch ${line.epoch}: test error`);
    assert.equal(line.train_error, torch.train_error, `epoch ${line.epoch}: train error`);
    assert.deepEqual(
      line.layers?.map((l) => [l.name, l.depth]),
      [
        ['hidden.0', 1],
        ['hidden.1', 2],
      ],
    );
    // The last hidden block's output is the classifier's input H: its layer-wise keys are H's.
    const last = line.layers![1]!;
    for (const key of ['nc1', 'nc1_trace_ratio', 'cdnv', 'ncc_accuracy'] as const) {
      assertClose(last[key]!, line[key] as number, `epoch ${line.epoch}: hidden.1 ${key}`, { relative: 1e-9, absolute: 1e-12 });
    }
    assert.equal(run.geometry[i]?.epoch, line.epoch);
    assert.equal(run.geometry[i]?.cos_means?.length, 10);
  }
  const tpt = torchEpochs.find((e) => e.train_error === 0)?.epoch;
  assert.ok(tpt !== undefined, 'the tiny training reaches zero training error (the test needs a terminal phase)');
  assert.equal(run.tptEpoch, tpt);
  assert.equal(run.status?.tptEpoch, tpt);

  const report = await writeReportForRuns([run], join(dir, 'report'), { png: false });
  const figures = report.figureFiles.map((f) => basename(f, '.svg'));
  for (const id of [
    'error',
    'loss',
    'fig2-equinorm',
    'fig3-equiangular',
    'fig4-maxangle',
    'fig5-self-duality',
    'fig6-nc1',
    'fig7-ncc-mismatch',
    'layers-nc1',
  ]) {
    assert.ok(figures.includes(id), `figure ${id} (got ${figures.join(', ')})`);
  }
  assert.ok(
    figures.some((id) => id.startsWith('geometry-')),
    'the geometry figures',
  );
  const last = torchEpochs[torchEpochs.length - 1]!;
  assert.deepEqual(report.table1, [
    {
      run: 'fashion-mnist / mlp / ce',
      name: 'mine',
      tptEpoch: tpt,
      tptMeasuredEpoch: tpt,
      accuracyAtTpt: 100 * (1 - torchEpochs[tpt - 1]!.test_error),
      lastEpoch: last.epoch,
      accuracyAtLast: 100 * (1 - last.test_error),
      change: 100 * (1 - last.test_error) - 100 * (1 - torchEpochs[tpt - 1]!.test_error),
    },
  ]);
});
