import { tidy } from '../torch/index.js';
import { type BatchSource, iterate } from './batches.js';

/**
 * Runs fn on every batch of a source, each step (the source's own work to produce the batch
 * included) inside its own `tidy`: a generator that computes features batch by batch has them
 * released as soon as they are consumed, so memory holds one batch at a time. What the source
 * makes when the iteration starts (a function returning an array of views) is released when the
 * pass ends. A tensor that the source must keep beyond that it should `keep()`.
 */
export function forEachBatch<T>(source: BatchSource<T>, fn: (batch: T) => void): void {
  tidy(() => {
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
  });
}
