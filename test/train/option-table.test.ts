import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { Command } from 'commander';

import { explicitTrainOptions } from '../../src/cli/explicit-options.js';
import { withPreset } from '../../src/cli/preset-options.js';
import { UsageError } from '../../src/errors.js';
import { addTrainingOptions, type TrainCliOptions } from '../../src/options/train-flags.js';
import { explicitArgs, normaliseKey, optionArgs, parseTrainArgs, rowConfig } from '../../src/sweep/grid-options.js';
import { parseTrainOptions } from '../../src/train/config.js';
import { identityKeys, optionKeys, optionSpec, settingDefaults, settingKeys, TRAIN_OPTIONS } from '../../src/train/option-table.js';
import { TrainingSetupError } from '../../src/train/training-setup-error.js';

/** `ncollapse train ARGS` as its action sees them, with the preset applied, and the command (for its value sources). */
function parseTrain(args: string[]): { options: TrainCliOptions; command: Command } {
  const command = addTrainingOptions(
    new Command('train')
      .exitOverride()
      .configureOutput({ writeErr: () => undefined })
      .requiredOption('--out <dir>')
      .option('--preset <name>'),
  );
  command.parse(args, { from: 'user' });
  return { options: withPreset(command.opts<TrainCliOptions & { preset?: string }>(), command), command };
}

describe('the option table', () => {
  it('gives train one option per entry, stored under its config.json key with its default', () => {
    const { options, command } = parseTrain(['--out', '/tmp/x']);
    for (const key of settingKeys) {
      const spec = optionSpec(key);
      const flags = command.options.filter((option) => option.attributeName() === key).map((option) => option.long);
      assert.deepEqual(flags, spec.value.isSwitch ? [`--${spec.flag}`, `--no-${spec.flag}`] : [`--${spec.flag}`], key);
      assert.deepEqual((options as Record<string, unknown>)[key] ?? null, spec.default, `${key}: default`);
    }
    assert.deepEqual(settingDefaults().lrGamma, 0.1);
    assert.ok(!settingKeys.includes('out' as never) && optionKeys.includes('out'), '--out is an invocation choice, not a setting');
  });

  it('parses every setting from its own text: the command line, a grid and config.json agree', () => {
    const examples: Record<string, unknown> = {
      dataset: 'mnist',
      dataDir: '/data',
      perClass: 7,
      model: 'vgg11',
      width: 0.5,
      depth: 2,
      featureDim: 8,
      loss: 'mse',
      epochs: 12,
      batchSize: 64,
      lr: 0.25,
      momentum: 0.5,
      weightDecay: 0.001,
      lrMilestones: [4, 8],
      lrGamma: 0.5,
      measure: '1,3,12',
      seed: 9,
      device: 'cuda:1',
      threads: 3,
      robustness: 5,
    };
    for (const [key, value] of Object.entries(examples)) {
      const spec = optionSpec(key as never);
      assert.equal(spec.value.problem(value), undefined, key);
      assert.deepEqual(spec.value.fromText(spec.value.toText(value as never)), value, `${key}: text round trip`);
      const words = optionArgs(spec.flag, value as never);
      assert.ok(Array.isArray(words), `${key}: ${JSON.stringify(words)}`);
      assert.deepEqual((parseTrainArgs(words) as Record<string, unknown>)[key], value, `${key}: grid words`);
    }
    const options = parseTrainArgs(Object.entries(examples).flatMap(([key, value]) => optionArgs(optionSpec(key as never).flag, value as never) as string[]));
    assert.deepEqual(rowConfig(parseTrainArgs(explicitArgs(options))), rowConfig(options), 'a sweep row written out parses back to itself');
    assert.equal(parseTrainOptions({ name: 'x', out: 'x', lrMilestones: [] }).lrMilestones?.length, 0, "'none' is the empty list: no lr decay");
    assert.deepEqual(parseTrainArgs(['--milestones', 'none']).lrMilestones, []);
  });

  it('names the flag in a bad setting from a program, the field in a bad config.json', () => {
    assert.throws(
      () => parseTrainOptions({ name: 'x', out: 'x', lrGamma: 0 }),
      (error: unknown) => error instanceof UsageError && error.message === '--gamma 0: must be a number > 0 and <= 1000000, got 0',
    );
    assert.throws(
      () => parseTrainOptions({ name: 'x', out: 'x', lr: 1e308 }),
      (error: unknown) => error instanceof UsageError && /^--lr 1e\+308: must be a number > 0 and <= 1000/.test(error.message),
    );
    assert.throws(
      () => parseTrainOptions({ name: 'x', out: 'x', model: 'nope' }),
      (error: unknown) => error instanceof UsageError && /^--model nope: unknown model 'nope'; expected one of mlp, /.test(error.message),
    );
    assert.throws(
      () => parseTrainOptions({ name: 'x', out: 'x', lrMilestones: 'abc' as never }),
      (error: unknown) => error instanceof UsageError && /^--milestones abc: must be 'none' or a list of integers/.test(error.message),
    );
    // Settings that cannot go together are refused at a start; a recorded run (an older ncollapse's) still resumes.
    const late = { name: 'x', out: 'x', epochs: 3, lrMilestones: [100] };
    assert.throws(
      () => parseTrainOptions(late),
      (error: unknown) => error instanceof UsageError && /^--milestones 100: milestone 100 is not before the run's last epoch \(3\)/.test(error.message),
    );
    assert.deepEqual(parseTrainOptions(late, 'runs/a/config.json').lrMilestones, [100]);
    assert.throws(
      () => parseTrainOptions({ name: 'x', out: 'x', lrGamma: 0 }, 'runs/a/config.json'),
      (error: unknown) => error instanceof TrainingSetupError && /^runs\/a\/config\.json: field 'lrGamma': must be a number > 0/.test(error.message),
    );
  });

  it("detects explicit options under their config.json keys, and --no-pad undoes a preset's --pad", () => {
    const { options, command } = parseTrain(['--out', '/tmp/x', '--gamma', '0.5', '--milestones', '3,6', '--no-layers']);
    assert.deepEqual(explicitTrainOptions(command), { lrGamma: 0.5, lrMilestones: [3, 6], layers: false });
    assert.equal(options.lrGamma, 0.5);
    const padded = parseTrain(['--out', '/tmp/x', '--preset', 'papyan-mnist-vgg']);
    assert.equal(padded.options.pad, true);
    const unpadded = parseTrain(['--out', '/tmp/x', '--preset', 'papyan-mnist-vgg', '--no-pad']);
    assert.equal(unpadded.options.pad, false, 'the explicit --no-pad wins over the preset');
    assert.deepEqual(explicitTrainOptions(unpadded.command), { pad: false });
  });

  it('lets a grid name a setting by flag or by config.json key, never an invocation choice', () => {
    assert.equal(normaliseKey('lrGamma'), 'gamma');
    assert.equal(normaliseKey('batchSize'), 'batch-size');
    assert.equal(normaliseKey('batch-size'), 'batch-size');
    assert.deepEqual(optionArgs('gamma', 0.5), ['--gamma', '0.5']);
    assert.deepEqual(optionArgs('pad', false), []);
    assert.deepEqual(optionArgs('layers', false), ['--no-layers']);
    for (const invocation of ['out', 'resume', 'quiet']) assert.ok(!Array.isArray(optionArgs(invocation, true)), invocation);
  });

  it("keeps a run's identity to the settings that change what is trained", () => {
    assert.deepEqual([...identityKeys].sort(), [
      'batchSize',
      'classifier',
      'dataset',
      'depth',
      'epochs',
      'featureDim',
      'focalGamma',
      'imbalance',
      'labelSmoothing',
      'loss',
      'lr',
      'lrGamma',
      'lrMilestones',
      'model',
      'momentum',
      'optimizer',
      'pad',
      'perClass',
      'seed',
      'weightDecay',
      'width',
    ]);
    for (const key of identityKeys) assert.equal(TRAIN_OPTIONS[key].role, 'setting', key);
  });
});
