import type { Command } from 'commander';

import { UsageError } from '../errors.js';
import { findPreset, presetNames } from '../train/presets.js';

/**
 * The options of a command with `--preset NAME` applied: the preset's values replace those that
 * came from defaults, and every option given explicitly (command line or environment) wins.
 */
export function withPreset<T extends object>(options: T & { preset?: string }, command: Command): T {
  if (options.preset === undefined) return options;
  const preset = findPreset(options.preset);
  if (!preset) throw new UsageError(`--preset: unknown preset '${options.preset}'; valid presets: ${presetNames.join(', ')} (see ncollapse presets)`);
  const merged: Record<string, unknown> = { ...options };
  for (const [key, value] of Object.entries(preset.options)) {
    const source = command.getOptionValueSource(key);
    if (source === undefined || source === 'default') merged[key] = value;
  }
  return merged as T;
}
