import { manualSeed, randint, randn, type Tensor, tidy } from '../../src/torch/index.js';

/** Gaussian classes around random means: N x p float32 features, int64 labels, a C x p weight. */
export function gaussianClasses(options: { n: number; p: number; C: number; spread?: number; seed?: number; dtype?: 'float32' | 'float64' }): {
  features: Tensor;
  labels: Tensor;
  weight: Tensor;
  bias: Tensor;
} {
  manualSeed(options.seed ?? 1);
  return tidy(() => {
    const labels = randint(0, options.C, [options.n]);
    const means = randn([options.C, options.p], { dtype: 'float64' }).mul(3);
    const features = means
      .indexSelect(0, labels)
      .add(randn([options.n, options.p], { dtype: 'float64' }).mul(options.spread ?? 1))
      .to(options.dtype ?? 'float32');
    const weight = means.add(randn([options.C, options.p], { dtype: 'float64' }).mul(0.5));
    const bias = randn([options.C], { dtype: 'float64' }).mul(0.1);
    return { features, labels, weight, bias };
  });
}

/** max over keys of the relative difference of two metric records. */
export function maxRelativeDifference(a: Record<string, number | undefined>, b: Record<string, number | undefined>): { key: string; difference: number } {
  let worst = { key: '', difference: 0 };
  for (const key of Object.keys(b)) {
    const [x, y] = [a[key]!, b[key]!];
    const difference = x === y ? 0 : Math.abs(x - y) / Math.max(Math.abs(y), 1e-300);
    if (difference > worst.difference) worst = { key, difference };
  }
  return worst;
}
