/**
 * Child of scale-memory.test.ts: measures a sharded input the way `ncollapse analyze` does and
 * prints the keys with the process's peak resident set (kilobytes), so that the parent can
 * check memory from outside under a capped address space.
 */
import { analyzeFiles } from '../../src/analyze/analyze-files.js';

const [manifest, decisionSamples] = process.argv.slice(2);
const output = analyzeFiles(manifest, { decisionSamples: Number(decisionSamples), batchSize: 1024 });
console.log(JSON.stringify({ numClasses: output.numClasses, samples: output.samples, metrics: output.metrics, maxRssKb: process.resourceUsage().maxRSS }));
