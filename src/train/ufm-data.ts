/** The labels of the unconstrained-features model: C balanced classes, no images (features are parameters). */
export interface UfmData {
  labels: Int32Array;
  numClasses: number;
  classNames: string[];
}

export function ufmLabels(options: { perClass: number; numClasses: number }): UfmData {
  const { perClass, numClasses } = options;
  const labels = new Int32Array(perClass * numClasses);
  for (let i = 0; i < labels.length; i++) labels[i] = i % numClasses;
  return { labels, numClasses, classNames: Array.from({ length: numClasses }, (_, c) => `class ${c}`) };
}
