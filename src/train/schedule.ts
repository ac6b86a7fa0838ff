import { TrainingSetupError } from './training-setup-error.js';

/** The authors' 50 measurement epochs of a 350-epoch run, spaced about logarithmically (docs/metrics.md). */
export const PAPER_MEASURE_EPOCHS = [
  1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 16, 17, 19, 20, 22, 24, 27, 29, 32, 35, 38, 42, 45, 50, 54, 59, 65, 71, 77, 85, 92, 101, 110, 121, 132, 144,
  158, 172, 188, 206, 225, 245, 268, 293, 320, 350,
];

/**
 * The epochs at which a run of `epochs` epochs is measured: `paper` (the authors' schedule scaled
 * to the run's length), `all`, `none`, or a comma-separated list. The last epoch is always
 * measured except with `none`.
 */
export function measureEpochs(spec: string, epochs: number): number[] {
  let chosen: number[];
  if (spec === 'none') return [];
  if (spec === 'all') chosen = Array.from({ length: epochs }, (_, i) => i + 1);
  else if (spec === 'paper') {
    chosen = PAPER_MEASURE_EPOCHS.map((e) => Math.min(epochs, Math.max(1, Math.round((e * epochs) / 350))));
  } else {
    chosen = spec.split(',').map((part) => {
      const value = Number(part.trim());
      if (!Number.isInteger(value) || value < 1) {
        throw new TrainingSetupError(`--measure: '${part}' is not an epoch number (expected paper, all, none or a list such as 1,5,10)`);
      }
      return value;
    });
    const late = chosen.filter((e) => e > epochs);
    if (late.length > 0) throw new TrainingSetupError(`--measure: epoch ${late[0]} is beyond the run's ${epochs} epochs`);
  }
  chosen.push(epochs);
  return [...new Set(chosen)].sort((a, b) => a - b);
}
