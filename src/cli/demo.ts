import { existsSync } from 'node:fs';
import { join } from 'node:path';

import type { Command } from 'commander';

import type { EpochRecord } from '../run/run-directory.js';
import { positiveInteger } from '../options/option-parsers.js';
import type { TrainCliOptions } from '../options/train-options.js';
import { runTraining } from './train.js';

/** The embedded default: the paper's protocol on 500 Fashion-MNIST images per class with the MLP. */
export const DEMO_SETTINGS = {
  dataset: 'fashion-mnist',
  perClass: 500,
  model: 'mlp',
  loss: 'ce' as const,
  epochs: 350,
  measure: 'paper',
};

const SUMMARY_KEYS = ['train_error', 'test_error', 'nc1', 'self_duality', 'equinorm_means', 'equiangular_means', 'maxangle_means', 'ncc_mismatch', 'deepfool_train', 'deepfool_test'];

/** The metrics at epoch 1, at the start of the terminal phase and at the end, as a small table. */
export function summaryTable(records: EpochRecord[]): string {
  if (records.length === 0) return '(no measured epoch)';
  const first = records[0]!;
  const last = records[records.length - 1]!;
  const tpt = typeof last.tpt_epoch === 'number' ? records.find((r) => r.epoch === last.tpt_epoch) : undefined;
  const columns: [string, EpochRecord | undefined][] = [
    [`epoch ${first.epoch}`, first],
    [tpt ? `TPT (epoch ${tpt.epoch})` : 'TPT (not reached)', tpt],
    [`end (epoch ${last.epoch})`, last],
  ];
  const format = (value: unknown) =>
    typeof value !== 'number' ? '-' : value === 0 ? '0' : Math.abs(value) >= 1e-3 && Math.abs(value) < 1e4 ? value.toFixed(4) : value.toExponential(3);
  const rows = [['metric', ...columns.map(([name]) => name)]];
  for (const key of SUMMARY_KEYS) rows.push([key, ...columns.map(([, record]) => format(record?.[key]))]);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((row) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ')).join('\n');
}

export function register(program: Command): void {
  program
    .command('demo')
    .description('the embedded default: Fashion-MNIST, 500 images per class, MLP, cross-entropy, 350 epochs, into runs/demo')
    .option('--out <dir>', 'run directory', join('runs', 'demo'))
    .option('--epochs <n>', 'epochs (the paper: 350)', positiveInteger, DEMO_SETTINGS.epochs)
    .option('--fresh', 'discard an existing demo run and start again', false)
    .option('--device <device>', 'cpu or cuda[:N]', 'cpu')
    .option('--threads <n>', 'intra-op threads', positiveInteger)
    .option('--quiet', 'no progress output', false)
    .option('--robustness <K>', 'also DeepFool robustness (Figure 8) on K train and K test images at each measured epoch', positiveInteger)
    .action(async (options: { out: string; epochs: number; fresh: boolean; device: string; threads?: number; quiet: boolean; robustness?: number }) => {
      // Loaded when the command runs: --help must not pay for the run module's schemas.
      const { RunDirectory } = await import('../run/run-directory.js');
      const { removeOwnRun } = await import('./fresh-run.js');
      const run = new RunDirectory(options.out);
      // Held from the check to the end of the training: --fresh never deletes a run that another process writes.
      const lock = run.lockWriter(options.fresh ? 'demo --fresh' : 'demo');
      try {
        await demo(options, run, removeOwnRun);
      } finally {
        lock.release();
      }
    });
}

async function demo(
  options: { out: string; epochs: number; fresh: boolean; device: string; threads?: number; quiet: boolean; robustness?: number },
  run: import('../run/run-directory.js').RunDirectory,
  removeOwnRun: (path: string) => string[],
): Promise<void> {
  if (options.fresh) for (const removed of removeOwnRun(options.out)) console.log(`--fresh: removed ${removed}`);
  let resume = false;
  if (run.hasRun()) {
    const state = run.readStatus()?.state ?? 'interrupted';
    if (state === 'finished') {
          console.log(`${options.out} already holds a finished demo run (use --fresh to train again).`);
      console.log(summaryTable(run.readMetrics()));
      const report = run.reportFile;
      if (existsSync(report)) console.log(`report: ${report}`);
      return;
    }
    console.log(`continuing the demo run in ${options.out} from its last checkpoint`);
    resume = true;
  }
  const cli: TrainCliOptions = {
    ...DEMO_SETTINGS,
    out: options.out,
    epochs: options.epochs,
    pad: false,
    batchSize: 128,
    momentum: 0.9,
    weightDecay: 5e-4,
    gamma: 0.1,
    layers: true,
    pool: false,
    seed: 0,
    device: options.device,
    threads: options.threads,
    robustness: options.robustness,
    report: true,
    resume,
    quiet: options.quiet,
  };
  const result = await runTraining(cli);
  if (result?.state === 'finished') {
    console.log(summaryTable(result.records));
  }
}
