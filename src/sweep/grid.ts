import { parse as parseYaml, YAMLParseError } from 'yaml';
import { z } from 'zod';

import { InputFileError } from '../errors.js';
import { readBoundedText } from '../io/bounded-read.js';
import { GridFileError } from './grid-file-error.js';

/** A grid file is a few lines of YAML; 1 MiB is far past any real one. */
const MAX_GRID_FILE_BYTES = 1024 * 1024;
/** The most values one logspace(a, b, n) axis may have (more cannot be a sweep anyone runs). */
export const MAX_LOGSPACE_COUNT = 10_000;
/** The most runs `sweep plan` writes unless --max-runs says more: each run is a folder and a training. */
export const DEFAULT_MAX_RUNS = 10_000;
import { gridKeys, normaliseKey, optionArgs, parseTrainArgs, type GridValue } from './grid-options.js';

/**
 * A grid file: `axes` over any `train` option (every combination is one run) and `fixed`
 * options shared by all runs. Keys are the train command's long options without the dashes
 * (`batch-size`, or `batchSize`); a switch such as `--no-layers` is `layers: false`.
 *
 *   name: small
 *   fixed: { dataset: fashion-mnist, model: mlp, epochs: 8 }
 *   axes:
 *     lr: logspace(-2.5, -0.5, 4)   # 10^-2.5 ... 10^-0.5, 4 values, as numpy.logspace
 *     seed: [0, 1]
 */

const scalar = z.union([z.string(), z.number(), z.boolean()]);
const value = z.union([scalar, z.array(z.number())]);
const LOGSPACE = /^\s*logspace\(\s*([^,()]+?)\s*,\s*([^,()]+?)\s*,\s*([^,()]+?)\s*\)\s*$/;

const axisSchema = z.union([
  z.array(value).min(1, 'an axis needs at least one value'),
  z.string().regex(LOGSPACE, "expected a list of values or 'logspace(a, b, n)'"),
]);

export const GridFileSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, ".", "_" and "-" only')
    .optional(),
  description: z.string().optional(),
  fixed: z.record(z.string(), value).default({}),
  axes: z.record(z.string(), axisSchema).refine((axes) => Object.keys(axes).length > 0, 'a grid needs at least one axis'),
});

export interface Grid {
  file: string;
  name: string;
  description: string | null;
  fixed: Record<string, GridValue>;
  /** In the order of the file: the first axis varies slowest. */
  axes: { name: string; values: GridValue[] }[];
}

/** numpy.logspace(a, b, n): n values from 10^a to 10^b, evenly spaced in exponent; 6 significant digits. */
export function logspace(start: number, stop: number, count: number): number[] {
  if (count === 1) return [Number((10 ** start).toPrecision(6))];
  return Array.from({ length: count }, (_, i) => Number((10 ** (start + ((stop - start) * i) / (count - 1))).toPrecision(6)));
}

function expandAxis(file: string, key: string, axis: string | GridValue[]): GridValue[] {
  if (Array.isArray(axis)) return axis;
  const [, a, b, n] = LOGSPACE.exec(axis)!;
  const [start, stop, count] = [Number(a), Number(b), Number(n)];
  if (!Number.isFinite(start) || !Number.isFinite(stop) || !Number.isInteger(count) || count < 1) {
    throw new GridFileError(file, `axes.${key}: logspace(a, b, n) needs numbers a and b and a whole number n >= 1, got '${axis}'`);
  }
  if (count > MAX_LOGSPACE_COUNT)
    throw new GridFileError(file, `axes.${key}: logspace(a, b, n) with n = ${count}; at most ${MAX_LOGSPACE_COUNT} values per axis`);
  return logspace(start, stop, count);
}

/** Checks one option's value with the option table's check (names included), so the message names the file and the key. */
function checkValue(file: string, where: string, name: string, value: GridValue): void {
  const words = optionArgs(name, value);
  if (!Array.isArray(words)) throw new GridFileError(file, `${where}: ${words.problem}`);
  try {
    parseTrainArgs(words);
  } catch (error) {
    throw new GridFileError(file, `${where}: ${(error as Error).message}`);
  }
}

/** Parses and checks the text of a grid file; every message names the file and the key. */
export function parseGrid(text: string, file: string): Grid {
  let json: unknown;
  try {
    json = parseYaml(text);
  } catch (error) {
    const line = error instanceof YAMLParseError && error.linePos ? ` (line ${error.linePos[0].line})` : '';
    throw new GridFileError(file, `not valid YAML${line}: ${(error as Error).message.split('\n')[0]}`);
  }
  const parsed = GridFileSchema.safeParse(json ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = issue.path.join('.') || '(top level)';
    const message =
      issue.code === 'unrecognized_keys'
        ? `unknown key(s) ${issue.keys.map((k) => `'${k}'`).join(', ')}; expected name, description, fixed, axes`
        : issue.message;
    throw new GridFileError(file, `${key}: ${message}`);
  }
  const fixed: Record<string, GridValue> = {};
  for (const [key, value] of Object.entries(parsed.data.fixed)) {
    const name = normaliseKey(key);
    checkValue(file, `fixed.${key}`, name, value);
    fixed[name] = value;
  }
  const axes: Grid['axes'] = [];
  for (const [key, axis] of Object.entries(parsed.data.axes)) {
    const name = normaliseKey(key);
    const unknown = optionArgs(name, true);
    if (!Array.isArray(unknown) && !gridKeys().includes(name)) throw new GridFileError(file, `axes.${key}: ${unknown.problem}`);
    if (name in fixed) throw new GridFileError(file, `axes.${key}: '${name}' is also in fixed; set it in one place`);
    if (axes.some((a) => a.name === name)) throw new GridFileError(file, `axes.${key}: '${name}' is given twice`);
    const values = expandAxis(file, key, axis);
    const seen = new Set<string>();
    for (const value of values) {
      if (seen.has(JSON.stringify(value)))
        throw new GridFileError(file, `axes.${key}: ${JSON.stringify(value)} is given twice (every row must be a different run)`);
      seen.add(JSON.stringify(value));
    }
    values.forEach((value, i) => checkValue(file, `axes.${key}[${i}]`, name, value));
    axes.push({ name, values });
  }
  const baseName = file
    .split('/')
    .pop()!
    .replace(/\.ya?ml$/i, '');
  return { file, name: parsed.data.name ?? baseName, description: parsed.data.description ?? null, fixed, axes };
}

export function readGrid(file: string): Grid {
  let text: string;
  try {
    text = readBoundedText(file, MAX_GRID_FILE_BYTES, 'grid file');
  } catch (error) {
    if (error instanceof InputFileError) throw new GridFileError(file, error.message.slice(file.length + 2), { cause: error });
    throw error;
  }
  return parseGrid(text, file);
}

/** How many runs the grid has: the product of its axes' lengths. */
export function gridSize(grid: Grid): number {
  return grid.axes.reduce((size, axis) => size * axis.values.length, 1);
}

/**
 * Refuses a grid of more than `maxRuns` runs before any is expanded: each run becomes a folder and a
 * training, so a typo in an axis must not plan 100,000 of them silently.
 */
export function checkGridSize(grid: Grid, maxRuns: number): void {
  const size = gridSize(grid);
  if (size > maxRuns) {
    const axes = grid.axes.map((axis) => `${axis.name}: ${axis.values.length}`).join(' x ');
    throw new GridFileError(
      grid.file,
      `the grid has ${size} runs (${axes}), more than the ${maxRuns} allowed; pass --max-runs ${size} to 'sweep plan' if you mean it`,
    );
  }
}

/** Every combination of the axes' values, the first axis varying slowest. */
export function gridPoints(grid: Grid): Record<string, GridValue>[] {
  let points: Record<string, GridValue>[] = [{}];
  for (const axis of grid.axes) points = points.flatMap((point) => axis.values.map((value) => ({ ...point, [axis.name]: value })));
  return points;
}
