import { createRequire } from 'node:module';

/** The version of this package, from its package.json (read through the package's own exports, from src/ and dist/src/ alike). */
export const NCOLLAPSE_VERSION: string = (createRequire(import.meta.url)('ncollapse/package.json') as { version: string }).version;
