import { AdaGrad } from './adagrad.js';
import { Adam } from './adam.js';
import { Momentum } from './momentum.js';
import { Nesterov } from './nesterov.js';
import type { Optimizer, OptimizerName } from './optimizer.js';
import { RMSprop } from './rmsprop.js';
import { SGD } from './sgd.js';

export const OPTIMIZER_NAMES: readonly OptimizerName[] = ['sgd', 'momentum', 'nesterov', 'adagrad', 'rmsprop', 'adam'];

export interface OptimizerOptions {
  lr?: number;
  momentum?: number;
  decayRate?: number;
  beta1?: number;
  beta2?: number;
}

/** Each optimizer's options in its constructor's order; a missing one takes the book's default. */
const OPTIONS: Record<OptimizerName, readonly (keyof OptimizerOptions)[]> = {
  sgd: ['lr'],
  momentum: ['lr', 'momentum'],
  nesterov: ['lr', 'momentum'],
  adagrad: ['lr'],
  rmsprop: ['lr', 'decayRate'],
  adam: ['lr', 'beta1', 'beta2'],
};

/**
 * An optimizer by name, e.g. createOptimizer('adam', { lr: 0.001 }). An unknown name or an
 * option the optimizer does not take is an error, never silently ignored.
 */
export function createOptimizer(name: OptimizerName, options: OptimizerOptions = {}): Optimizer {
  if (!(OPTIMIZER_NAMES as readonly string[]).includes(name)) {
    throw new RangeError(`createOptimizer: unknown optimizer '${String(name)}' (expected one of ${OPTIMIZER_NAMES.join(', ')})`);
  }
  if (typeof options !== 'object' || options === null) throw new TypeError(`createOptimizer: options must be an object, got ${String(options)}`);
  const known = OPTIONS[name];
  for (const key of Object.keys(options)) {
    if (!(known as readonly string[]).includes(key)) throw new RangeError(`createOptimizer: ${name} does not take option '${key}' (it takes ${known.join(', ')})`);
  }
  const o = options;
  switch (name) {
    case 'sgd': return new SGD(o.lr);
    case 'momentum': return new Momentum(o.lr, o.momentum);
    case 'nesterov': return new Nesterov(o.lr, o.momentum);
    case 'adagrad': return new AdaGrad(o.lr);
    case 'rmsprop': return new RMSprop(o.lr, o.decayRate);
    case 'adam': return new Adam(o.lr, o.beta1, o.beta2);
  }
}
