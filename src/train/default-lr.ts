/**
 * The learning rates of the authors' notebook for each loss. A file of its own so that the CLI
 * can print them in --help without loading the config schema (zod) at start-up.
 */
export const DEFAULT_LR = { ce: 0.0679, mse: 0.0184, focal: 0.0679, adam: 1e-3 } as const;

/** The lr of a run that gives none: the notebook's for SGD by loss, PyTorch's default for Adam and AdamW. */
export function defaultLr(optimizer: string, loss: 'ce' | 'mse' | 'focal'): number {
  return optimizer === 'sgd' ? DEFAULT_LR[loss] : DEFAULT_LR.adam;
}
