import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Tensor, tensor } from '../../src/torch/index.js';
import type { Tolerance } from '../helpers/assert-close.js';

export interface GoldenCase {
  name: string;
  dtype: 'float32' | 'float64';
  shape: [number, number];
  numClasses: number;
  weightDecay: number;
  features: number[];
  labels: number[];
  weight: number[];
  bias: number[];
  expected: Record<string, number>;
}

const here = dirname(fileURLToPath(import.meta.url));
export const fixtureDir = join(here, '..', 'fixtures', 'collapse');

export function goldenCases(): GoldenCase[] {
  return (JSON.parse(readFileSync(join(fixtureDir, 'collapse-golden.json'), 'utf8')) as { cases: GoldenCase[] }).cases;
}

export interface CaseTensors {
  features: Tensor;
  labels: Tensor;
  weight: Tensor;
  bias: Tensor;
}

export function caseTensors(c: GoldenCase): CaseTensors {
  const [n, p] = c.shape;
  return {
    features: tensor(c.dtype === 'float32' ? Float32Array.from(c.features) : Float64Array.from(c.features), { shape: [n, p] }),
    labels: tensor(BigInt64Array.from(c.labels, BigInt)),
    weight: tensor(Float64Array.from(c.weight), { shape: [c.numClasses, p] }),
    bias: tensor(Float64Array.from(c.bias)),
  };
}

/**
 * Relative agreement (1e-9 unless said); a value that is zero up to rounding in float64 (below
 * 1e-13 in the golden) must be below 1e-13 here too, as relative error means nothing there.
 */
export function goldenTolerance(relative = 1e-9): Tolerance {
  return { relative, zeroBelow: 1e-13 };
}
