import { tidy } from '../torch/index.js';
import { type BatchSource, iterate } from './batches.js';

/**
 * Runs fn on every batch of a source, each step (the source's own work to produce the batch
 * included) inside its own `tidy`: a generator that computes features batch by batch has them
 * released as soon as they are consumed, so memory holds one batch at a time. A tensor that the
 * source must keep across batches it should `keep()`.
 */
export function forEachBatch<T>(source: BatchSource<T>, fn: (batch: T) => void): void {
  const iterator = iterate(source)[Symbol.iterator]();
  let finished = false;
  try {
    while (
      !tidy(() => {
        const step = iterator.next();
        if (step.done) return true;
        fn(step.value);
        return false;
      })
    );
    finished = true;
  } finally {
    if (!finished) iterator.return?.();
  }
}
