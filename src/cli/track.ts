import { Command, Option } from 'commander';
import { EXIT_CODES } from '../errors.js';
import { nonNegativeNumber, positiveInteger } from '../options/option-parsers.js';

interface TrackCliOptions {
  out: string;
  watch?: boolean;
  loss: 'ce' | 'mse';
  wd?: number;
  name?: string;
  dataset?: string;
  model?: string;
  epochs?: number;
  classNames?: string;
  pollMs: number;
  settleMs: number;
  quiet?: boolean;
}

export function register(program: Command): void {
  program
    .command('track')
    .description("Measure your own training's per-epoch feature dumps (DIR/epoch-NNNN.npz or .safetensors) into a run directory (docs/track.md)")
    .argument('<dir>', 'the folder your training writes its dumps into')
    .requiredOption('--out <run>', 'the run directory to write (report, serve and sweeps read it as a trained run); started again, it measures only new epochs')
    .option('--watch', `follow DIR while your job writes; stops when DIR/DONE appears (or on Ctrl-C)`)
    .addOption(new Option('--loss <loss>', "the training loss (with mse, a dump's weight_decay adds lnc1, lnc23, lperp)").choices(['ce', 'mse']).default('ce'))
    .option('--wd <decay>', 'weight decay for the MSE decomposition lnc1, lnc23, lperp (as analyze --wd), whatever the dumps say', nonNegativeNumber)
    .option('--name <name>', "the run's name (default: the --out folder's name)")
    .option('--dataset <name>', 'the dataset, as the report and Table 1 label the run', 'custom')
    .option('--model <name>', 'the model, as the report and Table 1 label the run', 'custom')
    .option('--epochs <n>', 'the planned number of epochs (default: the last epoch measured)', positiveInteger)
    .option('--class-names <names>', 'comma-separated class names, in label order')
    .option('--poll-ms <ms>', 'with --watch: how often DIR is listed', positiveInteger, 1000)
    .option('--settle-ms <ms>', 'with --watch: a dump is read once its size and time are unchanged this long', positiveInteger, 2000)
    .option('--quiet', 'print only skipped dumps')
    .action(async (dir: string, options: TrackCliOptions) => {
      const { trackDumps } = await import('../track/track-run.js');
      const controller = new AbortController();
      let signal: NodeJS.Signals | undefined;
      const stop = (received: NodeJS.Signals) => {
        signal = received;
        controller.abort();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
      try {
        const result = await trackDumps({
          dumpDir: dir,
          runDir: options.out,
          watch: options.watch,
          loss: options.loss,
          weightDecay: options.wd,
          name: options.name,
          dataset: options.dataset,
          model: options.model,
          epochs: options.epochs,
          classNames: options.classNames?.split(',').map((name) => name.trim()),
          pollMs: options.pollMs,
          settleMs: options.settleMs,
          signal: controller.signal,
          log: (line) => {
            if (line.startsWith('skipped')) console.error(line);
            else if (!options.quiet) console.log(line);
          },
        });
        if (!options.quiet)
          console.log(
            `${options.out}: ${result.measured.length} epoch${result.measured.length === 1 ? '' : 's'} measured, ${result.skipped.length} skipped (${result.state})`,
          );
        if (result.state === 'interrupted') process.exitCode = signal === 'SIGTERM' ? EXIT_CODES.sigterm : EXIT_CODES.sigint;
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
    });
}
