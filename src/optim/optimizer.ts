import { formatShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';

export type OptimizerName = 'sgd' | 'momentum' | 'nesterov' | 'adagrad' | 'rmsprop' | 'adam';

/**
 * What an optimizer must save for a resumed run to continue bit-identically: numbers
 * (Adam's step count) for JSON, and per-parameter tensors for safetensors, keyed
 * `slot/param` (`v/W1`, `m/b2`, `h/gamma1`). Hyperparameters are not state: they are
 * `options`, from which `createOptimizer(name, options)` rebuilds the optimizer.
 */
export interface OptimizerState {
  scalars: Record<string, number>;
  tensors: Record<string, Tensor>;
}

/** The book's optimizers: `update(params, grads)` changes each params[key] in place. */
export interface Optimizer {
  readonly name: OptimizerName;
  readonly options: Readonly<Record<string, number>>;
  update(params: Record<string, Tensor>, grads: Record<string, Tensor>): void;
  /** A copy of the state: later updates do not change it. */
  state(): OptimizerState;
  /** Replaces the state with a copy of `state`; refuses keys this optimizer does not keep. */
  loadState(state: OptimizerState): void;
}

/** A learning rate, or any hyperparameter that must be a finite number > 0. */
export function requirePositive(who: string, what: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || !(value > 0)) throw new RangeError(`${who}: ${what} must be a finite number > 0, got ${String(value)}`);
  return value;
}

/** A decay rate such as momentum or beta1: in [0, 1). */
export function requireRate(who: string, what: string, value: number): number {
  if (typeof value !== 'number' || !(value >= 0 && value < 1)) throw new RangeError(`${who}: ${what} must be a number in [0, 1), got ${String(value)}`);
  return value;
}

/** Every parameter has a gradient of its own shape and dtype, and every gradient a parameter. */
export function checkParamsAndGrads(who: string, params: Record<string, Tensor>, grads: Record<string, Tensor>): string[] {
  const keys = Object.keys(params);
  for (const key of keys) {
    const param = params[key]!;
    const grad = grads[key];
    if (!(param instanceof Tensor)) throw new TypeError(`${who}: params.${key} is not a Tensor`);
    if (!(grad instanceof Tensor)) throw new RangeError(`${who}: no gradient for parameter ${key}`);
    if (!sameShape(grad.shape, param.shape)) throw new RangeError(`${who}: gradient ${key} has shape ${formatShape(grad.shape)} but parameter ${key} has shape ${formatShape(param.shape)}`);
    if (grad.dtype !== param.dtype) throw new TypeError(`${who}: gradient ${key} is ${grad.dtype} but parameter ${key} is ${param.dtype}`);
  }
  for (const key of Object.keys(grads)) {
    if (!(key in params)) throw new RangeError(`${who}: gradient ${key} has no parameter ${key}`);
  }
  return keys;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * Per-parameter state tensors (Momentum's v, AdaGrad's h, Adam's m and v), created as
 * zeros like each parameter on the first update, as the book's `np.zeros_like` does.
 * Later updates must bring the same parameters: a different set means a different network.
 * They are kept across steps, so they live in the backend's own storage.
 */
export class Slots {
  private readonly tensors = new Map<string, Tensor>(); // 'slot/key' → tensor
  private keys: string[] = [];

  constructor(private readonly who: string, private readonly slots: readonly string[]) {}

  /** Makes sure every parameter has its slots; call at the start of each update. */
  prepare(params: Record<string, Tensor>, keys: string[]): void {
    if (this.keys.length === 0) {
      for (const key of keys) for (const slot of this.slots) this.tensors.set(`${slot}/${key}`, Tensor.zeros(params[key]!.shape, params[key]!.dtype, 'backend'));
      this.keys = keys;
      return;
    }
    for (const key of keys) {
      if (!this.keys.includes(key)) throw new RangeError(`${this.who}: parameter ${key} was not among the parameters of earlier updates (${this.keys.join(', ')})`);
      const held = this.tensors.get(`${this.slots[0]}/${key}`)!;
      if (!sameShape(held.shape, params[key]!.shape) || held.dtype !== params[key]!.dtype) {
        throw new RangeError(`${this.who}: parameter ${key} is ${formatShape(params[key]!.shape)} ${params[key]!.dtype} but its state ${this.slots[0]}/${key} is ${formatShape(held.shape)} ${held.dtype}`);
      }
    }
    for (const key of this.keys) if (!keys.includes(key)) throw new RangeError(`${this.who}: parameter ${key} is missing (it was updated before)`);
  }

  get(slot: string, key: string): Tensor {
    return this.tensors.get(`${slot}/${key}`)!;
  }

  save(): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    for (const [name, t] of this.tensors) out[name] = t.clone();
    return out;
  }

  load(tensors: Record<string, Tensor>): void {
    if (typeof tensors !== 'object' || tensors === null) throw new TypeError(`${this.who}.loadState: state.tensors must be an object of tensors`);
    const keys: string[] = [];
    for (const name of Object.keys(tensors)) {
      const slash = name.indexOf('/');
      const slot = name.slice(0, slash);
      const key = name.slice(slash + 1);
      if (slash < 1 || key === '' || !this.slots.includes(slot)) {
        throw new RangeError(`${this.who}.loadState: unexpected state tensor '${name}' (${this.slots.length ? `expected ${this.slots.map((s) => `${s}/<param>`).join(' and ')}` : 'it keeps none'})`);
      }
      if (!(tensors[name] instanceof Tensor)) throw new TypeError(`${this.who}.loadState: state tensor '${name}' is not a Tensor`);
      if (!keys.includes(key)) keys.push(key);
    }
    for (const key of keys) {
      const first = tensors[`${this.slots[0]}/${key}`];
      for (const slot of this.slots) {
        const t = tensors[`${slot}/${key}`];
        if (!t) throw new RangeError(`${this.who}.loadState: state tensor '${slot}/${key}' is missing`);
        if (!sameShape(t.shape, first!.shape) || t.dtype !== first!.dtype) throw new RangeError(`${this.who}.loadState: state tensors of ${key} differ in shape or dtype`);
      }
    }
    this.tensors.clear();
    for (const name of Object.keys(tensors)) this.tensors.set(name, tensors[name]!.clone(tensors[name]!.dtype, 'backend'));
    this.keys = keys;
  }
}

/** Checks a loaded state's numbers: exactly `names`, each accepted by `valid`. */
export function loadScalars(who: string, scalars: Record<string, number>, names: readonly string[], valid: (name: string, v: number) => boolean): Record<string, number> {
  if (typeof scalars !== 'object' || scalars === null) throw new TypeError(`${who}.loadState: state.scalars must be an object of numbers`);
  for (const name of Object.keys(scalars)) if (!names.includes(name)) throw new RangeError(`${who}.loadState: unexpected state number '${name}'${names.length ? ` (expected ${names.join(', ')})` : ' (it keeps none)'}`);
  for (const name of names) {
    const v = scalars[name];
    if (typeof v !== 'number' || !valid(name, v)) throw new RangeError(`${who}.loadState: state number '${name}' is ${v === undefined ? 'missing' : `invalid (${String(v)})`}`);
  }
  return scalars;
}

export function checkState(who: string, state: OptimizerState): void {
  if (typeof state !== 'object' || state === null) throw new TypeError(`${who}.loadState: state must be { scalars, tensors }`);
}
