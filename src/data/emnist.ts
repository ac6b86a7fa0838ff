import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DatasetError } from './dataset-error.js';
import type { ImageSplit } from './dataset.js';
import { findDataFile, gzOrRaw, readLines } from '../io/files.js';
import { readIdxSplit } from './idx-split.js';

/**
 * EMNIST in IDX form (the "gzip" archive of the dataset): for a split S, the files
 * `emnist-S-train-images-idx3-ubyte.gz`, `emnist-S-train-labels-idx1-ubyte.gz`,
 * `emnist-S-test-images-idx3-ubyte.gz`, `emnist-S-test-labels-idx1-ubyte.gz` and
 * `emnist-S-mapping.txt` (label, then the ASCII code(s) it stands for).
 * EMNIST images are stored transposed relative to MNIST; we transpose them back so characters are
 * upright. The letters split labels 1..26; we shift it to 0..25.
 */
export const emnistSplits = ['balanced', 'byclass', 'bymerge', 'digits', 'letters', 'mnist'] as const;
export type EmnistSplit = (typeof emnistSplits)[number];

const DIGITS = '0123456789'.split('');
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'.split('');
const LOWER = 'abcdefghijklmnopqrstuvwxyz'.split('');
/** Balanced and bymerge merge the lowercase letters that look like their capitals. */
const MERGED = [...DIGITS, ...UPPER, ...'abdefghnqrt'.split('')];

export const EMNIST_CLASS_NAMES: Record<EmnistSplit, string[]> = {
  balanced: MERGED,
  bymerge: MERGED,
  byclass: [...DIGITS, ...UPPER, ...LOWER],
  digits: DIGITS,
  mnist: DIGITS,
  letters: UPPER.map((upper, i) => `${upper}/${LOWER[i]}`),
};

export function emnistFileNames(split: EmnistSplit): { trainImages: string; trainLabels: string; testImages: string; testLabels: string; mapping: string } {
  const prefix = `emnist-${split}`;
  return {
    trainImages: `${prefix}-train-images-idx3-ubyte`,
    trainLabels: `${prefix}-train-labels-idx1-ubyte`,
    testImages: `${prefix}-test-images-idx3-ubyte`,
    testLabels: `${prefix}-test-labels-idx1-ubyte`,
    mapping: `${prefix}-mapping.txt`,
  };
}

export interface EmnistData {
  train: ImageSplit;
  test: ImageSplit;
  numClasses: number;
  classNames: string[];
  sources: string[];
}

/** Reads one EMNIST split from `folder` (files gzipped or not). */
export function readEmnist(folder: string, split: EmnistSplit): EmnistData {
  if (!emnistSplits.includes(split)) {
    throw new DatasetError('emnist', `unknown split "${split}", expected one of ${emnistSplits.join(', ')}`);
  }
  const names = emnistFileNames(split);
  const find = (name: string) => findDataFile([folder], gzOrRaw(name), `EMNIST ${split} expects ${Object.values(names).slice(0, 4).join('(.gz), ')}(.gz)`);
  const paths = {
    trainImages: find(names.trainImages),
    trainLabels: find(names.trainLabels),
    testImages: find(names.testImages),
    testLabels: find(names.testLabels),
  };
  const labelOffset = split === 'letters' ? -1 : 0;
  const train = readIdxSplit(paths.trainImages, paths.trainLabels, { transpose: true, labelOffset });
  const test = readIdxSplit(paths.testImages, paths.testLabels, { transpose: true, labelOffset });
  const mappingPath = join(folder, names.mapping);
  const classNames = existsSync(mappingPath) ? readEmnistMapping(mappingPath, labelOffset) : [...EMNIST_CLASS_NAMES[split]];
  return { train, test, numClasses: classNames.length, classNames, sources: Object.values(paths) };
}

/** Parses `emnist-S-mapping.txt`: lines "label code [code]" give the class names. */
export function readEmnistMapping(path: string, labelOffset: number): string[] {
  const names: string[] = [];
  for (const line of readLines(path)) {
    const fields = line.split(/\s+/).map(Number);
    const label = fields[0]! + labelOffset;
    if (fields.length < 2 || fields.some((value) => !Number.isInteger(value)) || label !== names.length) {
      throw new DatasetError(path, `line "${line}" out of place, expected "${names.length - labelOffset} <ascii code> [<ascii code>]"`);
    }
    names.push(
      fields
        .slice(1)
        .map((code) => String.fromCharCode(code))
        .join('/'),
    );
  }
  return names;
}
