import { formatShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { Workspace } from '../tensor/workspace.js';
import { requireForward } from './check.js';
import type { Layer } from './layer.js';
import type { Param } from './param.js';

/** The book's 10e-7 (= 1e-6), added to the variance before the square root. */
const EPS = 10e-7;

/**
 * The book's BatchNormalization over a batch x: [N, D] (any other rank is read as
 * [N, −1], as the book reshapes 4-d input):
 *   train: μ = mean(x), σ² = mean((x − μ)²), xn = (x − μ)/√(σ² + ε), out = γ·xn + β,
 *          and the running statistics move towards μ and σ² by (1 − momentum);
 *   test:  xn = (x − runningMean)/√(runningVar + ε), out = γ·xn + β.
 * Backward is the book's chain through xc, std, var and μ, written per column with
 * xc = xn·std, so only xn [N, D] and std [D] are kept:
 *   dβ = Σ dout, dγ = Σ xn·dout, dxn = γ·dout,
 *   train: dxc = (dxn − xn·Σ(dxn·xn)/N)/std, dx = dxc − Σ dxc/N;
 *   test:  dx = dxn/std (the running statistics are constants).
 */
export class BatchNormalization implements Layer {
  readonly name = 'BatchNormalization';
  readonly gamma: Tensor; // [D]
  readonly beta: Tensor; // [D]
  readonly dgamma: Tensor;
  readonly dbeta: Tensor;
  readonly momentum: number;
  readonly runningMean: Tensor; // [D], saved with the model but not learned
  readonly runningVar: Tensor; // [D]
  private xn: Tensor | null = null; // [N, D]
  private trained = false; // whether the last forward normalised by batch statistics
  private inputShape: readonly number[] = [];
  private readonly std: Float64Array; // [D]
  // Per-column sums, reused: [D] each.
  private readonly colA: Float64Array;
  private readonly colB: Float64Array;
  private readonly outBuffer = new Workspace();
  private readonly xnBuffer = new Workspace();
  private readonly dxBuffer = new Workspace();

  constructor(gamma: Tensor, beta: Tensor, momentum = 0.9, runningMean?: Tensor, runningVar?: Tensor) {
    if (gamma.rank !== 1) throw new RangeError(`BatchNormalization: gamma must be 1-d [D], got ${formatShape(gamma.shape)}`);
    const D = gamma.size;
    const check = (what: string, t: Tensor): void => {
      if (t.rank !== 1 || t.size !== D) throw new RangeError(`BatchNormalization: ${what} has shape ${formatShape(t.shape)} but gamma needs [${D}]`);
      if (t.dtype !== gamma.dtype) throw new TypeError(`BatchNormalization: ${what} is ${t.dtype} but gamma is ${gamma.dtype}`);
    };
    check('beta', beta);
    if (!(momentum >= 0 && momentum <= 1)) throw new RangeError(`BatchNormalization: momentum must be in [0, 1], got ${momentum}`);
    if (runningMean) check('runningMean', runningMean);
    if (runningVar) check('runningVar', runningVar);
    this.gamma = gamma;
    this.beta = beta;
    this.momentum = momentum;
    // The book creates them as zeros on the first forward; D is already known from gamma.
    this.runningMean = runningMean ?? Tensor.zeros([D], gamma.dtype, 'backend');
    this.runningVar = runningVar ?? Tensor.zeros([D], gamma.dtype, 'backend');
    this.dgamma = Tensor.zeros([D], gamma.dtype, 'backend');
    this.dbeta = Tensor.zeros([D], gamma.dtype, 'backend');
    this.std = new Float64Array(D);
    this.colA = new Float64Array(D);
    this.colB = new Float64Array(D);
  }

  forward(x: Tensor, trainFlg = true): Tensor {
    const D = this.gamma.size;
    const N = x.rank === 0 ? 0 : x.shape[0]!;
    if (N === 0 || x.size !== N * D) throw new RangeError(`BatchNormalization: input ${formatShape(x.shape)} does not match gamma [${D}] (expected [batch, ${D}] or [batch, ...] with ${D} values per row)`);
    if (x.dtype !== this.gamma.dtype) throw new TypeError(`BatchNormalization: input is ${x.dtype} but gamma is ${this.gamma.dtype}`);
    const xs = x.data;
    const xn = this.xnBuffer.get([N, D], x.dtype);
    const n = xn.data;
    const std = this.std;
    if (trainFlg) {
      const mu = this.colA.fill(0);
      const v = this.colB.fill(0);
      for (let i = 0; i < N; i++) for (let j = 0; j < D; j++) mu[j]! += xs[i * D + j]!;
      for (let j = 0; j < D; j++) mu[j] = mu[j]! / N;
      for (let i = 0; i < N; i++) {
        for (let j = 0; j < D; j++) {
          const c = xs[i * D + j]! - mu[j]!;
          n[i * D + j] = c; // xc for now, normalised below
          v[j]! += c * c;
        }
      }
      const rm = this.runningMean.data;
      const rv = this.runningVar.data;
      const m = this.momentum;
      for (let j = 0; j < D; j++) {
        v[j] = v[j]! / N;
        std[j] = Math.sqrt(v[j]! + EPS);
        rm[j] = m * rm[j]! + (1 - m) * mu[j]!;
        rv[j] = m * rv[j]! + (1 - m) * v[j]!;
      }
      for (let i = 0; i < N; i++) for (let j = 0; j < D; j++) n[i * D + j] = n[i * D + j]! / std[j]!;
    } else {
      const rm = this.runningMean.data;
      const rv = this.runningVar.data;
      for (let j = 0; j < D; j++) std[j] = Math.sqrt(rv[j]! + EPS);
      for (let i = 0; i < N; i++) for (let j = 0; j < D; j++) n[i * D + j] = (xs[i * D + j]! - rm[j]!) / std[j]!;
    }
    const out = this.outBuffer.get(x.shape, x.dtype);
    const o = out.data;
    const g = this.gamma.data;
    const b = this.beta.data;
    for (let i = 0; i < N; i++) for (let j = 0; j < D; j++) o[i * D + j] = g[j]! * n[i * D + j]! + b[j]!;
    this.xn = xn;
    this.trained = trainFlg;
    this.inputShape = x.shape;
    return out;
  }

  backward(dout: Tensor): Tensor {
    const xn = requireForward(this.name, this.xn);
    const [N, D] = xn.shape as [number, number];
    if (dout.size !== N * D || dout.shape[0] !== N) throw new RangeError(`BatchNormalization: dout has shape ${formatShape(dout.shape)} but the forward output has shape ${formatShape(this.inputShape)}`);
    if (dout.dtype !== xn.dtype) throw new TypeError(`BatchNormalization: dout is ${dout.dtype} but the forward output is ${xn.dtype}`);
    const d = dout.data;
    const n = xn.data;
    const g = this.gamma.data;
    const std = this.std;
    const dbeta = this.colA.fill(0);
    const dgamma = this.colB.fill(0);
    for (let i = 0; i < N; i++) {
      for (let j = 0; j < D; j++) {
        dbeta[j]! += d[i * D + j]!;
        dgamma[j]! += n[i * D + j]! * d[i * D + j]!;
      }
    }
    this.dbeta.data.set(dbeta);
    this.dgamma.data.set(dgamma);
    const dx = this.dxBuffer.get(this.inputShape, dout.dtype);
    const out = dx.data;
    if (!this.trained) {
      for (let i = 0; i < N; i++) for (let j = 0; j < D; j++) out[i * D + j] = (g[j]! * d[i * D + j]!) / std[j]!;
      return dx;
    }
    // Σ dxn·xn = γ·dγ per column; dmu = Σ dxc.
    const dmu = this.colA.fill(0); // dbeta is already stored
    for (let i = 0; i < N; i++) {
      for (let j = 0; j < D; j++) {
        const k = i * D + j;
        const dxc = (g[j]! * d[k]! - (n[k]! * g[j]! * dgamma[j]!) / N) / std[j]!;
        out[k] = dxc;
        dmu[j]! += dxc;
      }
    }
    for (let i = 0; i < N; i++) for (let j = 0; j < D; j++) out[i * D + j] = out[i * D + j]! - dmu[j]! / N;
    return dx;
  }

  params(): readonly Param[] {
    return [
      { name: 'gamma', value: this.gamma, grad: this.dgamma },
      { name: 'beta', value: this.beta, grad: this.dbeta },
    ];
  }

  /** Saved with the model, never updated by an optimizer. */
  buffers(): Record<string, Tensor> {
    return { runningMean: this.runningMean, runningVar: this.runningVar };
  }
}
