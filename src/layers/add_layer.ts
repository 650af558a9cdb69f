import { add } from '../tensor/ops.js';
import { reduceTo, type Value } from './mul_layer.js';

/** out = x + y. Both local gradients are 1: dout passes through unchanged to each input. */
export class AddLayer<T extends Value = number> {
  private x: T | null = null;
  private y: T | null = null;

  forward(x: T, y: T): T {
    this.x = x;
    this.y = y;
    return (typeof x === 'number' && typeof y === 'number' ? x + y : add(x, y)) as T;
  }

  backward(dout: T): [T, T] {
    if (this.x === null || this.y === null) throw new Error('AddLayer: backward() called before forward()');
    return [reduceTo(dout, this.x) as T, reduceTo(dout, this.y) as T];
  }
}
