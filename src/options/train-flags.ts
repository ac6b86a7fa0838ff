import { type Command, InvalidArgumentError, Option } from 'commander';

import type { TrainOptions } from '../train/config.js';
import { optionSpec, settingKeys, type TrainOptionKey, type TrainSettings } from '../train/option-table.js';

/**
 * The commander options of the option table (src/train/option-table.ts), for the train, demo and
 * launch commands and for the sweep's grid files, which accept exactly what `train` accepts.
 */

/** What a command's action receives: the settings under their config.json keys (absent where there is no default), and the invocation choices. */
export type TrainCliOptions = { [K in keyof TrainSettings]: TrainSettings[K] | (null extends TrainSettings[K] ? undefined : never) } & {
  out: string;
  resume: boolean;
  quiet: boolean;
};

/** A commander option stored under the table's key (lrGamma for --gamma), so that commander, presets and config.json share one name. */
class KeyedOption extends Option {
  constructor(
    flags: string,
    description: string,
    private readonly key: string,
  ) {
    super(flags, description);
  }

  override attributeName(): string {
    return this.key;
  }
}

/** The commander options of one table entry: --flag <arg> with the table's check, or a switch with its --no- form. */
export function commanderOptions(key: TrainOptionKey, defaultValue: unknown = optionSpec(key).default): Option[] {
  const spec = optionSpec(key);
  if (spec.value.isSwitch) {
    const positive = new KeyedOption(`--${spec.flag}`, spec.help, key);
    const negative = new KeyedOption(`--no-${spec.flag}`, spec.negatedHelp ?? `undo --${spec.flag} (a preset's, say)`, key);
    // The positive form carries the default: with both forms declared, commander takes it from there.
    if (defaultValue !== null) positive.default(defaultValue);
    return key === 'resume' || key === 'quiet' ? [positive] : [positive, negative];
  }
  const option = new KeyedOption(`--${spec.flag} ${spec.arg ?? '<value>'}`, spec.help, key).argParser((text: string) => {
    const value = spec.value.fromText(text);
    const problem = spec.value.problem(value);
    if (problem !== undefined) throw new InvalidArgumentError(problem);
    return value;
  });
  if (defaultValue !== null) option.default(defaultValue, spec.value.toText(defaultValue as never));
  return [option];
}

/** Adds the table's options to a command: by default every setting (--out, --resume and --quiet are the command's own choice). */
export function addTrainingOptions(
  command: Command,
  keys: readonly TrainOptionKey[] = [...settingKeys, 'quiet'],
  defaults: Partial<Record<TrainOptionKey, unknown>> = {},
): Command {
  for (const key of keys) {
    const defaultValue = key in defaults ? defaults[key] : optionSpec(key).default;
    for (const option of commanderOptions(key, defaultValue)) command.addOption(option);
  }
  return command;
}

/** The trainer's options of CLI options (the sweep builds its rows with it too). */
export function trainOptionsFromCli(options: TrainCliOptions): TrainOptions {
  // An option left undefined takes the table's default in parseTrainOptions.
  const settings = Object.fromEntries(settingKeys.map((key) => [key, (options as Record<string, unknown>)[key]]));
  return { ...(settings as Partial<TrainSettings>), name: options.out.split('/').filter(Boolean).pop() ?? options.out, out: options.out };
}
