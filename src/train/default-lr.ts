/**
 * The learning rates of the authors' notebook for each loss. A file of its own so that the CLI
 * can print them in --help without loading the config schema (zod) at start-up.
 */
export const DEFAULT_LR = { ce: 0.0679, mse: 0.0184 } as const;
