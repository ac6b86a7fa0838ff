/**
 * The base of every error ncollapse raises on purpose. Anything else that reaches the CLI is a
 * bug; an NcollapseError is a problem the user can fix from its message alone, so the message
 * always says what was wrong and where (the file, the field, the option) and what was expected.
 */
export class NcollapseError extends Error {
  /** The process exit code the CLI uses for this error (see EXIT_CODES). */
  readonly exitCode: number = EXIT_CODES.error;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A problem with an input file: the message starts with the file's path. */
export class InputFileError extends NcollapseError {
  readonly file: string;

  constructor(file: string, problem: string, options?: { cause?: unknown }) {
    super(`${file}: ${problem}`, options);
    this.file = file;
  }
}

/** A command-line option or configuration value that cannot be used. */
export class UsageError extends NcollapseError {
  override readonly exitCode: number = EXIT_CODES.usage;
}

/**
 * The exit codes of the `ncollapse` command, documented in the README. 130 and 143 follow the
 * shell's convention of 128 + the signal number (SIGINT 2, SIGTERM 15).
 */
export const EXIT_CODES = {
  ok: 0,
  /** Bad input, a failed command, or a bug (with NCOLLAPSE_DEBUG=1 the stack is printed). */
  error: 1,
  /** Bad options or arguments. */
  usage: 2,
  /** A training run diverged (non-finite loss, parameters or outputs). */
  diverged: 3,
  /** Interrupted by SIGINT (Ctrl-C); a checkpoint was written, continue with --resume. */
  sigint: 130,
  /** Terminated by SIGTERM; a checkpoint was written, continue with --resume. */
  sigterm: 143,
} as const;

/**
 * The one error type of the file formats (src/io/) and the dataset readers (src/data/). A user who
 * points ncollapse at a folder of files should be able to fix the problem from the message alone,
 * so it always names the file (or folder, or archive member), what was wrong and what was expected.
 */
export class DatasetError extends InputFileError {}
