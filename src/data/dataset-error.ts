/** The dataset readers' error; it lives in src/errors.ts so that the file formats of src/io/ can throw it too. */
export { DatasetError } from '../errors.js';
