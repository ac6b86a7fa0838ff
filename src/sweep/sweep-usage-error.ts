import { NcollapseError } from '../errors.js';

/**
 * A sweep command that cannot be carried out as asked (a job already queued, no runs left, no
 * finished run to report): a state of the sweep, not a bad option, so it exits 1, not 2.
 */
export class SweepUsageError extends NcollapseError {}
