/**
 * One measurement of `npm run bench:scale` in a process of its own (so that its peak resident set
 * is its own): `ncollapse analyze MANIFEST` through the library, with the time of each pass.
 * Prints one JSON object.
 */
import { analyzeFiles } from '../src/analyze/analyze-files.js';
import { setNumThreads } from '../src/torch/index.js';

const [manifest, decisionSamples, threads] = process.argv.slice(2);
setNumThreads(Number(threads));
const start = performance.now();
const passStart: Record<string, number> = { labels: start };
const passSeconds: Record<string, number> = {};
let samples = 0;
const output = analyzeFiles(manifest, {
  decisionSamples: decisionSamples === 'all' ? undefined : Number(decisionSamples),
  batchSize: 4096,
  onProgress: (pass, done, total) => {
    passStart[pass] ??= performance.now();
    if (done === total) passSeconds[pass] = (performance.now() - passStart[pass]!) / 1000;
    samples = total;
  },
});
const seconds = (performance.now() - start) / 1000;
console.log(
  JSON.stringify({ seconds, passSeconds, samples, maxRssKb: process.resourceUsage().maxRSS, numClasses: output.numClasses, metrics: output.metrics }),
);
