import * as torch from '../torch/index.js';

/**
 * One rank's training batches of one epoch, as torch's DistributedSampler with drop_last batches:
 * the epoch's permutation (from the global generator, which every rank seeds alike) is padded to a
 * multiple of the world size by repeating its start, and rank r takes every world-size-th index
 * from r on, in batches of `globalBatch / worldSize`. Batch b of all ranks together is batch b of
 * a single process (`shuffledBatchIndices`) with the same seed, so any world size trains on the
 * same global batches.
 */
export function rankBatchIndices(count: number, globalBatch: number, worldSize: number, rank: number, device: string): torch.Tensor[] {
  const localBatch = globalBatch / worldSize;
  return torch.tidy(() => {
    let permutation = torch.randperm(count, { device });
    const padded = Math.ceil(count / worldSize) * worldSize;
    if (padded > count) permutation = torch.cat([permutation, permutation.narrow(0, 0, padded - count)]);
    // Strided by rank: row k of the (padded / W) x W view holds global positions kW .. kW + W - 1.
    const mine = permutation
      .view([padded / worldSize, worldSize])
      .select(1, rank)
      .contiguous();
    const batches: torch.Tensor[] = [];
    for (let start = 0; start + localBatch <= mine.size(0); start += localBatch) batches.push(torch.keep(mine.narrow(0, start, localBatch)));
    return batches;
  });
}
