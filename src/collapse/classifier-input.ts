import { keep, type Tensor, tidy, zeros } from '../torch/index.js';
import { CollapseError } from './collapse-error.js';
import { nonFiniteRows } from './finite.js';
import { type LinearClassifier } from './measures/least-squares-classifier.js';

/**
 * The network's classifier as float64 on the measurement's device, checked against the classes
 * and the feature width. A missing bias is zero (docs/metrics.md).
 */
export function prepareClassifier(weight: Tensor, bias: Tensor | undefined, numClasses: number, dim: number, device: string): LinearClassifier {
  if (weight.ndim !== 2 || weight.size(0) !== numClasses) {
    throw new CollapseError(`the classifier weight has shape [${weight.shape.join(', ')}], expected [${numClasses}, ${dim}] (one row per class)`);
  }
  if (weight.size(1) !== dim) {
    throw new CollapseError(`the classifier weight has ${weight.size(1)} columns but the features have ${dim}`);
  }
  if (bias !== undefined && (bias.ndim !== 1 || bias.size(0) !== numClasses)) {
    throw new CollapseError(`the classifier bias has shape [${bias.shape.join(', ')}], expected [${numClasses}]`);
  }
  return tidy(() => {
    const w = keep(weight.detach().to('float64').to(device).clone());
    const b = keep(bias === undefined ? zeros([numClasses], { dtype: 'float64', device }) : bias.detach().to('float64').to(device).clone());
    const badRows = nonFiniteRows(w);
    const badBias = nonFiniteRows(b.unsqueeze(1));
    if (badRows.length > 0 || badBias.length > 0) {
      w.dispose();
      b.dispose();
      throw new CollapseError(
        badRows.length > 0
          ? `the classifier weight has NaN or infinite values in rows ${badRows.slice(0, 20).join(', ')}`
          : `the classifier bias has NaN or infinite values at ${badBias.slice(0, 20).join(', ')}`,
      );
    }
    return { weight: w, bias: b };
  });
}
