import { NcollapseError } from '../../errors.js';

/** A model that cannot be built as asked: an unknown name, or options out of range. */
export class ModelOptionsError extends NcollapseError {}
