import { NcollapseError } from '../errors.js';

/**
 * The one error type of the collapse measures: a measurement that cannot be defined (an empty
 * class, coinciding class means, non-finite features) is refused with a message that says what
 * and where, never reported as NaN.
 */
export class CollapseError extends NcollapseError {
  constructor(message: string) {
    super(message);
  }
}

/** Every accumulator needs at least two classes: with one, no collapse measure is defined. */
export function requireClassCount(numClasses: number): void {
  if (!Number.isInteger(numClasses) || numClasses < 2) {
    throw new CollapseError(`collapse needs at least two classes, got numClasses = ${numClasses}`);
  }
}
