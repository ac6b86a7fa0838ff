import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DOCS = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];

/** Paths into the repository's own folders, as prose names them: src/run/run-files.ts, docs/metrics.md. */
const REPOSITORY_PATH = /(?<![\w./-])((?:src|test|docs|bench|scripts|native|grids|bin|\.ci)\/[\w./-]*[\w/])/g;
/** Relative Markdown links: [text](metrics.md), [text](docs/run-directory.md#status). */
const LINK = /\]\((?!https?:|#|mailto:)([^)#\s]+)/g;

/** Every repository path a document names, with the place it is resolved from. */
function namedPaths(doc: string): { named: string; path: string }[] {
  const text = readFileSync(join(ROOT, doc), 'utf8');
  const fromRoot = [...text.matchAll(REPOSITORY_PATH)].map((match) => ({ named: match[1]!, path: join(ROOT, match[1]!) }));
  const linked = [...text.matchAll(LINK)].map((match) => ({ named: match[1]!, path: normalize(join(ROOT, dirname(doc), match[1]!)) }));
  return [...fromRoot, ...linked];
}

test('every repository path that README.md and docs/*.md name exists', () => {
  const missing: string[] = [];
  for (const doc of DOCS) {
    for (const { named, path } of namedPaths(doc)) if (!existsSync(path)) missing.push(`${doc}: ${named}`);
  }
  assert.deepEqual(missing, []);
});

test('the path check sees both forms', () => {
  const paths = namedPaths('docs/run-directory.md').map((p) => p.named);
  assert.ok(paths.includes('src/train/training-state.ts'), paths.join(', '));
  assert.ok(paths.includes('metrics.md'), paths.join(', '));
});
