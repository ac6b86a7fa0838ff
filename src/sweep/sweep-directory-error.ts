import { InputFileError } from '../errors.js';

/** A directory given as a sweep that is not one, or a sweep file that cannot be read. */
export class SweepDirectoryError extends InputFileError {}
