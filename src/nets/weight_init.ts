/**
 * The book's weight_init_std: a fixed standard deviation, or a name that scales it by the
 * previous layer's width n: 'he'/'relu' → √(2/n) (for ReLU), 'xavier'/'sigmoid' → √(1/n)
 * (for sigmoid and tanh). Names are read case-insensitively, as the book does.
 */
export type WeightInit = number | 'he' | 'relu' | 'xavier' | 'sigmoid';

export const WEIGHT_INIT_NAMES: readonly string[] = ['he', 'relu', 'xavier', 'sigmoid'];

/** The standard deviation of the weights of a layer whose input has nPrev values. */
export function weightInitScale(init: WeightInit, nPrev: number): number {
  if (!Number.isInteger(nPrev) || nPrev < 1) throw new RangeError(`weightInitScale: nPrev must be a positive integer, got ${nPrev}`);
  if (typeof init === 'number') {
    if (!Number.isFinite(init) || init < 0) throw new RangeError(`weightInitScale: a weight init std must be a finite number ≥ 0, got ${init}`);
    return init;
  }
  switch (typeof init === 'string' ? init.toLowerCase() : init) {
    case 'he':
    case 'relu':
      return Math.sqrt(2.0 / nPrev);
    case 'xavier':
    case 'sigmoid':
      return Math.sqrt(1.0 / nPrev);
    default:
      throw new RangeError(`weightInitScale: unknown weight init '${String(init)}' (expected a number or one of ${WEIGHT_INIT_NAMES.join(', ')})`);
  }
}
