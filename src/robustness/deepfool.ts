/**
 * DeepFool (Moosavi-Dezfooli, Fawzi & Frossard, CVPR 2016), multi-class, batched: the smallest
 * L2 perturbation that changes a classifier's decision, found by repeatedly linearising the
 * classifier around the current point and stepping to the nearest linearised decision boundary.
 * It follows the authors' reference code (LTS4/DeepFool, deepfool.py): candidate classes are the
 * top-`candidates` classes at the clean input, each step is (|f'_l| + 1e-4) w_l / ||w_l||, and the
 * accumulated step is scaled by (1 + overshoot) before the classifier is asked again.
 *
 * Samples are attacked together: the forward function must treat the samples of a batch
 * independently (a network in eval mode), so that the gradient of sum_b f_k(x_b) with respect to
 * the batch gives every sample the gradient of its own f_k. Samples leave the batch once flipped.
 */
import * as torch from '../torch/index.js';
import type { Tensor } from '../torch/index.js';

/** The logits (N x C) of a batch of inputs (N x ...). */
export type Logits = (inputs: Tensor) => Tensor;

export interface DeepFoolOptions {
  /** The reference's 0.02: each accumulated step is multiplied by 1 + overshoot. */
  overshoot?: number;
  /** Steps before giving up on a sample (the reference's 50). */
  maxIterations?: number;
  /** Classes considered as targets: the top ones at the clean input, the original included (the reference's 10). */
  candidates?: number;
}

export interface DeepFoolResult {
  /** r per sample, the shape of the inputs: inputs + r is what the classifier was last asked about. */
  perturbation: Tensor;
  /** Whether inputs + r is classified differently from the clean input. */
  flipped: boolean[];
  /** Steps taken per sample (for a failed sample, maxIterations). */
  iterations: number[];
  /** The classifier's decision at the clean input. */
  originalLabels: number[];
  /** The classifier's decision at inputs + r. */
  perturbedLabels: number[];
}

export const DEEPFOOL_DEFAULTS = { overshoot: 0.02, maxIterations: 50, candidates: 10 } as const;

/** Added to each step's length, as the reference does, so that a step ends just past the boundary. */
const STEP_SLACK = 1e-4;

export function deepFool(logits: Logits, inputs: Tensor, options: DeepFoolOptions = {}): DeepFoolResult {
  const overshoot = options.overshoot ?? DEEPFOOL_DEFAULTS.overshoot;
  const maxIterations = options.maxIterations ?? DEEPFOOL_DEFAULTS.maxIterations;
  if (!(overshoot >= 0)) throw new RangeError(`deepFool: overshoot must be >= 0, got ${overshoot}`);
  if (!Number.isInteger(maxIterations) || maxIterations < 1) throw new RangeError(`deepFool: maxIterations must be a positive integer, got ${maxIterations}`);
  const count = inputs.size(0);
  const sampleShape = inputs.shape.slice(1);
  const dim = sampleShape.reduce((a, b) => a * b, 1);
  const device = inputs.device;

  const { clean, candidates } = torch.tidy(() => {
    const flat = torch.keep(inputs.detach().reshape([count, dim]).clone());
    const z = torch.noGrad(() => logits(inputs.detach()));
    if (z.ndim !== 2 || z.size(0) !== count)
      throw new Error(`deepFool: the classifier returned shape [${z.shape.join(', ')}] for ${count} inputs; expected [${count}, classes]`);
    const q = Math.min(options.candidates ?? DEEPFOOL_DEFAULTS.candidates, z.size(1));
    if (q < 2) throw new RangeError('deepFool: at least two candidate classes are needed');
    return { clean: flat, candidates: torch.keep(z.topk(q, 1).indices) };
  });
  const originalLabels = candidates.select(1, 0).toArray();
  let total = torch.keep(torch.zeros([count, dim], { dtype: inputs.dtype, device }));
  const flipped = new Array<boolean>(count).fill(false);
  const iterations = new Array<number>(count).fill(maxIterations);
  const perturbedLabels = originalLabels.slice();
  let active = Array.from({ length: count }, (_, i) => i);

  try {
    for (let step = 0; active.length > 0; step++) {
      const outcome = torch.tidy(() => {
        const index = torch.tensor(active, { dtype: 'int64', device });
        const n = active.length;
        const x = clean
          .indexSelect(0, index)
          .add(total.indexSelect(0, index).mul(1 + overshoot))
          .detach()
          .requiresGrad_(true);
        const z = torch.enableGrad(() => logits(x.reshape([n, ...sampleShape])));
        const decided = z.detach().argmax(1).toArray();
        const classes = candidates.indexSelect(0, index);
        const original = classes.select(1, 0).toArray();
        const done = decided.map((label, i) => label !== original[i]);
        if (step === maxIterations || done.every(Boolean)) return { decided, done, stuck: undefined, stepTensor: undefined };
        const chosen = z.gather(1, classes);
        const q = classes.size(1);
        const gradients: Tensor[] = [];
        for (let k = 0; k < q; k++) {
          chosen
            .select(1, k)
            .sum()
            .backward(undefined, k < q - 1);
          gradients.push(x.grad!);
          x.grad = undefined;
        }
        const g = torch.stack(gradients, 1); // n x q x dim
        const w = g.sub(g.narrow(1, 0, 1));
        const f = chosen.detach().sub(chosen.detach().narrow(1, 0, 1));
        const wNorm = w.norm(2, 2);
        const isOriginal = torch.arange(0, q, 1, { device }).eq(0).unsqueeze(0);
        // A class whose linearised boundary is unreachable (w = 0) is never the nearest one.
        const distance = torch.where(isOriginal.logicalOr(wNorm.eq(0)), Infinity, f.abs().div(wNorm));
        const nearest = distance.argmin(1, true); // n x 1
        const nearestDistance = distance.gather(1, nearest);
        // No reachable boundary at all (every w = 0): the sample cannot be moved and counts as failed.
        const stuck = nearestDistance.isfinite().logicalNot().squeeze(1).toArray().map(Boolean);
        const length = nearestDistance.add(STEP_SLACK).div(wNorm.gather(1, nearest)); // n x 1
        const direction = w.gather(1, nearest.unsqueeze(2).expand([n, 1, dim])).squeeze(1);
        const still = torch
          .tensor(
            done.map((d, i) => d || stuck[i]!),
            { dtype: 'bool', device },
          )
          .unsqueeze(1);
        const stepTensor = total.indexAdd(0, index, torch.where(still, 0, direction.mul(length)));
        return { decided, done, stuck, stepTensor };
      });
      const stillActive: number[] = [];
      active.forEach((sample, i) => {
        perturbedLabels[sample] = outcome.decided[i]!;
        if (outcome.done[i]) {
          flipped[sample] = true;
          iterations[sample] = step;
        } else if (step < maxIterations && !outcome.stuck?.[i]) {
          stillActive.push(sample);
        }
      });
      if (outcome.stepTensor) {
        total.dispose();
        total = torch.keep(outcome.stepTensor);
      }
      active = outcome.stepTensor ? stillActive : [];
    }
    const perturbation = torch.tidy(() => total.mul(1 + overshoot).reshape([count, ...sampleShape]));
    return { perturbation, flipped, iterations, originalLabels, perturbedLabels };
  } finally {
    torch.dispose([clean, candidates, total]);
  }
}
