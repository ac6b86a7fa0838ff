import { Command, Option } from 'commander';
import { classIndexList, nonNegativeNumber, positiveInteger } from '../options/option-parsers.js';
import type { AnalyzeFilesOptions } from '../analyze/analyze-files.js';
import { metricEntry } from '../collapse/metric-catalog.js';

/** What commander hands over: the engine's options, with the defaults filled in, plus --json. */
type AnalyzeOptions = AnalyzeFilesOptions & { covariance: 'full' | 'projected'; batchSize: number; json?: boolean; quiet?: boolean; threads?: number };

/** Repeated options collect into a list. */
const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

export function register(program: Command): void {
  program
    .command('analyze')
    .description('Measure neural collapse (every key of docs/metrics.md) on saved features, labels and classifier')
    .argument(
      '[files...]',
      '.npz (np.savez) or .safetensors files holding the arrays (several: shards, quoted globs allowed), a folder of them, or a manifest .json',
    )
    .option('--features <name>', 'features array, N x p (float32/float64)', 'H')
    .option('--labels <name>', 'labels array, N (integers 0..C-1)', 'y')
    .option('--weight <name>', 'classifier weight array, C x p (default W; metrics that need it are left out when W is absent)')
    .option('--bias <name>', 'classifier bias array, C (optional)', 'b')
    .option('--features-file <file>', 'features as a .npy file (instead of FILE); a quoted glob or repeated for shards', collect)
    .option('--labels-file <file>', 'labels as a .npy file; a quoted glob or repeated, paired in sorted order with --features-file', collect)
    .option('--weight-file <file>', 'classifier weight as a .npy file')
    .option('--bias-file <file>', 'classifier bias as a .npy file')
    .option('--wd <decay>', 'training weight decay: adds the MSE decomposition lnc1, lnc23, lperp', nonNegativeNumber)
    .option(
      '--minority <list>',
      "minority class indices, such as 5,6,7,8,9: adds minority_cos_* and majority_cos_* (with --checkpoint, default: the run's)",
      classIndexList,
    )
    .addOption(
      new Option('--covariance <mode>', "'full' (p x p within-class covariance: every key) or 'projected' (no p x p matrix)")
        .choices(['full', 'projected'])
        .default('full'),
    )
    .option('--batch-size <n>', 'rows per accumulated batch', positiveInteger, 1024)
    .option('--min-count <k>', 'a label value with fewer than K samples is not a class (reports classes_kept, classes_dropped)', positiveInteger)
    .option('--decision-samples <k>', 'decision keys (train_error, ncc_*, margins, webb_lowe_agreement) on a seeded subset of K samples', positiveInteger)
    .option('--seed <n>', 'seed of the --decision-samples subset', nonNegativeNumber, 0)
    .option('--quiet', 'no progress bars on stderr')
    .option('--json', "print one JSON object whose keys are docs/metrics.md's")
    .option('--checkpoint <file>', 'a saved model (runs/NAME/checkpoints/last.safetensors): its penultimate features on a dataset are measured')
    .option('--dataset <name>', "with --checkpoint: the dataset to run the model on (default: the run's)")
    .option('--data-dir <dir>', 'with --checkpoint: where the dataset files are')
    .addOption(new Option('--split <split>', 'with --checkpoint: the split to measure').choices(['train', 'test']).default('train'))
    .option('--layers', 'with --checkpoint: also layer-wise collapse at every block')
    .option('--pool', 'with --layers: global-average-pool convolutional block outputs')
    .option('--threads <n>', 'libtorch threads (default: OMP_NUM_THREADS, else every available core)', positiveInteger)
    .action(async (files: string[], options: AnalyzeOptions) => {
      // libtorch's OpenMP default can be one thread on a multi-core machine (it is on some
      // containers), and every pass is a large matrix product that scales with the cores.
      const { setNumThreads } = await import('../torch/index.js');
      const { availableParallelism } = await import('node:os');
      const threads = options.threads ?? (process.env.OMP_NUM_THREADS ? undefined : availableParallelism());
      if (threads !== undefined) setNumThreads(threads);
      const { analyzeFiles } = await import('../analyze/analyze-files.js');
      const { analyzeProgress } = await import('./analyze-progress.js');
      const progress = analyzeProgress(options);
      let output;
      try {
        output = analyzeFiles(files.length === 0 ? undefined : files.length === 1 ? files[0] : files, { ...options, onProgress: progress.listener });
      } finally {
        progress.stop();
      }
      const counts = Object.fromEntries(
        (['classes_kept', 'classes_dropped', 'decision_samples'] as const).filter((key) => output[key] !== undefined).map((key) => [key, output[key]!]),
      );
      if (options.json) {
        console.log(JSON.stringify(output.layers ? { ...output.metrics, layers: output.layers } : { ...output.metrics, ...counts }));
        return;
      }
      console.log(`${output.source}: N = ${output.samples}, p = ${output.dim}, C = ${output.numClasses}`);
      for (const [key, value] of Object.entries(counts)) console.log(`${key} = ${value}`);
      const width = Math.max(...Object.keys(output.metrics).map((k) => k.length));
      for (const [key, value] of Object.entries(output.metrics)) {
        console.log(`${key.padEnd(width)}  ${formatValue(value).padStart(13)}  ${metricEntry(key)?.meaning ?? ''}`);
      }
      if (output.layers) {
        console.log('');
        console.log(
          `${'depth'.padStart(5)}  ${'block'.padEnd(24)}  ${'nc1'.padStart(12)}  ${'trace ratio'.padStart(12)}  ${'cdnv'.padStart(12)}  ${'ncc acc'.padStart(8)}`,
        );
        for (const layer of output.layers) {
          console.log(
            `${String(layer.depth).padStart(5)}  ${layer.name.padEnd(24)}  ${formatValue(layer.nc1).padStart(12)}  ${formatValue(layer.nc1_trace_ratio).padStart(12)}  ${formatValue(layer.cdnv).padStart(12)}  ${layer.ncc_accuracy.toFixed(4).padStart(8)}`,
          );
        }
      }
    });
}

function formatValue(value: number): string {
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  return magnitude >= 1e-3 && magnitude < 1e5 ? value.toPrecision(6) : value.toExponential(5);
}
