import { NcollapseError } from '../errors.js';

/** Saved weights that do not fit the model (another architecture, other shapes); the message names their source. */
export class StateDictError extends NcollapseError {}
