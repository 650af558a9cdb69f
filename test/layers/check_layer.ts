import assert from 'node:assert/strict';
import { numericalGradient } from '../../src/gradient/numerical_gradient.js';
import type { Param } from '../../src/layers/param.js';
import type { Random } from '../../src/tensor/random.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { maxAbsDiff, randomTensor } from '../helpers.js';

export interface CheckableLayer {
  readonly name: string;
  forward(x: Tensor, trainFlg?: boolean): Tensor;
  backward(dout: Tensor): Tensor;
  params(): readonly Param[];
}

export interface CheckOptions {
  trainFlg?: boolean;
  /** Runs before every forward pass, e.g. to replay Dropout's mask. */
  beforeForward?: () => void;
  tolerance?: number;
}

/**
 * Backward against central differences of L = Σ forward(x)·w for a random w, so that
 * backward(w) must equal ∂L/∂x and each Param's grad ∂L/∂value; float64, max abs diff.
 * Also: dout is left untouched and dx has the input's shape.
 */
export function checkLayerGradient(layer: CheckableLayer, x: Tensor, rng: Random, options: CheckOptions = {}): void {
  const { trainFlg = true, beforeForward = () => {}, tolerance = 1e-7 } = options;
  const forward = (): Tensor => {
    beforeForward();
    return layer.forward(x, trainFlg);
  };
  const out = forward();
  const weights = randomTensor([...out.shape], rng);
  const dout = weights.clone();
  const dx = layer.backward(dout).clone();
  assert.deepEqual(dout.data, weights.data, `${layer.name}.backward must not modify dout`);
  assert.deepEqual(dx.shape, x.shape, `${layer.name}: dx has the input's shape`);
  const grads = layer.params().map((p) => p.grad.clone());
  const f = (): number => {
    const y = forward();
    let s = 0;
    for (let i = 0; i < y.size; i++) s += y.data[i]! * weights.data[i]!;
    return s;
  };
  const numeric = numericalGradient(f, x);
  const diff = maxAbsDiff(dx.data, numeric.data);
  assert.ok(diff < tolerance, `${layer.name} dx: max diff ${diff}`);
  layer.params().forEach((p, k) => {
    const expected = numericalGradient(f, p.value);
    const d = maxAbsDiff(grads[k]!.data, expected.data);
    assert.ok(d < tolerance, `${layer.name} d${p.name}: max diff ${d}`);
  });
}
