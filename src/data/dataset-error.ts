import { NcollapseError } from '../errors.js';

/**
 * The one error type of the dataset readers. A user who points ncollapse at a folder of files
 * should be able to fix the problem from the message alone, so it always names the file, what
 * was wrong with it and what was expected.
 */
export class DatasetError extends NcollapseError {
  /** The file (or folder, or archive member) the problem is about. */
  readonly file: string;

  constructor(file: string, problem: string) {
    super(`${file}: ${problem}`);
    this.name = 'DatasetError';
    this.file = file;
  }
}
