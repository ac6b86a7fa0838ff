import assert from 'node:assert/strict';
import { test } from 'node:test';

import { featureBatches } from '../../src/collapse/index.js';
import { lastLayerGeometry } from '../../src/collapse/last-layer-geometry.js';
import * as torch from '../../src/torch/index.js';

test('a simplex ETF shows as cosines -1/(C-1) and three equal principal directions (C = 4)', () => {
  torch.tidy(() => {
    const C = 4;
    // Centred standard basis vectors of R^4 form a simplex ETF; embed them in p = 6 and shift them.
    const etf = torch.eye(C, { dtype: 'float64' }).sub(1 / C);
    const means = torch.cat([etf, torch.zeros([C, 2], { dtype: 'float64' })], 1).add(3);
    const labels = torch.arange(0, 3 * C).remainder(C);
    const features = means.indexSelect(0, labels);
    const weight = etf.mul(2.5); // W proportional to the centred means
    const geometry = lastLayerGeometry(featureBatches(features, labels, 5), torch.cat([weight, torch.zeros([C, 2], { dtype: 'float64' })], 1), C);
    for (let a = 0; a < C; a++) {
      for (let b = 0; b < C; b++) {
        const expected = a === b ? 1 : -1 / (C - 1);
        assert.ok(Math.abs(geometry.cos_means![a]![b]! - expected) < 1e-12, `cos_means[${a}][${b}] = ${geometry.cos_means![a]![b]}`);
        assert.ok(Math.abs(geometry.cos_classifier![a]![b]! - expected) < 1e-12, `cos_classifier[${a}][${b}]`);
      }
    }
    // The means' variance spreads equally over the C - 1 = 3 directions of the simplex.
    assert.equal(geometry.explained_variance.length, 3);
    for (const share of geometry.explained_variance) assert.ok(Math.abs(share - 1 / 3) < 1e-12, `share ${share}`);
    // Normalised means and normalised classifier rows coincide in the shared frame (self-duality).
    for (let c = 0; c < C; c++) {
      for (let k = 0; k < 3; k++) assert.ok(Math.abs(geometry.pca_means![c]![k]! - geometry.pca_classifier![c]![k]!) < 1e-12);
    }
    // Every row of Mt / ||Mt||_F has norm 1/sqrt(C), and the three directions span all of them.
    const norms = geometry.pca_means!.map((row) => Math.hypot(...row));
    for (const n of norms) assert.ok(Math.abs(n - norms[0]!) < 1e-12);
    assert.ok(Math.abs(norms[0]! - 1 / Math.sqrt(C)) < 1e-12, `norm ${norms[0]}`);
  });
});
