import { DatasetError, UsageError } from '../errors.js';
import type { ImageSplit } from './dataset.js';
import { createRandom, shuffleInPlace } from './random.js';
import { selectExamples } from './transforms.js';

/**
 * Class imbalance on top of n_A examples per class (Fang, He, Long & Su 2021):
 *   step:R     the last floor(C/2) classes are minority, with n_A / R examples each (their K_A = K_B)
 *   step:R:K   the last K classes are minority
 *   exp:R      long-tailed: class c keeps n_A R^(-c/(C-1)); the last floor(C/2) classes are named minority
 * Counts are rounded to the nearest whole number, and never below 1.
 */
export type ImbalanceSpec = { kind: 'step'; ratio: number; minorityCount?: number } | { kind: 'exp'; ratio: number };

/** The --imbalance text as a spec; `option` names the option in the error. */
export function parseImbalance(text: string, option = '--imbalance'): ImbalanceSpec {
  const fail = (problem: string): never => {
    throw new UsageError(`${option} '${text}': ${problem}; expected step:R, step:R:K or exp:R (R >= 1, K a whole number of classes)`);
  };
  const parts = text.trim().split(':');
  const kind = parts[0];
  if (kind !== 'step' && kind !== 'exp') fail(`unknown kind '${kind}'`);
  if (parts.length < 2 || parts.length > (kind === 'step' ? 3 : 2)) fail('wrong number of fields');
  const ratio = Number(parts[1]);
  if (parts[1] === '' || !Number.isFinite(ratio) || ratio < 1) fail(`the ratio R must be a number >= 1, got '${parts[1]}'`);
  if (kind === 'exp') return { kind, ratio };
  if (parts.length === 2) return { kind: 'step', ratio };
  const minorityCount = Number(parts[2]);
  if (!Number.isInteger(minorityCount) || minorityCount < 1) fail(`K must be a whole number >= 1, got '${parts[2]}'`);
  return { kind: 'step', ratio, minorityCount };
}

/** The spec back as text (config.json and sweep names). */
export function formatImbalance(spec: ImbalanceSpec): string {
  return spec.kind === 'step' && spec.minorityCount !== undefined ? `step:${spec.ratio}:${spec.minorityCount}` : `${spec.kind}:${spec.ratio}`;
}

export interface ClassImbalance {
  /** Examples kept of each class, by class index. */
  counts: number[];
  /** The minority classes, ascending. */
  minority: number[];
}

/** The per-class counts and minority classes of `spec` for C classes of n_A examples. */
export function imbalancedCounts(spec: ImbalanceSpec, majorityCount: number, numClasses: number): ClassImbalance {
  if (!Number.isInteger(majorityCount) || majorityCount < 1) throw new RangeError(`imbalance: n_A must be a whole number >= 1, got ${majorityCount}`);
  if (numClasses < 2) throw new UsageError(`--imbalance needs at least 2 classes, the data has ${numClasses}`);
  const keep = (fraction: number) => Math.max(1, Math.round(majorityCount * fraction));
  const minorityCount = spec.kind === 'step' && spec.minorityCount !== undefined ? spec.minorityCount : Math.floor(numClasses / 2);
  if (minorityCount >= numClasses)
    throw new UsageError(`--imbalance ${formatImbalance(spec)}: K = ${minorityCount} minority classes leaves no majority class among ${numClasses}`);
  const minority = Array.from({ length: minorityCount }, (_, i) => numClasses - minorityCount + i);
  const counts = Array.from({ length: numClasses }, (_, c) => {
    if (spec.kind === 'exp') return keep(spec.ratio ** (-c / (numClasses - 1)));
    return c >= numClasses - minorityCount ? keep(1 / spec.ratio) : majorityCount;
  });
  return { counts, minority };
}

/**
 * counts[c] examples of each class c, drawn at random from `seed` (one stream, classes in order),
 * kept in file order. `source` names the data when a class has too few examples.
 */
export function classCountSubset(split: ImageSplit, counts: readonly number[], seed: number, source = 'training split'): ImageSplit {
  const byClass: number[][] = counts.map(() => []);
  for (let i = 0; i < split.count; i++) {
    const label = split.labels[i]!;
    if (label < 0 || label >= counts.length) throw new DatasetError(source, `example ${i} has label ${label}, outside 0..${counts.length - 1}`);
    byClass[label]!.push(i);
  }
  const random = createRandom(seed);
  const chosen: number[] = [];
  byClass.forEach((indices, label) => {
    const count = counts[label]!;
    if (indices.length < count) throw new DatasetError(source, `class ${label} has ${indices.length} examples, fewer than the ${count} the imbalance asks for`);
    chosen.push(...shuffleInPlace([...indices], random).slice(0, count));
  });
  chosen.sort((a, b) => a - b);
  return selectExamples(split, chosen);
}

/** The fewest examples of any class: n_A when no --per-class says it. */
export function smallestClassCount(split: ImageSplit, numClasses: number): number {
  const counts = new Array<number>(numClasses).fill(0);
  for (const label of split.labels) counts[label]!++;
  return Math.min(...counts);
}
