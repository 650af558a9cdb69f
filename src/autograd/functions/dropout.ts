import { Random } from '../../tensor/random.js';
import { Tensor } from '../../tensor/tensor.js';
import { Function, type Variable, type VariableLike } from '../core.js';
import { mul } from './mul.js';
import { outputTensor } from './arena.js';

/**
 * The book's dropout in training: each value is kept where a uniform draw exceeds ratio
 * (one draw per value, row-major, from rng) and zeroed elsewhere; gy passes through the
 * same mask, a constant. These are exactly the Dropout layer's masks for the same generator.
 */
export class Dropout extends Function {
  readonly name = 'Dropout';
  private mask: Tensor | null = null;

  constructor(readonly ratio: number, readonly rng: Random) {
    super();
  }

  forward(x: Tensor): Tensor {
    const mask = outputTensor(x.shape, x.dtype);
    const y = outputTensor(x.shape, x.dtype);
    for (let i = 0; i < x.size; i++) {
      const keep = this.rng.uniform() > this.ratio ? 1 : 0;
      mask.data[i] = keep;
      y.data[i] = x.data[i]! * keep;
    }
    this.mask = mask;
    return y;
  }

  backward(gy: Variable): Variable[] {
    return [mul(gy, this.mask!)];
  }
}

/**
 * Dropout with the book's (and nabla's Dropout layer's) convention rather than DeZero's
 * inverted one: trainFlg true drops values (see Dropout); trainFlg false keeps every value
 * scaled by 1 − ratio, the fraction kept on average. The mode is an argument, as the
 * layers' train_flg is, not a global setting (DeZero's Config.train).
 */
export function dropout(x: VariableLike, ratio: number, rng: Random, trainFlg = true): Variable {
  if (typeof ratio !== 'number' || !(ratio >= 0 && ratio < 1)) throw new RangeError(`dropout: ratio must be in [0, 1), got ${String(ratio)}`);
  if (!(rng instanceof Random)) throw new TypeError('dropout: rng must be a Random');
  return trainFlg ? new Dropout(ratio, rng).call(x) : mul(x, 1 - ratio);
}
