import { z } from 'zod';
import type { CheckpointConfig, RunConfig } from '../run/run-schema.js';
import { TrainingSetupError } from './training-setup-error.js';

export { DEFAULT_LR } from './default-lr.js';

/**
 * Every setting of a training run. Defaults are the paper's protocol (Papyan, Han & Donoho 2020):
 * SGD momentum 0.9, weight decay 5e-4, batch 128, 350 epochs, lr divided by 10 at 1/3 and 2/3.
 */
export const TrainConfigSchema = z.object({
  name: z.string().min(1),
  out: z.string().min(1),
  dataset: z.string().default('fashion-mnist'),
  dataDir: z.string().nullable().default(null),
  perClass: z.number().int().positive().nullable().default(null),
  pad: z.boolean().default(false),
  model: z.string().default('mlp'),
  width: z.number().positive().nullable().default(null),
  depth: z.number().int().positive().nullable().default(null),
  featureDim: z.number().int().positive().nullable().default(null),
  loss: z.enum(['ce', 'mse']).default('ce'),
  epochs: z.number().int().positive().default(350),
  batchSize: z.number().int().positive().default(128),
  lr: z.number().positive().nullable().default(null),
  momentum: z.number().min(0).default(0.9),
  weightDecay: z.number().min(0).default(5e-4),
  lrMilestones: z.array(z.number().int().positive()).nullable().default(null),
  lrGamma: z.number().positive().default(0.1),
  measure: z.string().default('paper'),
  layers: z.boolean().default(true),
  pool: z.boolean().default(false),
  seed: z.number().int().min(0).default(0),
  device: z.string().default('cpu'),
  threads: z.number().int().positive().nullable().default(null),
  report: z.boolean().default(true),
  /** DeepFool robustness (Figure 8) on this many train and test images at each measured epoch; null: off. */
  robustness: z.number().int().positive().nullable().default(null),
});

export type TrainOptions = z.input<typeof TrainConfigSchema>;
export type TrainConfig = z.output<typeof TrainConfigSchema>;

/** The settings with every default made explicit, as written to config.json. */
export interface ResolvedConfig extends TrainConfig {
  lr: number;
  lrMilestones: number[];
  measureEpochs: number[];
  numClasses: number;
  classNames: string[];
  inputShape: [number, number, number];
  trainSize: number;
  testSize: number;
  modelOptions: Record<string, unknown>;
  threads: number;
  libtorchVersion: string;
  ncollapseVersion: string;
  createdAt: string;
}

export function parseTrainOptions(options: TrainOptions, source = 'options'): TrainConfig {
  const parsed = TrainConfigSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new TrainingSetupError(`${source}: field '${issue.path.join('.')}': ${issue.message}`);
  }
  return parsed.data;
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
