import { Command, CommanderError, type Option } from 'commander';

import { addTrainingOptions, trainOptionsFromCli, type TrainCliOptions } from '../options/train-options.js';
import { parseTrainOptions, type TrainConfig } from '../train/config.js';

/**
 * The options of `ncollapse train`, read from the command itself so that a grid file accepts
 * exactly what `train` accepts, validated by the same parsers, with the same defaults.
 */

/** Options the sweep sets itself for each run: a grid may not set them. */
export const SWEEP_OWNED_OPTIONS = new Set(['out', 'resume', 'quiet']);

export type GridValue = string | number | boolean | number[];

/** A `train` command with exit and output overridden: errors throw, nothing is printed. */
function trainCommand(): Command {
  const command = new Command('train')
    .exitOverride()
    .configureOutput({ writeErr: () => undefined, writeOut: () => undefined })
    .allowExcessArguments(false);
  return addTrainingOptions(command);
}

/** The grid name of an option: its long flag without dashes and without a `no-` prefix. */
function gridName(option: Option): string {
  const long = option.long!.replace(/^--/, '');
  return option.negate ? long.replace(/^no-/, '') : long;
}

export interface TrainOptionInfo {
  name: string;
  option: Option;
}

let cached: Map<string, TrainOptionInfo> | undefined;

/** The grid names of the train options (kebab-case, as on the command line). */
export function trainOptionTable(): Map<string, TrainOptionInfo> {
  if (!cached) {
    cached = new Map();
    for (const option of trainCommand().options) {
      const name = gridName(option);
      if (!SWEEP_OWNED_OPTIONS.has(name)) cached.set(name, { name, option });
    }
  }
  return cached;
}

/** A grid key in camelCase (batchSize) or kebab-case (batch-size), as its kebab-case name. */
export function normaliseKey(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** The command-line words of one option set to `value`, or a message saying why it cannot be. */
export function optionArgs(name: string, value: GridValue): string[] | { problem: string } {
  const info = trainOptionTable().get(name);
  if (!info) return { problem: `'${name}' is not an option of 'ncollapse train' (options: ${[...trainOptionTable().keys()].join(', ')})` };
  const { option } = info;
  const flag = `--${name}`;
  if (option.negate || option.isBoolean()) {
    if (typeof value !== 'boolean') return { problem: `'${name}' is a switch: expected true or false, got ${JSON.stringify(value)}` };
    if (option.negate) return value ? [] : [`--no-${name}`];
    return value ? [flag] : [];
  }
  if (Array.isArray(value)) {
    if (value.length === 0 || !value.every((v) => typeof v === 'number')) return { problem: `expected a value or a list of numbers, got ${JSON.stringify(value)}` };
    return [flag, value.join(',')];
  }
  if (typeof value === 'boolean') return { problem: `'${name}' takes a value, got ${value}` };
  return [flag, String(value)];
}

/** Parses train arguments as `ncollapse train` would; throws the parser's message. */
export function parseTrainArgs(args: string[]): TrainCliOptions {
  const command = trainCommand().option('--out <dir>');
  try {
    command.parse(args, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) throw new Error(error.message.replace(/^error: /, ''), { cause: error });
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
  for (const { name, option } of trainOptionTable().values()) {
    const value = values[option.attributeName()];
    if (value === undefined || value === null) continue;
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
