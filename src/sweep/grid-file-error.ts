import { InputFileError } from '../errors.js';

/** A grid file that cannot be expanded: the message names the file and the key. */
export class GridFileError extends InputFileError {}
