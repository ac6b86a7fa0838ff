/**
 * maxangle_means / maxangle_classifier: the mean over pairs of |cos + 1/(C-1)|, the distance of
 * each angle from the simplex's arccos(-1/(C-1)), the largest angle C vectors can all share.
 */
export function maxangle(pairCosines: ArrayLike<number>, numClasses: number): number {
  const target = 1 / (numClasses - 1);
  let sum = 0;
  for (let i = 0; i < pairCosines.length; i++) sum += Math.abs(pairCosines[i]! + target);
  return sum / pairCosines.length;
}
