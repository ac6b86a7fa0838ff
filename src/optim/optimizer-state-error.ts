import { NcollapseError } from '../errors.js';

/** A saved optimiser or scheduler state that does not fit the one it is loaded into; the message names its source. */
export class OptimizerStateError extends NcollapseError {}
