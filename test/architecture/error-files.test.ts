import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

/**
 * The naming rule of error files: a file that holds only error classes is named after its class,
 * `<kebab-case class name>.ts` (DatasetError in dataset-error.ts). src/errors.ts, the base class
 * and the exit codes, is the one file named otherwise.
 */

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(folder, entry.name)) : entry.name.endsWith('.ts') ? [join(folder, entry.name)] : [],
  );
}

const kebab = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();

test('each error file is named after the error class it holds', () => {
  const misnamed: string[] = [];
  for (const file of sourceFiles(SRC)) {
    const path = relative(SRC, file);
    if (!/error/.test(path.split('/').pop()!) || path === 'errors.ts') continue;
    const classes = [...readFileSync(file, 'utf8').matchAll(/export class (\w+Error) /g)].map((match) => match[1]!);
    if (classes.length === 0) continue; // a measure named after a quantity (collapse/measures/etf-error.ts), not an error file
    if (!classes.some((name) => path.endsWith(`${kebab(name)}.ts`))) misnamed.push(`${path} holds ${classes.join(', ')}`);
  }
  assert.deepEqual(misnamed, []);
});
