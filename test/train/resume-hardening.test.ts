import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';

import { UsageError } from '../../src/errors.js';
import type { TrainOptions } from '../../src/train/config.js';
import { ResumeError } from '../../src/train/resume-point.js';
import { OutputDirectoryError } from '../../src/io/make-directory.js';
import { train } from '../../src/train/trainer.js';

// Tiny seeded runs: the Gaussian mixture and a narrow MLP, a few epochs, every epoch measured.
const dir = mkdtempSync(join(tmpdir(), 'ncollapse-resume-hardening-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function options(name: string, extra: Partial<TrainOptions> = {}): TrainOptions {
  return {
    name,
    out: join(dir, name),
    dataset: 'gaussian',
    perClass: 20,
    model: 'mlp',
    width: 0.0625,
    epochs: 3,
    batchSize: 50,
    lrMilestones: [],
    measure: 'all',
    layers: false,
    report: false,
    seed: 3,
    ...extra,
  };
}

/** Trains, collecting the notices the trainer prints. */
async function run(opts: TrainOptions, resume = false, explicit?: Partial<TrainOptions>) {
  const notices: string[] = [];
  const result = await train(opts, { quiet: true, resume, explicit, notice: (line) => notices.push(line) });
  return { result, notices };
}

function metrics(name: string): Record<string, unknown>[] {
  return readFileSync(join(dir, name, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const { seconds: _seconds, ...rest } = JSON.parse(line) as Record<string, unknown>;
      return rest;
    });
}

const checkpoint = (name: string, file: string) => join(dir, name, 'checkpoints', file);

test('--resume passes over a damaged last.safetensors to the newest intact epoch file, and a longer --epochs extends the run', async () => {
  await run(options('reference', { epochs: 5 }));
  for (const damage of ['empty', 'truncated', 'flipped', 'missing'] as const) {
    const name = `damaged-${damage}`;
    await run(options(name));
    const last = checkpoint(name, 'last.safetensors');
    if (damage === 'empty') truncateSync(last, 0);
    if (damage === 'truncated') truncateSync(last, 1000);
    if (damage === 'missing') rmSync(last);
    if (damage === 'flipped') {
      const bytes = readFileSync(last);
      bytes[bytes.length - 7] ^= 0x10; // a byte of tensor data, not of the header
      writeFileSync(last, bytes);
    }
    const { result, notices } = await run(options(name), true, { epochs: 5 });
    assert.equal(result.state, 'finished');
    assert.match(notices.join('\n'), /extending the run from 3 to 5 epochs/);
    assert.match(
      notices.join('\n'),
      new RegExp(`last\\.safetensors: .*Continuing from .*epoch-0003\\.safetensors \\(epoch 3\\)`),
      `${damage}: ${notices.join('\n')}`,
    );
    if (damage === 'flipped') assert.match(notices.join('\n'), /does not match its SHA-256/);
    assert.deepEqual(metrics(name), metrics('reference'), damage);
    const config = JSON.parse(readFileSync(join(dir, name, 'config.json'), 'utf8')) as { epochs: number };
    assert.equal(config.epochs, 5, 'config.json records the extension');
  }
});

test('--resume names the options it ignores and refuses a shorter --epochs', async () => {
  await run(options('ignored', { epochs: 2 }));
  const { notices } = await run(options('ignored'), true, { lr: 0.5, dataset: 'mnist', seed: 3 });
  assert.match(notices.join('\n'), /ignoring --lr 0\.5; the run keeps 0\.0679/);
  assert.match(notices.join('\n'), /ignoring --dataset "mnist"; the run keeps "gaussian"/);
  assert.doesNotMatch(notices.join('\n'), /--seed/, 'an option equal to the saved one is not reported');
  // Named by the flag the user typed, not by the config.json key (lrGamma once became a made-up --lr-gamma).
  const renamed = await run(options('ignored'), true, { lrGamma: 0.5, lrMilestones: [1] });
  assert.match(renamed.notices.join('\n'), /ignoring --gamma 0\.5; the run keeps 0\.1/);
  assert.match(renamed.notices.join('\n'), /ignoring --milestones \[1\]; the run keeps \[\]/);
  await assert.rejects(run(options('ignored'), true, { epochs: 1 }), (error: unknown) => error instanceof UsageError && /not shortened/.test(error.message));
});

test('a config.json edited to fewer epochs than the checkpoint holds is refused, not reported as finished', async () => {
  await run(options('edited'));
  const configFile = join(dir, 'edited', 'config.json');
  const config = JSON.parse(readFileSync(configFile, 'utf8')) as Record<string, unknown>;
  writeFileSync(configFile, JSON.stringify({ ...config, epochs: 2 }));
  await assert.rejects(
    run(options('edited'), true),
    (error: unknown) => error instanceof ResumeError && /field 'epochs' is 2, but .* already holds epoch 3/.test(error.message),
  );
  assert.equal((JSON.parse(readFileSync(join(dir, 'edited', 'status.json'), 'utf8')) as { state: string }).state, 'finished');
});

test('config.json records the world size, and a resume under another is refused before anything changes', async () => {
  await run(options('world', { epochs: 2 }));
  const configFile = join(dir, 'world', 'config.json');
  const config = JSON.parse(readFileSync(configFile, 'utf8')) as Record<string, unknown>;
  assert.equal(config.worldSize, 1, 'a run without launch/srun is one process');
  writeFileSync(configFile, JSON.stringify({ ...config, worldSize: 2 }));
  const before = readFileSync(join(dir, 'world', 'metrics.jsonl'), 'utf8');
  await assert.rejects(
    run(options('world'), true, { epochs: 3 }),
    (error: unknown) =>
      error instanceof UsageError &&
      /trained with world size 2 and would continue with 1; resume it with 2 processes \(launch --nproc 2 or srun\)/.test(error.message),
  );
  assert.equal(readFileSync(join(dir, 'world', 'metrics.jsonl'), 'utf8'), before);
  assert.equal((JSON.parse(readFileSync(configFile, 'utf8')) as { epochs: number }).epochs, 2, 'config.json is not extended');
});

test('--measure none still writes the final checkpoint', async () => {
  await run(options('unmeasured', { measure: 'none', epochs: 2 }));
  assert.ok(existsSync(checkpoint('unmeasured', 'epoch-0002.safetensors')));
  assert.ok(existsSync(checkpoint('unmeasured', 'last.safetensors')));
});

test('a start that fails its checks (batch larger than the data) creates nothing', async () => {
  const opts = options('too-big-batch', { batchSize: 1000 });
  await assert.rejects(run(opts), /--batch-size 1000 is larger than the 200 training samples/);
  assert.equal(existsSync(opts.out as string), false);
});

test('a run with no checkpoint and no measured epoch (killed in its first epoch) resumes from its beginning', async () => {
  await run(options('first-epoch', { epochs: 2 }));
  const root = join(dir, 'first-epoch');
  for (const file of ['metrics.jsonl', 'geometry.jsonl', 'status.json', 'checkpoints']) rmSync(join(root, file), { recursive: true, force: true });
  const { result, notices } = await run(options('first-epoch'), true);
  assert.equal(result.state, 'finished');
  assert.match(notices.join('\n'), /starting the run from its beginning/);
  assert.deepEqual(metrics('first-epoch'), metrics('reference').slice(0, 2));
});

test('a run killed inside its first checkpoint write (one measured epoch, no checkpoint) starts again and ends as the uninterrupted run', async () => {
  await run(options('first-write', { epochs: 2 }));
  const root = join(dir, 'first-write');
  // What a kill between the first metrics line and the end of the first checkpoint leaves behind.
  rmSync(join(root, 'checkpoints'), { recursive: true, force: true });
  const metricsFile = join(root, 'metrics.jsonl');
  writeFileSync(metricsFile, `${readFileSync(metricsFile, 'utf8').split('\n')[0]}\n`);
  const { result, notices } = await run(options('first-write'), true);
  assert.equal(result.state, 'finished');
  assert.match(notices.join('\n'), /first checkpoint was never completed/);
  assert.deepEqual(metrics('first-write'), metrics('reference').slice(0, 2));
});

test('with measured epochs but no intact checkpoint, --resume refuses and keeps the metrics', async () => {
  await run(options('no-intact', { epochs: 2 }));
  const before = readFileSync(join(dir, 'no-intact', 'metrics.jsonl'), 'utf8');
  for (const file of ['last.safetensors', 'epoch-0001.safetensors', 'epoch-0002.safetensors']) truncateSync(checkpoint('no-intact', file), 100);
  await assert.rejects(
    run(options('no-intact'), true, { epochs: 3 }),
    (error: unknown) => error instanceof ResumeError && /no intact checkpoint.*2 measured epochs/.test(error.message),
  );
  assert.equal(readFileSync(join(dir, 'no-intact', 'metrics.jsonl'), 'utf8'), before);
});

test('temporary files of killed writes are removed on --resume; those of a live writer stay', async () => {
  await run(options('temporaries', { epochs: 1 }));
  const stale = checkpoint('temporaries', 'last.safetensors.tmp-999999999-0a1b2c');
  const live = checkpoint('temporaries', `last.safetensors.tmp-${process.ppid}-0a1b2c`);
  const unrelated = checkpoint('temporaries', 'notes.tmp');
  for (const file of [stale, live, unrelated]) writeFileSync(file, 'x');
  const { notices } = await run(options('temporaries'), true, { epochs: 2 });
  assert.equal(existsSync(stale), false);
  assert.equal(existsSync(live), true, 'the writer process is alive');
  assert.equal(existsSync(unrelated), true, 'not a name of ours');
  assert.match(notices.join('\n'), /removed .*tmp-999999999-0a1b2c, left by a write that was killed/);
});

test('--out where no folder can be made (under /proc) fails at once with the path, instead of spinning', async () => {
  await assert.rejects(
    run({ ...options('proc'), out: '/proc/ncollapse-run/x' }),
    (error: unknown) =>
      error instanceof OutputDirectoryError &&
      /\/proc\/ncollapse-run\/x(\/checkpoints)?: cannot create the output folder: mkdir \/proc\/ncollapse-run failed/.test(error.message),
  );
});
