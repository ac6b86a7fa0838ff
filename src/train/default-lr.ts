/**
 * The learning rates of the authors' notebook for each loss. A file of its own so that the CLI
 * can print them in --help without loading the config schema (zod) at start-up.
 */
export const DEFAULT_LR = { ce: 0.0679, mse: 0.0184 } as const;

/** torch.optim.Adam's and AdamW's default lr. */
export const DEFAULT_ADAM_LR = 1e-3;

/** The lr of a run that gives none: the notebook's for SGD (focal loss takes cross-entropy's), PyTorch's default for Adam and AdamW. */
export function defaultLr(optimizer: string, loss: 'ce' | 'mse' | 'focal'): number {
  if (optimizer !== 'sgd') return DEFAULT_ADAM_LR;
  return loss === 'mse' ? DEFAULT_LR.mse : DEFAULT_LR.ce;
}
