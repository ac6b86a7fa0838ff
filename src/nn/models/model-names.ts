/**
 * Every name createModel accepts, in a file of its own so that option checks can name the models
 * without loading them (and libtorch); registry.ts builds exactly these (its type says so).
 */
export const modelNames = ['mlp', 'vgg11', 'vgg13', 'vgg16', 'vgg19', 'resnet18', 'resnet34', 'resnet50', 'densenet121', 'ufm'] as const;

export type ModelName = (typeof modelNames)[number];
