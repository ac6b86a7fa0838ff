import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { runCli } from '../train/cli-run.js';

// A small real run: the seeded Gaussian mixture, a narrow MLP, DeepFool on 15 images per split at epochs 2 and 4.
const RUN = [
  'train',
  '--dataset',
  'gaussian',
  '--per-class',
  '30',
  '--model',
  'mlp',
  '--width',
  '0.125',
  '--epochs',
  '4',
  '--measure',
  '2,4',
  '--robustness',
  '15',
  '--no-report',
  '--quiet',
  '--seed',
  '3',
];

let dir: string;
let run: string;
let lines: Record<string, number>[];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ncollapse-robustness-'));
  run = join(dir, 'run');
  const result = await runCli([...RUN, '--out', run]);
  assert.equal(result.code, 0, result.stderr);
  lines = readFileSync(join(run, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, number>);
});

after(() => rmSync(dir, { recursive: true, force: true }));

test('train --robustness K records deepfool_train, deepfool_test and deepfool_failed at each measured epoch', () => {
  assert.deepEqual(
    lines.map((l) => l.epoch),
    [2, 4],
  );
  for (const line of lines) {
    assert.ok(line.deepfool_train! > 0 && Number.isFinite(line.deepfool_train), `deepfool_train ${line.deepfool_train}`);
    assert.ok(line.deepfool_test! > 0 && Number.isFinite(line.deepfool_test), `deepfool_test ${line.deepfool_test}`);
    assert.ok(line.deepfool_failed! >= 0 && line.deepfool_failed! <= 1);
  }
  const config = JSON.parse(readFileSync(join(run, 'config.json'), 'utf8')) as { robustness: number };
  assert.equal(config.robustness, 15);
});

test('ncollapse robustness RUN --epoch E gives the values the run recorded at E (same model, same images)', async () => {
  const result = await runCli(['robustness', run, '--epoch', '2', '--json']);
  assert.equal(result.code, 0, result.stderr);
  const measured = JSON.parse(result.stdout) as Record<string, number>;
  assert.equal(measured.samples, 15, "the run's --robustness is the default");
  for (const key of ['deepfool_train', 'deepfool_test', 'deepfool_failed']) {
    const recorded = lines[0]![key]!;
    assert.ok(Math.abs(measured[key]! - recorded) <= 1e-6 * Math.max(recorded, 1e-12), `${key}: ${measured[key]} vs recorded ${recorded}`);
  }
  const last = JSON.parse((await runCli(['robustness', run, '--samples', '15', '--json'])).stdout) as Record<string, number>;
  assert.ok(Math.abs(last.deepfool_train! - lines[1]!.deepfool_train!) <= 1e-6 * lines[1]!.deepfool_train!, 'the last checkpoint is epoch 4');
});

test('ncollapse robustness names a missing checkpoint and the epochs there are', async () => {
  const result = await runCli(['robustness', run, '--epoch', '3']);
  assert.notEqual(result.code, 0);
  assert.match(result.stderr, /epoch-0003\.safetensors: no such checkpoint; this run saved the measured epochs 2, 4/);
  const notRun = await runCli(['robustness', dir]);
  assert.notEqual(notRun.code, 0);
  assert.match(notRun.stderr, /config\.json: no such file/);
});
