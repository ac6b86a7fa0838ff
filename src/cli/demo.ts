import { existsSync } from 'node:fs';
import { join } from 'node:path';

import type { Command } from 'commander';

import type { EpochRecord } from '../run/run-directory.js';
import { addTrainingOptions, commanderOptions, type TrainCliOptions } from '../options/train-flags.js';
import { settingDefaults } from '../train/option-table.js';
import { DEMO_PRESET } from '../train/presets.js';
import { runTraining } from './train.js';

const SUMMARY_KEYS = [
  'train_error',
  'test_error',
  'nc1',
  'self_duality',
  'equinorm_means',
  'equiangular_means',
  'maxangle_means',
  'ncc_mismatch',
  'deepfool_train',
  'deepfool_test',
];

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
  // A key no measured epoch has (DeepFool without --robustness) is left out rather than shown as dashes.
  const measured = SUMMARY_KEYS.filter((key) => records.some((record) => typeof record[key] === 'number'));
  for (const key of measured) rows.push([key, ...columns.map(([, record]) => format(record?.[key]))]);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((row) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ')).join('\n');
}

/** The table's options the demo takes besides --out and --fresh. */
const DEMO_OPTIONS = ['epochs', 'device', 'threads', 'robustness', 'quiet'] as const;
type DemoOptions = Pick<TrainCliOptions, (typeof DEMO_OPTIONS)[number] | 'out'> & { fresh: boolean };

export function register(program: Command): void {
  const command = program
    .command('demo')
    .description('the embedded default: Fashion-MNIST, 500 images per class, MLP, cross-entropy, 350 epochs, into runs/demo')
    .addOption(commanderOptions('out', join('runs', 'demo'))[0]!)
    .option('--fresh', 'discard an existing demo run and start again', false);
  // The demo is a preset: it takes only the options that do not change its protocol's results.
  addTrainingOptions(command, DEMO_OPTIONS, DEMO_PRESET.options).action(async (options: DemoOptions) => {
    // Loaded when the command runs: --help must not pay for the run module's schemas.
    const { RunDirectory } = await import('../run/run-directory.js');
    const { checkOwnRun, removeOwnRun } = await import('./fresh-run.js');
    const run = new RunDirectory(options.out);
    // What is not a run of ours is refused before the lock would make a folder in it.
    if (options.fresh) checkOwnRun(options.out);
    // Held from the check to the end of the training: --fresh never deletes a run that another process writes.
    const lock = run.lockWriter(options.fresh ? 'demo --fresh' : 'demo');
    try {
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
      const given = Object.fromEntries(DEMO_OPTIONS.map((key) => [key, options[key]]));
      const cli = { ...settingDefaults(), ...DEMO_PRESET.options, ...given, out: options.out, resume, quiet: options.quiet } as TrainCliOptions;
      const result = await runTraining(cli);
      if (result?.state === 'finished') {
        console.log(summaryTable(result.records));
      }
    } finally {
      lock.release();
    }
  });
}
