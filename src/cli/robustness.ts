import type { Command } from 'commander';

import { positiveInteger } from '../options/option-parsers.js';

export function register(program: Command): void {
  program
    .command('robustness')
    .description(
      "DeepFool robustness of a run's saved model (the paper's Figure 8 measure): mean ||r||/||x|| on a fixed random subset of train and test images",
    )
    .argument('<run>', 'run directory (runs/NAME)')
    .option('--epoch <E>', 'a measured epoch whose checkpoint to attack (default: the last checkpoint)', positiveInteger)
    .option('--samples <K>', "images per split (default: the run's --robustness, else 200)", positiveInteger)
    .option('--device <device>', 'cpu or cuda[:N]', 'cpu')
    .option('--json', 'print one JSON object')
    .action(async (run: string, options: { epoch?: number; samples?: number; device: string; json?: boolean }) => {
      const { checkpointRobustness } = await import('../analyze/checkpoint-robustness.js');
      const result = checkpointRobustness({ run, epoch: options.epoch, samples: options.samples, device: options.device });
      if (options.json) {
        console.log(JSON.stringify({ checkpoint: result.checkpoint, samples: result.samples, ...result.metrics }));
        return;
      }
      console.log(`${result.checkpoint}: DeepFool on ${result.samples} train and ${result.samples} test images`);
      for (const [key, value] of Object.entries(result.metrics)) console.log(`${key.padEnd(16)}  ${value.toPrecision(6)}`);
    });
}
