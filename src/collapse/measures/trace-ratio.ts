/**
 * nc1_trace_ratio = Tr(Sigma_W) / Tr(Sigma_B), with Tr(Sigma_W) = (1/N) sum_c sum_{i in c} |h_i - mu_c|^2
 * and Tr(Sigma_B) = (1/C) sum_c |mu_c - mu_G|^2.
 *
 * @param squaredNorms |mu_c - mu_G|^2 per class
 */
export function nc1TraceRatio(classScatter: ArrayLike<number>, total: number, squaredNorms: ArrayLike<number>, numClasses: number): number {
  let within = 0;
  for (let c = 0; c < numClasses; c++) within += classScatter[c]!;
  let between = 0;
  for (let c = 0; c < numClasses; c++) between += squaredNorms[c]!;
  return within / total / (between / numClasses);
}
