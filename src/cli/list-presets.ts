import type { Command } from 'commander';

import { flagOf, type SettingKey } from '../train/option-table.js';
import { PRESETS } from '../train/presets.js';

/** A preset's setting as the user types it: perClass -> --per-class. */
const flag = (key: string) => flagOf(key as SettingKey);

export function register(program: Command): void {
  program
    .command('presets')
    .description("list the paper's protocols that `train --preset NAME` applies, with the options each sets")
    .action(() => {
      for (const preset of PRESETS) {
        console.log(`${preset.name}\n  ${preset.description}`);
        const settings = Object.entries(preset.options).map(([key, value]) =>
          value === true ? flag(key) : value === false ? `--no-${flag(key).slice(2)}` : `${flag(key)} ${value}`,
        );
        console.log(`  ${settings.join(' ')}`);
      }
      console.log("\nExplicit options override a preset's. ImageNet, the paper's seventh dataset, is not supported (no reader), so it has no preset.");
    });
}
