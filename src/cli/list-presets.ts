import type { Command } from 'commander';

import { PRESETS } from '../train/presets.js';

/** `--preset` option names as the user types them: perClass -> --per-class. */
function flag(key: string): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

export function register(program: Command): void {
  program
    .command('presets')
    .description("list the paper's protocols that `train --preset NAME` applies, with the options each sets")
    .action(() => {
      for (const preset of PRESETS) {
        console.log(`${preset.name}\n  ${preset.description}`);
        const settings = Object.entries(preset.options).map(([key, value]) => (value === true ? flag(key) : value === false ? `(no ${flag(key)})` : `${flag(key)} ${value}`));
        console.log(`  ${settings.join(' ')}`);
      }
      console.log('\nExplicit options override a preset\'s. ImageNet, the paper\'s seventh dataset, is not supported (no reader), so it has no preset.');
    });
}
