import { Tensor } from '../tensor/tensor.js';

export const NUMERICAL_H = 1e-4;

/**
 * ∂f/∂x by central difference, (f(x+h) − f(x−h)) / 2h, one entry of x at a time.
 * f reads x itself (it closes over it); every entry is restored after it is nudged,
 * even when f throws.
 */
export function numericalGradient(f: () => number, x: Tensor, h = NUMERICAL_H): Tensor {
  const grad = Tensor.zeros(x.shape, x.dtype);
  for (let i = 0; i < x.size; i++) {
    const original = x.data[i]!;
    try {
      x.data[i] = original + h;
      const fPlus = f();
      x.data[i] = original - h;
      const fMinus = f();
      grad.data[i] = (fPlus - fMinus) / (2 * h);
    } finally {
      x.data[i] = original;
    }
  }
  return grad;
}
