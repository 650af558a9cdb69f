// Photo-like pictures of real MNIST digits, for testing that the preparation of a picture
// copes with what phone photos of handwriting look like: uneven light, sensor noise,
// ruled paper. The digit is drawn dark on light paper at 4× size, off-centre.

import { resize } from '../../src/data/digit_image.js';
import { Random } from '../../src/tensor/random.js';

export const PHOTO_SIZE = 160;

export type Condition = 'gradient' | 'noise' | 'ruled' | 'all';
export const CONDITIONS: Condition[] = ['gradient', 'noise', 'ruled', 'all'];

/** Luminance 0..1 of a PHOTO_SIZE² picture of `digit` (784 MNIST values, bright on black). */
export function photoOf(digit: Float64Array, condition: Condition, seed: number): Float64Array {
  const big = resize(digit, 28, 28, 112, 112);
  const rng = new Random(seed);
  const n = PHOTO_SIZE;
  const out = new Float64Array(n * n);
  const gradient = condition === 'gradient' || condition === 'all';
  const noise = condition === 'noise' || condition === 'all' ? 0.08 : 0;
  const ruled = condition === 'ruled' || condition === 'all';
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      // Light falling off from the top left to the bottom right, as under a desk lamp.
      let paper = gradient ? 0.95 - 0.45 * ((x + 0.6 * y) / (1.6 * n)) : 0.9;
      if (ruled && y % 20 >= 18) paper -= 0.3; // light ruled lines, 2 px wide
      const bx = x - 30;
      const by = y - 20;
      const ink = bx >= 0 && bx < 112 && by >= 0 && by < 112 ? big[by * 112 + bx]! : 0;
      const v = paper - ink * (paper - 0.1) + noise * rng.normal();
      out[y * n + x] = Math.min(1, Math.max(0, v));
    }
  }
  return out;
}
