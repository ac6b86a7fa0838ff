import { NcollapseError } from '../errors.js';

/** SLURM refused a command or is not there. */
export class SlurmError extends NcollapseError {}
