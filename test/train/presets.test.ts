import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { Command } from 'commander';

import { withPreset } from '../../src/cli/preset-options.js';
import { addTrainingOptions, type TrainCliOptions } from '../../src/options/train-flags.js';
import { datasetInfo, datasetNames } from '../../src/data/registry.js';
import { UsageError } from '../../src/errors.js';
import { createModel, modelNames } from '../../src/nn/models/registry.js';
import * as torch from '../../src/torch/index.js';
import { DEFAULT_LR, parseTrainOptions } from '../../src/train/config.js';
import { PRESETS } from '../../src/train/presets.js';
import { runCli } from './cli-run.js';

/** The train command's options parsed from ARGS, with the preset applied, as the command's action sees them. */
function parseTrain(args: string[]): TrainCliOptions {
  const command = addTrainingOptions(new Command('train').exitOverride().requiredOption('--out <dir>').option('--preset <name>'));
  command.parse(args, { from: 'user' });
  return withPreset(command.opts<TrainCliOptions & { preset?: string }>(), command);
}

describe('paper presets', () => {
  it('cover the notebook and every dataset-network pair of the paper but ImageNet, each valid for the trainer', () => {
    const names = PRESETS.map((p) => p.name);
    assert.equal(new Set(names).size, names.length, 'names are unique');
    assert.ok(names.includes('papyan-mnist-resnet18'));
    for (const dataset of ['mnist', 'fashion-mnist', 'svhn', 'cifar10', 'cifar100', 'stl10']) {
      for (const family of ['vgg', 'resnet', 'densenet']) assert.ok(names.includes(`papyan-${dataset}-${family}`), `${dataset} x ${family}`);
    }
    for (const preset of PRESETS) {
      assert.ok((datasetNames as readonly string[]).includes(preset.options.dataset), `${preset.name}: dataset ${preset.options.dataset}`);
      assert.ok((modelNames as readonly string[]).includes(preset.options.model), `${preset.name}: model ${preset.options.model}`);
      assert.ok(preset.description.length > 0);
      const options = parseTrain(['--out', '/tmp/x', '--preset', preset.name]);
      assert.doesNotThrow(() => parseTrainOptions({ name: 'x', ...options, lr: options.lr ?? null, perClass: options.perClass ?? null }, preset.name));
      for (const [key, value] of Object.entries(preset.options)) assert.deepEqual(options[key as keyof TrainCliOptions], value, `${preset.name}: ${key}`);
    }
  });

  it("each preset's model takes its dataset's images (padded where the preset pads) and gives one logit per class", () => {
    for (const preset of PRESETS) {
      const info = datasetInfo(preset.options.dataset);
      const [channels, height, width] = info.inputShape;
      const inputShape: [number, number, number] = preset.options.pad ? [channels, Math.max(height, 32), Math.max(width, 32)] : [channels, height, width];
      const model = createModel(preset.options.model, { inputShape, numClasses: info.numClasses, width: 1 / 16 });
      model.eval();
      const shape = torch.tidy(() => torch.noGrad(() => model.call(torch.zeros([2, ...inputShape])).shape));
      model.dispose();
      assert.deepEqual(shape, [2, info.numClasses], preset.name);
    }
  });

  it("papyan-mnist-resnet18 is the authors' notebook", () => {
    const options = parseTrain(['--out', '/tmp/x', '--preset', 'papyan-mnist-resnet18']);
    assert.equal(options.dataset, 'mnist');
    assert.equal(options.model, 'resnet18');
    assert.equal(options.pad, true);
    assert.equal(options.epochs, 350);
    assert.equal(options.measure, 'paper');
    assert.equal(options.lr, undefined, 'the loss picks the lr');
    assert.deepEqual(DEFAULT_LR, { ce: 0.0679, mse: 0.0184 });
  });

  it('explicit options override the preset, the preset overrides defaults', () => {
    const options = parseTrain([
      '--out',
      '/tmp/x',
      '--preset',
      'papyan-cifar10-vgg',
      '--epochs',
      '7',
      '--model',
      'resnet18',
      '--loss',
      'mse',
      '--measure',
      'all',
    ]);
    assert.equal(options.epochs, 7);
    assert.equal(options.model, 'resnet18');
    assert.equal(options.loss, 'mse');
    assert.equal(options.measure, 'all');
    assert.equal(options.dataset, 'cifar10', 'from the preset');
    assert.equal(options.perClass, 5000, 'from the preset');
    const plain = parseTrain(['--out', '/tmp/x', '--epochs', '7']);
    assert.equal(plain.dataset, 'fashion-mnist', 'no preset: the defaults');
  });

  it('an unknown preset is a usage error naming the valid ones', () => {
    assert.throws(
      () => parseTrain(['--out', '/tmp/x', '--preset', 'nope']),
      (error: unknown) => error instanceof UsageError && /unknown preset 'nope'.*papyan-mnist-resnet18/.test(error.message),
    );
  });

  it('`ncollapse presets` lists every preset with what it sets', async () => {
    const result = await runCli(['presets']);
    assert.equal(result.code, 0, result.stderr);
    for (const preset of PRESETS)
      assert.match(result.stdout, new RegExp(`^${preset.name}\\n.*\\n.*--dataset ${preset.options.dataset} --model ${preset.options.model}`, 'm'));
    assert.match(result.stdout, /ImageNet.*not supported/);
  });
});
