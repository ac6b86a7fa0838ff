import { z } from 'zod';

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
    throw new Error(`${source}: field '${issue.path.join('.')}': ${issue.message}`);
  }
  return parsed.data;
}

/** lr divided by gamma at 1/3 and 2/3 of the run, as the paper. */
export function defaultMilestones(epochs: number): number[] {
  return [Math.floor(epochs / 3), Math.floor((2 * epochs) / 3)].filter((m, i, all) => m > 0 && all.indexOf(m) === i);
}
