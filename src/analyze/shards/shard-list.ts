import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { AnalysisInputError } from '../analysis-arrays.js';

/**
 * Which files make up a sharded input, in order. A shard is either a pair of .npy files
 * (features, labels) or one archive (.npz or .safetensors) holding both arrays.
 */
export type ShardFiles = { kind: 'pair'; features: string; labels: string } | { kind: 'archive'; file: string };

export interface ShardInput {
  /** .npy feature files or quoted globs (sorted), paired in order with `labels`. */
  features?: string[];
  labels?: string[];
  /** .npz/.safetensors archives (globs allowed), a folder of them, or a manifest (.json). */
  files?: string[];
  /** The classifier as .npy files (else W and b are looked for in the first archive). */
  weightFile?: string;
  biasFile?: string;
}

export interface ResolvedShards {
  shards: ShardFiles[];
  weightFile?: string;
  biasFile?: string;
}

/**
 * A manifest names the shards with paths relative to its own folder:
 *   {"shards": [{"features": "H-000.npy", "labels": "y-000.npy"}, "part-001.npz", ...],
 *    "weight": "W.npy", "bias": "b.npy"}
 * A folder given as FILE means its manifest.json when it has one, else its .npz/.safetensors files.
 */
export const MANIFEST_NAME = 'manifest.json';

export function resolveShards(input: ShardInput): ResolvedShards {
  const features = (input.features ?? []).flatMap((pattern) => expandPattern(pattern, '--features-file'));
  const labels = (input.labels ?? []).flatMap((pattern) => expandPattern(pattern, '--labels-file'));
  if (features.length !== labels.length) {
    throw new AnalysisInputError(
      (input.features ?? input.labels ?? ['analyze'])[0]!,
      `${features.length} feature file${features.length === 1 ? '' : 's'} but ${labels.length} label file${labels.length === 1 ? '' : 's'}: --features-file and --labels-file are paired in sorted order`,
    );
  }
  const shards: ShardFiles[] = features.map((file, i) => ({ kind: 'pair', features: file, labels: labels[i]! }));
  let weightFile = input.weightFile;
  let biasFile = input.biasFile;
  for (const given of input.files ?? []) {
    if (given.toLowerCase().endsWith('.json') || (existsSync(given) && statSync(given).isDirectory() && existsSync(join(given, MANIFEST_NAME)))) {
      const manifest = readManifest(given.toLowerCase().endsWith('.json') ? given : join(given, MANIFEST_NAME));
      shards.push(...manifest.shards);
      weightFile ??= manifest.weightFile;
      biasFile ??= manifest.biasFile;
    } else if (existsSync(given) && statSync(given).isDirectory()) {
      const archives = readdirSync(given)
        .filter((name) => ['.npz', '.safetensors'].includes(extname(name).toLowerCase()))
        .sort()
        .map((name) => join(given, name));
      if (archives.length === 0) throw new AnalysisInputError(given, `a folder with no ${MANIFEST_NAME} and no .npz/.safetensors files`);
      shards.push(...archives.map((file): ShardFiles => ({ kind: 'archive', file })));
    } else {
      shards.push(...expandPattern(given, 'FILE').map((file): ShardFiles => ({ kind: 'archive', file })));
    }
  }
  if (shards.length === 0)
    throw new AnalysisInputError('analyze', 'no input: give FILE.npz, FILE.safetensors, a manifest, or --features-file and --labels-file');
  return { shards, weightFile, biasFile };
}

function readManifest(file: string): ResolvedShards {
  if (!existsSync(file)) throw new AnalysisInputError(file, 'manifest not found');
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new AnalysisInputError(file, `not valid JSON (${(error as Error).message}); expected {"shards": [...]}`);
  }
  const root = dirname(file);
  const at = (path: unknown, field: string): string => {
    if (typeof path !== 'string' || path === '') throw new AnalysisInputError(file, `field '${field}' must be a file name, got ${JSON.stringify(path)}`);
    return resolve(root, path);
  };
  const manifest = parsed as { shards?: unknown; weight?: unknown; bias?: unknown };
  if (typeof manifest !== 'object' || manifest === null || !Array.isArray(manifest.shards) || manifest.shards.length === 0) {
    throw new AnalysisInputError(file, 'field \'shards\' must be a non-empty list of "archive.npz" or {"features": "H.npy", "labels": "y.npy"}');
  }
  const shards = manifest.shards.map((entry: unknown, i: number): ShardFiles => {
    if (typeof entry === 'string') return { kind: 'archive', file: at(entry, `shards[${i}]`) };
    const pair = entry as { features?: unknown; labels?: unknown };
    return { kind: 'pair', features: at(pair?.features, `shards[${i}].features`), labels: at(pair?.labels, `shards[${i}].labels`) };
  });
  return {
    shards,
    weightFile: manifest.weight === undefined ? undefined : at(manifest.weight, 'weight'),
    biasFile: manifest.bias === undefined ? undefined : at(manifest.bias, 'bias'),
  };
}

/**
 * The files a pattern names, sorted: a plain path is itself (its absence is reported when it is
 * read), and `*`, `?` and `[...]` in the last path component match names in its folder.
 */
export function expandPattern(pattern: string, option: string): string[] {
  const name = basename(pattern);
  if (!/[*?[]/.test(name)) return [pattern];
  const folder = dirname(pattern);
  if (/[*?[]/.test(folder)) throw new AnalysisInputError(pattern, `${option}: wildcards are allowed in the file name only, not in the folder`);
  if (!existsSync(folder)) throw new AnalysisInputError(pattern, `${option}: folder ${folder} not found`);
  const matcher = globRegExp(name);
  const matches = readdirSync(folder)
    .filter((entry) => matcher.test(entry))
    .sort()
    .map((entry) => (folder === '.' && !pattern.startsWith('./') ? entry : join(folder, entry)));
  if (matches.length === 0) throw new AnalysisInputError(pattern, `${option}: no file matches this pattern`);
  return matches;
}

function globRegExp(name: string): RegExp {
  let source = '';
  for (let i = 0; i < name.length; i++) {
    const ch = name[i]!;
    if (ch === '*') source += '[^/]*';
    else if (ch === '?') source += '[^/]';
    else if (ch === '[') {
      const close = name.indexOf(']', i + 1);
      if (close < 0) source += '\\[';
      else {
        const body = name
          .slice(i + 1, close)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\');
        source += `[${body}]`;
        i = close;
      }
    } else source += ch.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}
