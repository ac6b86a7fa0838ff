import { type ClassifierModel, scaledChannels } from './classifier.js';
import { DenseNet } from './densenet.js';
import { MLP } from './mlp.js';
import { ResNet } from './resnet.js';
import { UnconstrainedFeatures } from './ufm.js';
import { VGG } from './vgg.js';
import { ModelOptionsError } from './model-options-error.js';
import { modelNames, type ModelName } from './model-names.js';

export { modelNames, type ModelName };

export interface ModelOptions {
  /** [channels, height, width] of one input image (1 or 3 channels, 28 to 32 px in the paper). */
  inputShape: [number, number, number];
  numClasses: number;
  /**
   * Width multiplier (default 1), for every model: conv nets scale their channels (at least 1 each),
   * the MLP its 512 hidden units. Small values keep CPU runs feasible.
   */
  width?: number;
  /** MLP hidden layers (default 3). */
  depth?: number;
  /** MLP: BatchNorm1d after each hidden Linear (default true). */
  batchNorm?: boolean;
  /** UFM: N, the number of training samples (one free feature vector each). Required for ufm. */
  numSamples?: number;
  /** UFM: p (default 512). */
  featureDim?: number;
}

const BUILDERS = {
  mlp: (o: ModelOptions) =>
    new MLP({
      inputDim: o.inputShape[0] * o.inputShape[1] * o.inputShape[2],
      numClasses: o.numClasses,
      width: scaledChannels(512, o.width ?? 1),
      depth: o.depth,
      batchNorm: o.batchNorm,
    }),
  vgg11: (o: ModelOptions) => new VGG({ config: 'vgg11', inputShape: o.inputShape, numClasses: o.numClasses, width: o.width }),
  vgg13: (o: ModelOptions) => new VGG({ config: 'vgg13', inputShape: o.inputShape, numClasses: o.numClasses, width: o.width }),
  vgg16: (o: ModelOptions) => new VGG({ config: 'vgg16', inputShape: o.inputShape, numClasses: o.numClasses, width: o.width }),
  vgg19: (o: ModelOptions) => new VGG({ config: 'vgg19', inputShape: o.inputShape, numClasses: o.numClasses, width: o.width }),
  resnet18: (o: ModelOptions) => new ResNet({ config: 'resnet18', inChannels: o.inputShape[0], numClasses: o.numClasses, width: o.width }),
  resnet34: (o: ModelOptions) => new ResNet({ config: 'resnet34', inChannels: o.inputShape[0], numClasses: o.numClasses, width: o.width }),
  resnet50: (o: ModelOptions) => new ResNet({ config: 'resnet50', inChannels: o.inputShape[0], numClasses: o.numClasses, width: o.width }),
  densenet121: (o: ModelOptions) => new DenseNet({ inChannels: o.inputShape[0], numClasses: o.numClasses, width: o.width }),
  ufm: (o: ModelOptions) => {
    if (o.numSamples === undefined) throw new ModelOptionsError("createModel('ufm'): numSamples (the number of training samples) is required");
    return new UnconstrainedFeatures({ numSamples: o.numSamples, featureDim: o.featureDim ?? 512, numClasses: o.numClasses });
  },
} satisfies Record<ModelName, (options: ModelOptions) => ClassifierModel>;

function checkOptions(name: string, options: ModelOptions): void {
  const shape = options.inputShape;
  if (!Array.isArray(shape) || shape.length !== 3 || shape.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new ModelOptionsError(`createModel('${name}'): inputShape must be [channels, height, width] of positive integers, got ${JSON.stringify(shape)}`);
  }
  if (!Number.isInteger(options.numClasses) || options.numClasses < 1) {
    throw new ModelOptionsError(`createModel('${name}'): numClasses must be a positive integer, got ${options.numClasses}`);
  }
  if (options.width !== undefined && !(options.width > 0 && Number.isFinite(options.width))) {
    throw new ModelOptionsError(`createModel('${name}'): width must be a positive number, got ${options.width}`);
  }
}

/** Builds a freshly initialised model by name (PyTorch's initialisation; seed with manualSeed first). */
export function createModel(name: string, options: ModelOptions): ClassifierModel {
  if (!Object.hasOwn(BUILDERS, name)) {
    throw new ModelOptionsError(`unknown model '${name}'; valid models: ${modelNames.join(', ')}`);
  }
  checkOptions(name, options);
  return BUILDERS[name as ModelName](options);
}
