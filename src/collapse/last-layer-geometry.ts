import { linalg, type Tensor, tidy } from '../torch/index.js';
import { type FeatureSource } from './batches.js';
import { ClassMeanAccumulator } from './class-mean-accumulator.js';
import { type CosineSummary, cosineSummary } from './cosine-summary.js';
import { classGeometry, disposeGeometry } from './class-geometry.js';
import { forEachBatch } from './for-each-batch.js';
import type { ShardReducer } from './shard-reducer.js';

/**
 * Above this many classes the geometry holds summaries instead of C x C cosine matrices and C x 3
 * points (a histogram of the pairwise cosines and the classes with the largest interference):
 * a heat map or a point cloud of more classes is neither readable nor small enough to store per epoch.
 */
export const COSINE_MATRIX_LIMIT = 100;

/** What the geometry view of the report and dashboard draws (docs/run-directory.md, geometry.jsonl). */
export interface LastLayerGeometry {
  /** C x C cosines between centred class means (C <= COSINE_MATRIX_LIMIT). */
  cos_means?: number[][];
  /** C x C cosines between classifier rows (C <= COSINE_MATRIX_LIMIT). */
  cos_classifier?: number[][];
  /** Centred means / ||Mt||_F on the top three principal directions of the means (C x 3; C <= COSINE_MATRIX_LIMIT). */
  pca_means?: number[][];
  /** W / ||W||_F on the same directions (C x 3), so that both share one frame. */
  pca_classifier?: number[][];
  /** Above COSINE_MATRIX_LIMIT classes: the summaries of the means' and classifier's cosines. */
  cos_summary?: { means: CosineSummary; classifier: CosineSummary };
  /** Fraction of the means' variance along each direction. */
  explained_variance: number[];
}

function rows(t: Tensor): number[][] {
  const [n, m] = t.shape as [number, number];
  const values = t.to('cpu').toArray();
  return Array.from({ length: n }, (_, i) => values.slice(i * m, (i + 1) * m));
}

function cosineMatrix(vectors: Tensor): number[][] {
  return tidy(() => {
    const unit = vectors.div(vectors.norm(2, 1, true).clamp(1e-300));
    return rows(unit.mm(unit.T));
  });
}

/**
 * The simplex picture of the last layer: cosine matrices and a shared 3-D principal-component
 * frame for the centred class means and the classifier rows (float64).
 */
export function lastLayerGeometry(source: FeatureSource, weight: Tensor, numClasses: number, shards?: ShardReducer): LastLayerGeometry {
  const accumulator = new ClassMeanAccumulator(numClasses);
  try {
    forEachBatch(source, ({ features, labels }) => accumulator.add(features, labels));
    if (shards) accumulator.reduceShards(shards);
    const geometry = classGeometry(accumulator);
    try {
      return tidy(() => {
        const means = geometry.centredMeans;
        const w = weight.detach().to('float64').to(means.device);
        const meansUnit = means.div(means.norm());
        const wUnit = w.div(w.norm());
        const { S, Vh } = linalg.svd(meansUnit, false);
        const k = Math.min(3, Vh.size(0));
        const directions = Vh.narrow(0, 0, k);
        const variance = S.square();
        const explained = variance.narrow(0, 0, k).div(variance.sum()).toArray();
        if (numClasses > COSINE_MATRIX_LIMIT)
          return { cos_summary: { means: cosineSummary(means), classifier: cosineSummary(w) }, explained_variance: explained };
        return {
          cos_means: cosineMatrix(means),
          cos_classifier: cosineMatrix(w),
          pca_means: rows(meansUnit.mm(directions.T)),
          pca_classifier: rows(wUnit.mm(directions.T)),
          explained_variance: explained,
        };
      });
    } finally {
      disposeGeometry(geometry);
    }
  } finally {
    accumulator.dispose();
  }
}
