import type { ShardReducer } from '../collapse/index.js';
import type { ProcessGroup } from './process-group.js';

/** Merges the collapse accumulators of every rank's shard by all-reduce over the group. */
export function groupReducer(group: ProcessGroup): ShardReducer {
  return {
    sum: (t) => group.allReduce(t, 'sum'),
    min: (t) => group.allReduce(t, 'min'),
  };
}
