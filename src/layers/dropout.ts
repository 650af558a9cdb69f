import { Random, type RandomState } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';
import { Workspace } from '../tensor/workspace.js';
import { requireForward, requireSameShape } from './check.js';
import type { Layer } from './layer.js';
import type { Param } from './param.js';

/** What a Dropout layer's generator needs to continue exactly where it stopped. */
export interface DropoutState {
  s: RandomState;
  spareNormal: number | null;
}

/**
 * The book's Dropout. In training each value is kept where a uniform draw exceeds
 * dropoutRatio (mask = rand > ratio) and zeroed elsewhere; at test time every value is
 * scaled by (1 − ratio), the fraction kept on average, instead. Backward passes dout
 * through the same mask (train) or the same scale (test), so only the mask is kept.
 * The draws come from the layer's own seeded generator, one per value in row-major
 * order, so a run is reproducible from the seed and resumable from `state()`.
 */
export class Dropout implements Layer {
  readonly name = 'Dropout';
  readonly dropoutRatio: number;
  readonly rng: Random;
  private mask: Tensor | null = null; // 1 where kept, 0 where dropped; null after a test-mode forward
  private forwarded = false;
  private readonly outBuffer = new Workspace();
  private readonly maskBuffer = new Workspace();
  private readonly dxBuffer = new Workspace();

  constructor(dropoutRatio = 0.5, rng: Random | number = new Random()) {
    if (!(dropoutRatio >= 0 && dropoutRatio < 1)) throw new RangeError(`Dropout: dropoutRatio must be in [0, 1), got ${dropoutRatio}`);
    this.dropoutRatio = dropoutRatio;
    this.rng = typeof rng === 'number' ? new Random(rng) : rng;
  }

  forward(x: Tensor, trainFlg = true): Tensor {
    const out = this.outBuffer.get(x.shape, x.dtype);
    const xs = x.data;
    const ys = out.data;
    this.forwarded = true;
    if (!trainFlg) {
      const keep = 1.0 - this.dropoutRatio;
      for (let i = 0; i < xs.length; i++) ys[i] = xs[i]! * keep;
      this.mask = null;
      return out;
    }
    const mask = this.maskBuffer.get(x.shape, x.dtype);
    const m = mask.data;
    for (let i = 0; i < xs.length; i++) {
      m[i] = this.rng.uniform() > this.dropoutRatio ? 1 : 0;
      ys[i] = xs[i]! * m[i]!;
    }
    this.mask = mask;
    return out;
  }

  backward(dout: Tensor): Tensor {
    requireForward(this.name, this.forwarded ? true : null);
    const dx = this.dxBuffer.get(dout.shape, dout.dtype);
    const d = dout.data;
    const g = dx.data;
    if (this.mask === null) {
      const keep = 1.0 - this.dropoutRatio;
      for (let i = 0; i < d.length; i++) g[i] = d[i]! * keep;
      return dx;
    }
    requireSameShape(this.name, 'dout', dout, this.mask, 'the forward output');
    const m = this.mask.data;
    for (let i = 0; i < d.length; i++) g[i] = d[i]! * m[i]!;
    return dx;
  }

  params(): readonly Param[] {
    return [];
  }

  /** The generator's state: restoring it with loadState() replays the same masks. */
  state(): DropoutState {
    return this.rng.getState();
  }

  loadState(state: DropoutState): void {
    this.rng.setState(state);
  }
}
