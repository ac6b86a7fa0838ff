import { z } from 'zod';

import { parseImbalance } from '../data/imbalance.js';
import { datasetInfo, datasetNames } from '../data/registry.js';
import { UsageError } from '../errors.js';
import type { CheckpointConfig, RunConfig } from '../run/run-schema.js';
import { flagOf, optionSpec, settingKeys, type SettingKey, type TrainSettings } from './option-table.js';
import { TrainingSetupError } from './training-setup-error.js';

export { DEFAULT_LR } from './default-lr.js';

/** The options of a training run: `name` and `out` name it, everything else is a setting of the table. */
export type TrainConfig = { name: string; out: string } & TrainSettings;
/** The options as given: any setting may be left out for its default. */
export type TrainOptions = { name: string; out: string } & Partial<TrainSettings>;

/** One setting checked by its table entry: null only where the table has no default. */
function settingSchema(key: SettingKey): z.ZodType {
  const spec = optionSpec(key);
  return z
    .unknown()
    .superRefine((value, context) => {
      if (value === null && spec.default === null) return;
      const problem = spec.value.problem(value);
      if (problem !== undefined) context.addIssue({ code: 'custom', message: problem });
    })
    .default(spec.default);
}

/**
 * Every setting of a training run, derived from the option table (option-table.ts). Defaults are
 * the paper's protocol (Papyan, Han & Donoho 2020): SGD momentum 0.9, weight decay 5e-4, batch 128,
 * 350 epochs, lr divided by 10 at 1/3 and 2/3.
 */
export const TrainConfigSchema = z.object({
  name: z.string().min(1),
  out: z.string().min(1),
  ...Object.fromEntries(settingKeys.map((key) => [key, settingSchema(key)])),
}) as unknown as z.ZodType<TrainConfig, TrainOptions>;

/**
 * Settings that are valid alone but cannot take effect together, so a run that records them would
 * say something it did not do: a milestone or a measured epoch past the last epoch, --pad on data
 * that has no small images.
 */
function crossProblems(config: TrainConfig): { key: SettingKey; problem: string }[] {
  const problems: { key: SettingKey; problem: string }[] = [];
  const lateMilestone = config.lrMilestones?.find((m) => m >= config.epochs);
  if (lateMilestone !== undefined) {
    problems.push({
      key: 'lrMilestones',
      problem: `milestone ${lateMilestone} is not before the run's last epoch (${config.epochs}), so the lr would change only after training ends`,
    });
  }
  const lateMeasure = /^\d/.test(config.measure)
    ? config.measure
        .split(',')
        .map(Number)
        .find((e) => e > config.epochs)
    : undefined;
  if (lateMeasure !== undefined) problems.push({ key: 'measure', problem: `epoch ${lateMeasure} is beyond the run's ${config.epochs} epochs` });
  if (config.labelSmoothing > 0 && config.loss !== 'ce')
    problems.push({ key: 'labelSmoothing', problem: `label smoothing belongs to the cross-entropy (--loss ce), not to --loss ${config.loss}` });
  if (config.imbalance !== null && (config.dataset === 'ufm' || config.model === 'ufm')) {
    problems.push({ key: 'imbalance', problem: 'the unconstrained-features model has no dataset to subsample' });
  } else if (config.imbalance !== null) {
    const problem = imbalanceProblem(config.imbalance);
    if (problem) problems.push({ key: 'imbalance', problem });
  }
  if (config.pad) {
    const padProblem = padCannotApply(config.dataset, config.model);
    if (padProblem) problems.push({ key: 'pad', problem: padProblem });
  }
  return problems;
}

/** What is wrong with an --imbalance spec that passed the table's pattern (R below 1), if anything. */
function imbalanceProblem(spec: string): string | undefined {
  try {
    parseImbalance(spec);
    return undefined;
  } catch (error) {
    return (error as Error).message.replace(/^--imbalance '[^']*': /, '');
  }
}

/** --pad zero-pads images smaller than 32x32 to 32x32: why it cannot on this data, if it cannot. */
function padCannotApply(dataset: string, model: string): string | undefined {
  if (dataset === 'ufm' || model === 'ufm') return 'the unconstrained-features model has no input images to pad';
  if (!(datasetNames as readonly string[]).includes(dataset)) return undefined; // the dataset's own check names it
  const [, height, width] = datasetInfo(dataset).inputShape;
  if (height === 1 && width === 1) return `the ${dataset} dataset has vectors, not images, so there is nothing to pad`;
  if (height >= 32 && width >= 32) return `the ${dataset} images are already ${height}x${width}; --pad only pads images smaller than 32x32`;
  return undefined;
}

/** The settings with every default made explicit, as written to config.json. */
export interface ResolvedConfig extends TrainConfig {
  lr: number;
  /** With --imbalance: the training examples kept of each class, and the minority classes (the metrics' minority_cos_*). */
  classCounts?: number[];
  minorityClasses?: number[];
  lrMilestones: number[];
  measureEpochs: number[];
  numClasses: number;
  classNames: string[];
  inputShape: [number, number, number];
  trainSize: number;
  testSize: number;
  modelOptions: Record<string, unknown>;
  threads: number;
  /** The processes of a data-parallel run (1 without launch/srun): a resume under another is refused. */
  worldSize: number;
  libtorchVersion: string;
  ncollapseVersion: string;
  createdAt: string;
}

/**
 * The options checked and with their defaults. Without `file`, they came from the command line
 * (or a program): a problem is a UsageError that names the flag and the value. With `file`
 * (config.json), it is an error in that file, naming the field.
 */
export function parseTrainOptions(options: TrainOptions, file?: string): TrainConfig {
  const parsed = TrainConfigSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = String(issue.path[0] ?? '');
    if (file !== undefined) throw new TrainingSetupError(`${file}: field '${issue.path.join('.')}': ${issue.message}`);
    if (!settingKeys.includes(key as SettingKey)) throw new UsageError(`training option '${key}': ${issue.message}`);
    throw optionError(key as SettingKey, (options as Record<string, unknown>)[key], issue.message);
  }
  // A run already recorded in config.json continues as it was started (by an older ncollapse, perhaps); a new one is checked.
  if (file === undefined) {
    const [first] = crossProblems(parsed.data);
    if (first) throw optionError(first.key, parsed.data[first.key], first.problem);
  }
  return parsed.data;
}

/** A problem with one option, named by its flag and value as the user typed them. */
function optionError(key: SettingKey, value: unknown, problem: string): UsageError {
  // Shown as typed: any value, valid or not (a program may pass the wrong type).
  const shown = value === undefined || value === null || typeof value === 'boolean' ? '' : ` ${Array.isArray(value) ? value.join(',') : String(value)}`;
  return new UsageError(`${flagOf(key)}${shown}: ${problem}`);
}

/** lr divided by gamma at 1/3 and 2/3 of the run, as the paper. */
export function defaultMilestones(epochs: number): number[] {
  return [Math.floor(epochs / 3), Math.floor((2 * epochs) / 3)].filter((m, i, all) => m > 0 && all.indexOf(m) === i);
}

/** config.json is read back through src/run/'s schemas: what the trainer writes must satisfy them. */
type Satisfies<Written extends Read, Read> = Written;
/** A loose schema's type without its catch-all index signature. */
type KnownKeys<T> = { [K in keyof T as string extends K ? never : K]: T[K] };
export type ConfigFitsItsReaders = Satisfies<ResolvedConfig, KnownKeys<RunConfig> & KnownKeys<CheckpointConfig>>;
