import cliProgress from 'cli-progress';
import type { ProgressListener, StreamPass } from '../analyze/shards/shard-stream.js';

const TITLES: Record<StreamPass, string> = { labels: 'labels', first: 'pass 1/2', second: 'pass 2/2' };

/**
 * Progress of a streamed analysis on stderr: a bar per pass (samples/s, time left) on a terminal;
 * one line per finished pass otherwise, none with --json (stdout is then for machines) or --quiet.
 */
export function analyzeProgress(
  options: { json?: boolean; quiet?: boolean },
  stream: NodeJS.WriteStream = process.stderr,
): { listener: ProgressListener | undefined; stop(): void } {
  if (options.quiet || (!stream.isTTY && options.json)) return { listener: undefined, stop() {} };
  let pass: StreamPass | undefined;
  let started = 0;
  let bar: cliProgress.SingleBar | undefined;
  const finish = (done: number) => {
    if (pass === undefined) return;
    const seconds = (performance.now() - started) / 1000;
    bar?.stop();
    stream.write(`${TITLES[pass]}: ${done} samples in ${seconds.toFixed(1)} s (${Math.round(done / Math.max(seconds, 1e-9))} samples/s)\n`);
  };
  let last = 0;
  const listener: ProgressListener = (current, done, total) => {
    if (current !== pass) {
      finish(last);
      pass = current;
      started = performance.now();
      if (stream.isTTY) {
        bar = new cliProgress.SingleBar(
          {
            stream,
            format: `${TITLES[current]} [{bar}] {percentage}% | {value}/{total} samples | {speed} samples/s | ETA {eta_formatted}`,
            hideCursor: true,
            clearOnComplete: true,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(total, 0, { speed: '-' });
      }
    }
    last = done;
    const seconds = (performance.now() - started) / 1000;
    bar?.update(done, { speed: seconds > 0 ? Math.round(done / seconds) : '-' });
  };
  return { listener, stop: () => finish(last) };
}
