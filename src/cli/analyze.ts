import { Command, Option } from 'commander';
import { nonNegativeNumber, positiveInteger } from '../options/option-parsers.js';
import type { AnalyzeFilesOptions } from '../analyze/analyze-files.js';
import { metricEntry } from '../collapse/metric-catalog.js';

/** What commander hands over: the engine's options, with the defaults filled in, plus --json. */
type AnalyzeOptions = AnalyzeFilesOptions & { covariance: 'full' | 'projected'; batchSize: number; json?: boolean };


export function register(program: Command): void {
  program
    .command('analyze')
    .description('Measure neural collapse (every key of docs/metrics.md) on saved features, labels and classifier')
    .argument('[file]', '.npz (np.savez) or .safetensors holding the arrays')
    .option('--features <name>', 'features array, N x p (float32/float64)', 'H')
    .option('--labels <name>', 'labels array, N (integers 0..C-1)', 'y')
    .option('--weight <name>', 'classifier weight array, C x p (default W; metrics that need it are left out when W is absent)')
    .option('--bias <name>', 'classifier bias array, C (optional)', 'b')
    .option('--features-file <file>', 'features as a .npy file (instead of FILE)')
    .option('--labels-file <file>', 'labels as a .npy file')
    .option('--weight-file <file>', 'classifier weight as a .npy file')
    .option('--bias-file <file>', 'classifier bias as a .npy file')
    .option('--wd <decay>', 'training weight decay: adds the MSE decomposition lnc1, lnc23, lperp', nonNegativeNumber)
    .addOption(new Option('--covariance <mode>', "'full' (p x p within-class covariance: every key) or 'projected' (no p x p matrix)").choices(['full', 'projected']).default('full'))
    .option('--batch-size <n>', 'rows per accumulated batch', positiveInteger, 1024)
    .option('--json', 'print one JSON object whose keys are docs/metrics.md\'s')
    .option('--checkpoint <file>', "a saved model (runs/NAME/checkpoints/last.safetensors): its penultimate features on a dataset are measured")
    .option('--dataset <name>', "with --checkpoint: the dataset to run the model on (default: the run's)")
    .option('--data-dir <dir>', 'with --checkpoint: where the dataset files are')
    .addOption(new Option('--split <split>', 'with --checkpoint: the split to measure').choices(['train', 'test']).default('train'))
    .option('--layers', 'with --checkpoint: also layer-wise collapse at every block')
    .option('--pool', 'with --layers: global-average-pool convolutional block outputs')
    .action(async (file: string | undefined, options: AnalyzeOptions) => {
      const { analyzeFiles } = await import('../analyze/analyze-files.js');
      const output = analyzeFiles(file, options);
      if (options.json) {
        console.log(JSON.stringify(output.layers ? { ...output.metrics, layers: output.layers } : output.metrics));
        return;
      }
      console.log(`${output.source}: N = ${output.samples}, p = ${output.dim}, C = ${output.numClasses}`);
      const width = Math.max(...Object.keys(output.metrics).map((k) => k.length));
      for (const [key, value] of Object.entries(output.metrics)) {
        console.log(`${key.padEnd(width)}  ${formatValue(value).padStart(13)}  ${metricEntry(key)?.meaning ?? ''}`);
      }
      if (output.layers) {
        console.log('');
        console.log(`${'depth'.padStart(5)}  ${'block'.padEnd(24)}  ${'nc1'.padStart(12)}  ${'trace ratio'.padStart(12)}  ${'cdnv'.padStart(12)}  ${'ncc acc'.padStart(8)}`);
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
