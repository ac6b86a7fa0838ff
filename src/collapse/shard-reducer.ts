import type { Tensor } from '../torch/index.js';

/**
 * Combines a state tensor in place across the shards of one data set measured apart, leaving the
 * same result in every shard's copy: an all-reduce over the ranks of a distributed run
 * (src/distributed/). Accumulators built on shards reduce into exactly what one pass over all
 * the data gives, up to rounding, as their merge() does for shards held in one process.
 */
export interface ShardReducer {
  sum(t: Tensor): void;
  min(t: Tensor): void;
}
