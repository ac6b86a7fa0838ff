import type { Command } from 'commander';

import type { TrainOptions } from '../train/config.js';

/** CLI option names that differ from their config.json keys. */
const CONFIG_KEYS: Record<string, string> = { milestones: 'lrMilestones', gamma: 'lrGamma' };
/** Options that steer this invocation, not the run. */
const NOT_SETTINGS = new Set(['out', 'resume', 'quiet']);

/** The training settings given on the command line itself (not defaults), under their config.json keys. */
export function explicitTrainOptions(command: Command): Partial<TrainOptions> {
  const values = command.opts<Record<string, unknown>>();
  const explicit: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    if (NOT_SETTINGS.has(key) || command.getOptionValueSource(key) !== 'cli') continue;
    explicit[CONFIG_KEYS[key] ?? key] = value;
  }
  return explicit as Partial<TrainOptions>;
}
