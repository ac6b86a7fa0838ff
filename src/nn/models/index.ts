/** Classifiers for neural-collapse experiments, built by name through createModel. */
export { type ClassifierModel, scaledChannels } from './classifier.js';
export { tapFeatures, type FeatureTap } from './feature-tap.js';
export { createModel, modelNames, type ModelName, type ModelOptions } from './registry.js';
export { MLP, type MLPOptions } from './mlp.js';
export { VGG, VGG_CONFIGS, type VGGName, type VGGOptions } from './vgg.js';
export { ResNet, BasicBlock, Bottleneck, RESNET_CONFIGS, type ResNetName, type ResNetOptions } from './resnet.js';
export { DenseNet, DenseBlock, DenseLayer, type DenseNetOptions } from './densenet.js';
export { UnconstrainedFeatures, type UnconstrainedFeaturesOptions } from './ufm.js';
