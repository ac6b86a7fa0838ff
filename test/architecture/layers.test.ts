import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { findFolderCycle, folderEdges, folderOf, sourceImports, type SourceImport } from './import-graph.js';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

/**
 * What each folder of src/ may import, besides src/errors.ts and src/version.ts (which every folder may). The
 * libraries at the bottom (torch, io, nn, optim, collapse, data, run) know nothing of the
 * applications above them (train, analyze, report, serve, cli).
 */
const ALLOWED: Record<string, string[]> = {
  torch: [],
  io: ['torch'],
  nn: ['torch'],
  optim: ['torch'],
  collapse: ['torch', 'nn'],
  data: ['io', 'torch'],
  run: ['io'],
  distributed: ['torch', 'collapse'],
  train: ['torch', 'io', 'nn', 'optim', 'collapse', 'data', 'run', 'robustness', 'distributed'],
  analyze: ['torch', 'io', 'nn', 'collapse', 'data', 'run', 'train', 'robustness'],
  track: ['torch', 'io', 'collapse', 'run', 'analyze', 'train'],
  // collapse: the metric catalogue only (src/collapse/metric-catalog.ts imports nothing, so the report loads no libtorch).
  report: ['io', 'run', 'collapse'],
  options: ['train'],
  sweep: ['io', 'run', 'data', 'train', 'options', 'report'],
  serve: ['io', 'run', 'report', 'sweep'],
  robustness: ['torch', 'nn', 'data'],
  cli: [
    'torch',
    'io',
    'nn',
    'optim',
    'collapse',
    'data',
    'run',
    'train',
    'analyze',
    'report',
    'serve',
    'robustness',
    'distributed',
    'options',
    'sweep',
    'track',
  ],
};

/** The files at the top of src/ that every folder may import. */
const FOUNDATION = new Set(['errors', 'version']);

const imports = sourceImports(SRC);
const edges = folderEdges(imports);
const describe = (edge: SourceImport) => `src/${edge.from} imports src/${edge.to}`;

test('the import scanner sees static, re-exported, type-only and dynamic imports', () => {
  const has = (from: string, to: string) => imports.some((edge) => edge.from === from && edge.to === to);
  assert.ok(has('train/trainer.ts', 'run/run-directory.ts'), 'a static import');
  assert.ok(has('collapse/index.ts', 'collapse/batches.ts'), 'a re-export');
  assert.ok(has('cli/analyze.ts', 'analyze/analyze-files.ts'), 'a dynamic import() and a type-only import');
});

test('collapse, torch, nn and data never import train, analyze, cli, serve or report', () => {
  const applications = ['train', 'analyze', 'cli', 'serve', 'report'];
  const offending = imports.filter((edge) => {
    const [from, to] = [edge.from.split('/')[0], edge.to.split('/')[0]];
    return ['collapse', 'torch', 'nn', 'data'].includes(from!) && applications.includes(to!);
  });
  assert.deepEqual(offending.map(describe), []);
});

test('each folder of src/ imports only the folders below it', () => {
  const offending: string[] = [];
  for (const [from, targets] of edges) {
    // A file at the top of src/ other than errors.ts and version.ts is an entry point of the package: it may import any folder.
    const entryPoint = imports.some((edge) => !edge.from.includes('/') && folderOf(edge.from) === from);
    if (FOUNDATION.has(from) || entryPoint) continue;
    assert.ok(from in ALLOWED, `src/${from}/ is not in the layer table of this test: add it`);
    for (const [to, edge] of targets) {
      if (!FOUNDATION.has(to) && !ALLOWED[from]!.includes(to)) offending.push(describe(edge));
    }
  }
  assert.deepEqual(offending, []);
});

test('the folders of src/ import each other without cycles', () => {
  assert.equal(findFolderCycle(edges), null);
});

test('a cycle between folders is found', () => {
  const edge = (from: string, to: string): SourceImport => ({ from: `${from}/a.ts`, to: `${to}/b.ts` });
  const cyclic = folderEdges([edge('a', 'b'), edge('b', 'c'), edge('c', 'a'), edge('c', 'd')]);
  assert.deepEqual(findFolderCycle(cyclic), ['a', 'b', 'c', 'a']);
  assert.equal(findFolderCycle(folderEdges([edge('a', 'b'), edge('a', 'c'), edge('b', 'c')])), null);
});
