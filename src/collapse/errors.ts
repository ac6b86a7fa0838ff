/**
 * The one error type of the collapse measures: a measurement that cannot be defined (an empty
 * class, coinciding class means, non-finite features) is refused with a message that says what
 * and where, never reported as NaN.
 */
export class CollapseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CollapseError';
  }
}
