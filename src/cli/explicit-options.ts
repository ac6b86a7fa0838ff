import type { Command } from 'commander';

import type { TrainOptions } from '../train/config.js';
import { settingKeys } from '../train/option-table.js';

/** The training settings given on the command line itself (not defaults, not a preset's), under their config.json keys. */
export function explicitTrainOptions(command: Command): Partial<TrainOptions> {
  const values = command.opts<Record<string, unknown>>();
  const explicit: Record<string, unknown> = {};
  // The table's options are stored under their config.json keys (train-flags.ts), so no renaming here.
  for (const key of settingKeys) if (command.getOptionValueSource(key) === 'cli') explicit[key] = values[key];
  return explicit as Partial<TrainOptions>;
}
