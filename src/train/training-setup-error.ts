import { NcollapseError } from '../errors.js';

/** A training run that cannot start as asked: a bad setting, --resume without a run, an --out that holds one. */
export class TrainingSetupError extends NcollapseError {}
