import { arange, keep, type Tensor, tidy, zeros } from '../torch/index.js';
import { scratch } from './scratch.js';

/**
 * The largest temporary a per-batch step may allocate. libtorch allocates with 64-byte
 * posix_memalign; once glibc's dynamic mmap threshold has risen above a batch's size, a freed
 * batch-sized block cannot serve the next identical request, and in about one process in three
 * the resident set grew by a batch per batch (470 MB per measurement of 60,000 x 512 features).
 * So the accumulators keep every batch-sized tensor in buffers that live as long as they do,
 * and cut the remaining work into row chunks whose temporaries stay under this size.
 */
export const MAX_TEMPORARY_BYTES = 256 * 1024;

/** [start, length] row ranges of at most MAX_TEMPORARY_BYTES / bytesPerRow rows. */
export function rowChunks(rows: number, bytesPerRow: number): [number, number][] {
  const step = Math.max(1, Math.floor(MAX_TEMPORARY_BYTES / Math.max(1, bytesPerRow)));
  const chunks: [number, number][] = [];
  for (let start = 0; start < rows; start += step) chunks.push([start, Math.min(step, rows - start)]);
  return chunks;
}

/**
 * Per-class row operations through a one-hot matrix held in a buffer: subtracting each row's
 * class row of a table (h_i - mu_{y_i}) and adding rows into per-class sums, both as one
 * in-place matrix product. The one-hot rows are exact 0/1, so each product entry is exactly the
 * one selected value: the arithmetic is that of a gather, without the batch-sized gathered copy.
 */
export class OneHotRows {
  private classIndex: Tensor | undefined;

  constructor(private readonly numClasses: number) {}

  /** The B x C float64 one-hot matrix of a batch's labels (a view of the buffer, valid until the next call). */
  encode(labels: Tensor): Tensor {
    const rows = labels.size(0);
    const C = this.numClasses;
    if (this.classIndex === undefined || this.classIndex.device !== labels.device) {
      this.dispose();
      this.classIndex = keep(arange(0, C, 1, { device: labels.device }).unsqueeze(0));
    }
    const hot = scratch('one-hot', [rows, C], labels.device);
    tidy(() => {
      for (const [start, length] of rowChunks(rows, C)) {
        hot.narrow(0, start, length).copy_(labels.narrow(0, start, length).unsqueeze(1).eq(this.classIndex!));
      }
    });
    return hot;
  }

  /** rows[i] -= table[labels[i]], in place. */
  subtract(rows: Tensor, table: Tensor, labels: Tensor): Tensor {
    return rows.addmm_(this.encode(labels), table, 1, -1);
  }

  /**
   * sums[c] += sum of rows[i] with labels[i] = c, in place: by index-add into a zero temporary
   * when the C x p sums are small, else by the one-hot product (no temporary at all).
   */
  addTo(sums: Tensor, rows: Tensor, labels: Tensor): void {
    tidy(() => {
      if (sums.numel * 8 <= MAX_TEMPORARY_BYTES) {
        sums.add_(zeros(sums.shape, { dtype: 'float64', device: sums.device }).indexAdd(0, labels, rows));
      } else {
        sums.addmm_(this.encode(labels).T, rows);
      }
    });
  }

  dispose(): void {
    this.classIndex?.dispose();
    this.classIndex = undefined;
  }
}
