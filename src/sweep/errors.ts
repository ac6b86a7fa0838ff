import { InputFileError, NcollapseError } from '../errors.js';

/** A grid file that cannot be expanded: the message names the file and the key. */
export class GridFileError extends InputFileError {}

/** A directory given as a sweep that is not one, or a sweep file that cannot be read. */
export class SweepDirectoryError extends InputFileError {}

/**
 * A sweep command that cannot be carried out as asked (a job already queued, no runs left, no
 * finished run to report): a state of the sweep, not a bad option, so it exits 1, not 2.
 */
export class SweepUsageError extends NcollapseError {}

/** SLURM refused a command or is not there. */
export class SlurmError extends NcollapseError {}
