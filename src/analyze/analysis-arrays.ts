import { basename, extname } from 'node:path';
import { readNpy } from '../io/npy.js';
import { npzArrayNames, readNpz } from '../io/npz.js';
import { load } from '../train/training-state.js';
import { dispose } from '../torch/index.js';
import { NcollapseError } from '../errors.js';

/** One array read from a file, with where it came from (for messages). */
export interface SourceArray {
  file: string;
  /** The array's name inside the file (.npz / .safetensors), or its role for a .npy file. */
  name: string;
  dtype: string;
  shape: number[];
  data: ArrayLike<number | bigint>;
}

export interface AnalysisArrays {
  features: SourceArray;
  labels: SourceArray;
  weight?: SourceArray;
  bias?: SourceArray;
}

/** An input file problem: the message names the file and the array. */
export class AnalysisInputError extends NcollapseError {
  constructor(where: { file: string; name: string } | string, problem: string) {
    super(typeof where === 'string' ? `${where}: ${problem}` : `${where.file}, array '${where.name}': ${problem}`);
  }
}

export interface ArrayNames {
  features: string;
  labels: string;
  weight: string;
  bias: string;
  /** The weight was named on the command line: its absence is an error, not "no classifier". */
  weightRequired?: boolean;
}

/** The arrays of one .npz or .safetensors archive. */
export function readArchive(file: string, names: ArrayNames): AnalysisArrays {
  const { arrays, available } = readArrays(file, [names.features, names.labels, names.weight, names.bias]);
  const take = (name: string, required: boolean): SourceArray | undefined => {
    const array = arrays.get(name);
    if (array === undefined && required) {
      throw new AnalysisInputError(file, `no array '${name}'; the file has ${available.map((k) => `'${k}'`).join(', ') || 'no arrays'}`);
    }
    return array;
  };
  return {
    features: take(names.features, true)!,
    labels: take(names.labels, true)!,
    weight: take(names.weight, names.weightRequired ?? false),
    bias: take(names.bias, false),
  };
}

/** Four separate .npy files (weight and bias optional). */
export function readNpyFiles(files: { features: string; labels: string; weight?: string; bias?: string }): AnalysisArrays {
  const read = (file: string | undefined, role: string): SourceArray | undefined => {
    if (file === undefined) return undefined;
    const array = readNpy(file);
    return { file, name: role, dtype: array.dtype, shape: array.shape, data: array.data };
  };
  return {
    features: read(files.features, 'features')!,
    labels: read(files.labels, 'labels')!,
    weight: read(files.weight, 'weight'),
    bias: read(files.bias, 'bias'),
  };
}

/**
 * The arrays among `wanted` that the file holds (an .npz inflates only those; 'all': every array),
 * and the names of all its arrays, in the file's order.
 */
export function readArrays(file: string, wanted: string[] | 'all'): { arrays: Map<string, SourceArray>; available: string[] } {
  const extension = extname(file).toLowerCase();
  if (extension === '.npz') {
    const available = npzArrayNames(file);
    const only = wanted === 'all' ? available : wanted.filter((name) => available.includes(name));
    const arrays = new Map(
      [...readNpz(file, { only })].map(([name, array]) => [name, { file, name, dtype: array.dtype, shape: array.shape, data: array.data }]),
    );
    return { arrays, available };
  }
  if (extension === '.safetensors') {
    // The checked loader: a checkpoint given as features/weights is checked like any other load of it.
    const { tensors } = load(file);
    try {
      return {
        arrays: new Map([...tensors].map(([name, t]) => [name, { file, name, dtype: t.dtype, shape: t.shape, data: t.data() }])),
        available: [...tensors.keys()],
      };
    } finally {
      dispose([...tensors.values()]);
    }
  }
  throw new AnalysisInputError(file, `expected an .npz or .safetensors file (or --features-file with .npy files), got '${basename(file)}'`);
}
