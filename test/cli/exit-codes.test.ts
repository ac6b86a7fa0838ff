import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';

import { EXIT_CODES } from '../../src/errors.js';
import { runCli } from '../train/cli-run.js';

/**
 * The README's exit codes, command by command, through bin/ncollapse: 2 for every option or
 * argument that cannot be used (commander's own errors included), 1 for bad input files. Only
 * cases that end before any training starts. A bad value prints its message and a pointer to
 * --help, never the whole help.
 */

const dir = mkdtempSync(join(tmpdir(), 'ncollapse-exit-codes-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A run directory that must never come into being. */
const never = join(dir, 'never');
const missing = join(dir, 'missing');

/** A finished 30-epoch run, as far as the report reads one. */
const run30 = join(dir, 'run30');
mkdirSync(run30);
writeFileSync(join(run30, 'config.json'), JSON.stringify({ name: 'run30', dataset: 'gaussian', model: 'mlp', loss: 'ce', epochs: 30, numClasses: 2 }));
writeFileSync(join(run30, 'metrics.jsonl'), `${JSON.stringify({ epoch: 30, train_error: 0, test_error: 0.1, loss: 0.01 })}\n`);

const aFile = join(dir, 'a-file');
writeFileSync(aFile, 'not a folder\n');

function grid(name: string, text: string): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, text);
  return file;
}
const zeroLr = grid('zero-lr', 'axes: { lr: [0, 0.1] }\n');
const lateMilestone = grid('late-milestone', 'fixed: { dataset: gaussian, epochs: 10 }\naxes: { milestones: [[5], [20]] }\n');

interface Case {
  args: string[];
  code: number;
  stderr: RegExp;
}

const usage = EXIT_CODES.usage;
const error = EXIT_CODES.error;

const CASES: Case[] = [
  // the program itself
  { args: ['bogus'], code: usage, stderr: /unknown command 'bogus'/ },
  // train: commander's errors
  { args: ['train', '--out', never, '--bogus'], code: usage, stderr: /unknown option '--bogus'/ },
  { args: ['train', '--lr', '0.1'], code: usage, stderr: /required option '--out <dir>' not specified/ },
  { args: ['train', '--out'], code: usage, stderr: /option '--out <dir>' argument missing/ },
  { args: ['train', '--out', never, 'extra'], code: usage, stderr: /too many arguments/ },
  // train: the option table's checks, each naming the flag
  { args: ['train', '--out', never, '--batch-size', '0'], code: usage, stderr: /'--batch-size <n>' argument '0' is invalid\. must be an integer >= 1/ },
  { args: ['train', '--out', never, '--lr', '0'], code: usage, stderr: /'--lr <lr>' argument '0' is invalid\. must be a number > 0/ },
  { args: ['train', '--out', never, '--lr', '1e308'], code: usage, stderr: /'--lr <lr>' argument '1e308' is invalid/ },
  {
    args: ['train', '--out', never, '--weight-decay', '1e300'],
    code: usage,
    stderr: /'--weight-decay <wd>' argument '1e300' is invalid\. must be a number >= 0 and <= 1/,
  },
  {
    args: ['train', '--out', never, '--threads', '4294967297'],
    code: usage,
    stderr: /'--threads <n>' argument '4294967297' is invalid\. must be an integer >= 1 and <= 1024/,
  },
  {
    args: ['train', '--out', never, '--epochs', 'many'],
    code: usage,
    stderr: /'--epochs <n>' argument 'many' is invalid\. must be an integer >= 1 .*, got 'many'/,
  },
  { args: ['train', '--out', never, '--measure', 'bogus'], code: usage, stderr: /'--measure <when>' argument 'bogus' is invalid/ },
  { args: ['train', '--out', never, '--loss', 'hinge'], code: usage, stderr: /'--loss <loss>' argument 'hinge' is invalid\. must be one of ce, mse/ },
  {
    args: ['train', '--out', never, '--dataset', 'imagenet'],
    code: usage,
    stderr: /'--dataset <name>' argument 'imagenet' is invalid\. unknown dataset 'imagenet'; expected one of .*fashion-mnist/,
  },
  {
    args: ['train', '--out', never, '--dataset', 'gaussian', '--model', 'alexnet'],
    code: usage,
    stderr: /'--model <name>' argument 'alexnet' is invalid\. unknown model 'alexnet'; expected one of mlp, vgg11/,
  },
  { args: ['train', '--out', never, '--preset', 'nope'], code: usage, stderr: /--preset: unknown preset 'nope'/ },
  // train: settings that cannot take effect together
  {
    args: ['train', '--out', never, '--epochs', '30', '--milestones', '10,40'],
    code: usage,
    stderr: /--milestones 10,40: milestone 40 is not before the run's last epoch \(30\)/,
  },
  { args: ['train', '--out', never, '--epochs', '10', '--measure', '3,20'], code: usage, stderr: /--measure 3,20: epoch 20 is beyond the run's 10 epochs/ },
  { args: ['train', '--out', never, '--dataset', 'gaussian', '--pad'], code: usage, stderr: /--pad: the gaussian dataset has vectors, not images/ },
  { args: ['train', '--out', never, '--model', 'ufm', '--pad'], code: usage, stderr: /--pad: the unconstrained-features model has no input images/ },
  { args: ['train', '--out', never, '--dataset', 'cifar10', '--pad'], code: usage, stderr: /--pad: the cifar10 images are already 32x32/ },
  { args: ['train', '--out', never, '--preset', 'papyan-mnist-vgg', '--dataset', 'gaussian'], code: usage, stderr: /--pad: the gaussian dataset/ },
  // demo: its few options, with train's checks
  { args: ['demo', '--out', never, '--epochs', '0'], code: usage, stderr: /'--epochs <n>' argument '0' is invalid/ },
  { args: ['demo', '--out', never, '--lr', '0.1'], code: usage, stderr: /unknown option '--lr'/ },
  // analyze
  { args: ['analyze', '--dataset', 'cifar10'], code: usage, stderr: /--dataset cifar10: --dataset goes with --checkpoint/ },
  { args: ['analyze'], code: usage, stderr: /analyze: no input/ },
  { args: ['analyze', '--covariance', 'diagonal', 'x.npz'], code: usage, stderr: /argument 'diagonal' is invalid\. Allowed choices are full, projected/ },
  { args: ['analyze', '--features-file', join(dir, 'H.npy')], code: usage, stderr: /--features-file: --features-file and --labels-file go together/ },
  { args: ['analyze', join(dir, 'missing.npz')], code: error, stderr: /missing\.npz/ },
  // report
  { args: ['report'], code: usage, stderr: /missing required argument 'runs'/ },
  { args: ['report', run30, '--epoch', '999'], code: usage, stderr: /--epoch 999: run30 has 30 epochs; choose an epoch from 1 to 30/ },
  { args: ['report', run30, '--epoch', '0'], code: usage, stderr: /'-e, --epoch <n>' argument '0' is invalid/ },
  { args: ['report', missing], code: error, stderr: /missing/ },
  // serve
  { args: ['serve', '--port', '70000'], code: usage, stderr: /'-p, --port <port>' argument '70000' is invalid/ },
  { args: ['serve', aFile], code: usage, stderr: /a-file is a file, not a folder of run directories/ },
  // robustness
  { args: ['robustness'], code: usage, stderr: /missing required argument 'run'/ },
  { args: ['robustness', run30, '--samples', '0'], code: usage, stderr: /'--samples <K>' argument '0' is invalid/ },
  // presets
  { args: ['presets', 'extra'], code: usage, stderr: /too many arguments/ },
  // sweep
  { args: ['sweep', 'bogus'], code: usage, stderr: /unknown command 'bogus'/ },
  { args: ['sweep', 'plan', zeroLr], code: usage, stderr: /required option '--out <dir>' not specified/ },
  { args: ['sweep', 'plan', zeroLr, '--out', never], code: error, stderr: /zero-lr\.yaml: axes\.lr\[0\]: --lr: must be a number > 0 and <= 1000, got 0/ },
  {
    args: ['sweep', 'plan', lateMilestone, '--out', never],
    code: error,
    stderr: /late-milestone\.yaml: row 1 \(.*"milestones":\[20\].*\): --milestones 20: milestone 20 is not before the run's last epoch \(10\)/,
  },
  { args: ['sweep', 'run', missing, '--backend', 'nope'], code: usage, stderr: /argument 'nope' is invalid\. Allowed choices are local, slurm/ },
  { args: ['sweep', 'run', missing, '--parallel', '0'], code: usage, stderr: /'--parallel <n>' argument '0' is invalid/ },
  { args: ['sweep', 'run', missing], code: error, stderr: /missing/ },
  { args: ['sweep', 'status'], code: usage, stderr: /missing required argument 'dir'/ },
  { args: ['sweep', 'status', missing], code: error, stderr: /missing/ },
  { args: ['sweep', 'cancel'], code: usage, stderr: /missing required argument 'dir'/ },
  { args: ['sweep', 'cancel', missing], code: error, stderr: /missing/ },
  { args: ['sweep', 'task', missing], code: usage, stderr: /required option '--index <i>' not specified/ },
  { args: ['sweep', 'task', missing, '--index', '-1'], code: usage, stderr: /'--index <i>' argument '-1' is invalid/ },
  // report on a sweep directory is `report DIR`: it has no sweep subcommand of its own
  { args: ['sweep', 'report', missing], code: usage, stderr: /unknown command 'report'/ },
  // launch
  { args: ['launch'], code: usage, stderr: /launch: --nproc <n> is required/ },
  { args: ['launch', '--nproc', '2'], code: usage, stderr: /launch: name the command to run/ },
  { args: ['launch', '--nproc', '0', 'train'], code: usage, stderr: /'--nproc <n>' argument '0' is invalid/ },
];

test('every command: argv -> the README exit code and a message that names the option', async () => {
  const failures: string[] = [];
  const check = async ({ args, code, stderr }: Case) => {
    const result = await runCli(args);
    const shown = `ncollapse ${args.join(' ')}: exit ${result.code}, stderr ${JSON.stringify(result.stderr)}`;
    if (result.code !== code) failures.push(`${shown}; expected exit ${code}`);
    else if (!stderr.test(result.stderr)) failures.push(`${shown}; expected ${stderr}`);
    // A bad value points to --help instead of printing the whole help.
    else if (/^Options:/m.test(result.stderr)) failures.push(`${shown}; printed the whole help`);
  };
  // A few processes at a time: each case is a short start-up, mostly waiting.
  const queue = [...CASES];
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) await check(next);
    }),
  );
  assert.deepEqual(failures, []);
  assert.ok(!existsSync(never), 'a refused start created its run directory');
});

test('help is still exit 0 for every command', async () => {
  for (const args of [['--help'], ['train', '--help'], ['sweep', 'plan', '--help'], ['launch', '--help']]) {
    const result = await runCli(args);
    assert.equal(result.code, EXIT_CODES.ok, `${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stdout, /Usage: ncollapse/);
  }
});
