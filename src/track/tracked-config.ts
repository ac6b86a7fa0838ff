import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { RUN_FILE_NAMES } from '../run/run-files.js';
import { trackedConfigSchema, type TrackedConfig } from '../run/run-schema.js';
import { join } from 'node:path';

/** What the user says about the run on the command line (the dumps say the rest). */
export interface TrackedRunSettings {
  name?: string;
  dataset?: string;
  model?: string;
  loss: 'ce' | 'mse';
  /** The planned length of the training; default the last epoch measured. */
  epochs?: number;
  classNames?: string[];
  /** --wd. */
  weightDecay?: number;
}

/** Written when the first dump has been measured (its C and p are the run's). */
export function trackedConfig(
  settings: TrackedRunSettings,
  dumpDir: string,
  shape: { numClasses: number; dim: number },
  epochs: number,
  dumpWeightDecay: number | undefined,
  version: string,
): TrackedConfig {
  const weightDecay = settings.weightDecay ?? dumpWeightDecay;
  return {
    ...(settings.name !== undefined ? { name: settings.name } : {}),
    dataset: settings.dataset ?? 'custom',
    model: settings.model ?? 'custom',
    loss: settings.loss,
    epochs: settings.epochs ?? epochs,
    numClasses: shape.numClasses,
    classNames: settings.classNames ?? null,
    ...(weightDecay !== undefined ? { weightDecay } : {}),
    source: { kind: 'tracked', dir: resolve(dumpDir), featureDim: shape.dim },
    ncollapseVersion: version,
    createdAt: new Date().toISOString(),
  };
}

/**
 * The config.json of a run that `track` wrote before (null when there is none yet). A run that
 * ncollapse trained, or one tracked from another folder, is refused: its lines would mix.
 */
export function existingTrackedConfig(runDir: string, dumpDir: string): TrackedConfig | null {
  const file = join(runDir, RUN_FILE_NAMES.config);
  if (!existsSync(file)) return null;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`${file}: not valid JSON (${(error as Error).message}); --out must be a new folder or a run that track wrote`);
  }
  const parsed = trackedConfigSchema.safeParse(json);
  if (!parsed.success) {
    throw new UsageError(
      `${file}: not a run that track wrote (${parsed.error.issues[0]?.path.join('.') || 'config'}: ${parsed.error.issues[0]?.message}); choose another --out`,
    );
  }
  if (parsed.data.source.dir !== resolve(dumpDir)) {
    throw new UsageError(`${file}: this run tracks ${parsed.data.source.dir}, not ${resolve(dumpDir)}; choose another --out`);
  }
  return parsed.data;
}
