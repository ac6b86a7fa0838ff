import type { ImageSplit } from '../data/index.js';
import * as torch from '../torch/index.js';

/** One split as tensors on the training device: inputs (images, or sample indices for the UFM) and int64 labels. */
export interface TensorSplit {
  inputs: torch.Tensor;
  labels: torch.Tensor;
  count: number;
}

export function splitToTensors(split: ImageSplit, device: string): TensorSplit {
  const [c, h, w] = split.shape;
  return {
    inputs: torch.keep(torch.tensor(split.images, { shape: [split.count, c, h, w], device })),
    labels: torch.keep(torch.tensor(split.labels, { dtype: 'int64', device })),
    count: split.count,
  };
}

/** For the unconstrained-features model the input of sample i is its index i. */
export function indexSplit(labels: Int32Array, device: string): TensorSplit {
  return {
    inputs: torch.keep(torch.arange(0, labels.length, 1, { device })),
    labels: torch.keep(torch.tensor(labels, { dtype: 'int64', device })),
    count: labels.length,
  };
}

export function disposeSplit(split: TensorSplit): void {
  split.inputs.dispose();
  split.labels.dispose();
}

export interface Batch {
  inputs: torch.Tensor;
  labels: torch.Tensor;
}

/**
 * The shuffled training batches of one epoch; the incomplete last batch is skipped, as in the
 * authors' code (drop_last). The permutation comes from the global generator, so a seed fixes it.
 */
export function shuffledBatchIndices(count: number, batchSize: number, device: string): torch.Tensor[] {
  const permutation = torch.randperm(count, { device });
  const batches: torch.Tensor[] = [];
  for (let start = 0; start + batchSize <= count; start += batchSize) batches.push(permutation.narrow(0, start, batchSize));
  permutation.dispose(); // the views keep the storage alive
  return batches;
}

export function gatherBatch(split: TensorSplit, indices: torch.Tensor): Batch {
  return { inputs: split.inputs.indexSelect(0, indices), labels: split.labels.indexSelect(0, indices) };
}

/** Consecutive batches in order (measurement), the last one possibly smaller. */
export function* sequentialBatches(split: TensorSplit, batchSize: number): Generator<Batch> {
  for (let start = 0; start < split.count; start += batchSize) {
    const size = Math.min(batchSize, split.count - start);
    yield { inputs: split.inputs.narrow(0, start, size), labels: split.labels.narrow(0, start, size) };
  }
}
