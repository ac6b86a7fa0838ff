import { Command, CommanderError } from 'commander';

import { addTrainingOptions, trainOptionsFromCli, type TrainCliOptions } from '../options/train-flags.js';
import { parseTrainOptions, type TrainConfig } from '../train/config.js';
import { keyOfFlag, optionSpec, settingKeys, TRAIN_OPTIONS, type SettingKey } from '../train/option-table.js';

/**
 * The keys of a grid file and the `train` words of their values. A grid sets the settings of the
 * option table (src/train/option-table.ts), by flag (batch-size, milestones) or by config.json key
 * (batchSize, lrMilestones); the invocation choices (--out, --resume, --quiet) are the sweep's own.
 */

export type GridValue = string | number | boolean | number[];

/** A `train` command with exit and output overridden: errors throw, nothing is printed. */
function trainCommand(): Command {
  const command = new Command('train')
    .exitOverride()
    .configureOutput({ writeErr: () => undefined, writeOut: () => undefined })
    .allowExcessArguments(false);
  return addTrainingOptions(command);
}

/** The flag names (kebab-case, without dashes) a grid may set. */
export function gridKeys(): string[] {
  return settingKeys.map((key) => TRAIN_OPTIONS[key].flag);
}

/** A grid key given as a flag (batch-size), its camelCase (batchSize) or its config.json key (lrGamma): its flag name, or the kebab-case of an unknown key. */
export function normaliseKey(key: string): string {
  if (settingKeys.includes(key as SettingKey)) return TRAIN_OPTIONS[key as SettingKey].flag;
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

function settingOfFlag(name: string): SettingKey | undefined {
  const key = keyOfFlag(name);
  return key !== undefined && settingKeys.includes(key as SettingKey) ? (key as SettingKey) : undefined;
}

/**
 * The command-line words of one option set to `value`, or a message saying why it cannot be:
 * the option table's own check, so that a grid refuses what `train` refuses, with the same words.
 */
export function optionArgs(name: string, value: GridValue): string[] | { problem: string } {
  const key = settingOfFlag(name);
  if (key === undefined) return { problem: `'${name}' is not an option of 'ncollapse train' (options: ${gridKeys().join(', ')})` };
  const spec = optionSpec(key);
  const flag = `--${name}`;
  if (spec.value.isSwitch) {
    const problem = spec.value.problem(value);
    if (problem !== undefined) return { problem: `'${name}' ${problem}` };
    // A switch on by default is written only when it is off, as --no-<flag> (and the other way round).
    if (spec.default === true) return value ? [] : [`--no-${name}`];
    return value ? [flag] : [];
  }
  if (typeof value === 'boolean') return { problem: `'${name}' takes a value (${spec.value.expected}), got ${value}` };
  const text = Array.isArray(value) ? value.join(',') : String(value);
  const problem = spec.value.problem(spec.value.fromText(text));
  if (problem !== undefined) return { problem: `${flag}: ${problem}` };
  return [flag, text];
}

/** Parses train arguments as `ncollapse train` would; throws the parser's message. */
export function parseTrainArgs(args: string[]): TrainCliOptions {
  const command = trainCommand().option('--out <dir>');
  try {
    command.parse(args, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) throw new Error(error.message.replace(/^error: /, ''));
    throw error;
  }
  return command.opts<TrainCliOptions>();
}

/**
 * Every train option written out explicitly (defaults included), so that a row of sweep.jsonl
 * means the same run whatever the defaults of a later ncollapse are.
 */
export function explicitArgs(options: TrainCliOptions): string[] {
  const args: string[] = [];
  const values = options as unknown as Record<string, unknown>;
  for (const key of settingKeys) {
    const value = values[key];
    if (value === undefined || value === null) continue;
    const name = TRAIN_OPTIONS[key].flag;
    const words = optionArgs(name, value as GridValue);
    if (!Array.isArray(words)) throw new Error(`train option ${name}: ${words.problem}`);
    args.push(...words);
  }
  return args;
}

/** The run's settings as the trainer resolves them, without `name` and `out` (the sweep's to choose). */
export type RowConfig = Omit<TrainConfig, 'name' | 'out'>;

export function rowConfig(options: TrainCliOptions): RowConfig {
  const { name: _name, out: _out, ...config } = parseTrainOptions(trainOptionsFromCli({ ...options, out: 'sweep-row' }));
  return config;
}
