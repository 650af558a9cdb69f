import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { decodeSafetensors, encodeSafetensors } from '../../src/io/safetensors.js';
import { AdaGrad } from '../../src/optim/adagrad.js';
import { Adam } from '../../src/optim/adam.js';
import { createOptimizer, OPTIMIZER_NAMES, type OptimizerOptions } from '../../src/optim/create_optimizer.js';
import { Momentum } from '../../src/optim/momentum.js';
import { Nesterov } from '../../src/optim/nesterov.js';
import type { Optimizer, OptimizerName, OptimizerState } from '../../src/optim/optimizer.js';
import { RMSprop } from '../../src/optim/rmsprop.js';
import { SGD } from '../../src/optim/sgd.js';
import { Random } from '../../src/tensor/random.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { maxAbsDiff, pythonWithNumpy, randomTensor } from '../helpers.js';

const REFERENCE = fileURLToPath(new URL('../../../test/fixtures/book_optimizers.py', import.meta.url));
const STEPS = 5;

type Values = Record<string, number[]>;

function makeParams(rng: Random): Record<string, Tensor> {
  return { W1: randomTensor([3, 4], rng), b1: randomTensor([4], rng), W2: randomTensor([4, 2], rng) };
}

function makeGrads(params: Record<string, Tensor>, rng: Random, steps: number): Record<string, Tensor>[] {
  return Array.from({ length: steps }, () => Object.fromEntries(Object.entries(params).map(([k, p]) => [k, randomTensor([...p.shape], rng)])));
}

const toValues = (r: Record<string, Tensor>): Values => Object.fromEntries(Object.entries(r).map(([k, t]) => [k, Array.from(t.data)]));

interface Job {
  name: OptimizerName;
  options: OptimizerOptions;
  params: Record<string, Tensor>;
  grads: Record<string, Tensor>[];
}

/** The book's NumPy rules (test/fixtures/book_optimizers.py) on the same params and grads; one python3 for all jobs. */
function runReference(jobs: Job[]): Values[][] {
  const input = JSON.stringify(jobs.map((j) => ({ name: j.name, options: j.options, params: toValues(j.params), grads: j.grads.map(toValues) })));
  const python = pythonWithNumpy();
  if (python === undefined) assert.fail('the optimizer reference needs a python3 with numpy ($PYTHON, python3 or /usr/bin/python3; apt-get install python3-numpy)');
  const child = spawnSync(python, [REFERENCE], { input, encoding: 'utf8' });
  if (child.error) assert.fail(`the optimizer reference needs python3 with numpy: could not run ${python} (${child.error.message})`);
  if (child.status !== 0) assert.fail(`the optimizer reference needs python3 with numpy: ${REFERENCE} exited with ${child.status}: ${child.stderr.trim().split('\n').pop()}`);
  return JSON.parse(child.stdout) as Values[][];
}

const clone = (r: Record<string, Tensor>): Record<string, Tensor> => Object.fromEntries(Object.entries(r).map(([k, t]) => [k, t.clone()]));

const CASES: [OptimizerName, OptimizerOptions][] = [
  ['sgd', {}], ['sgd', { lr: 0.3 }],
  ['momentum', {}], ['momentum', { lr: 0.05, momentum: 0.5 }],
  ['nesterov', {}], ['nesterov', { lr: 0.02, momentum: 0.8 }],
  ['adagrad', {}], ['adagrad', { lr: 1.5 }],
  ['rmsprop', {}], ['rmsprop', { lr: 0.001, decayRate: 0.9 }],
  ['adam', {}], ['adam', { lr: 0.01, beta1: 0.8, beta2: 0.99 }],
];

describe('optimizers against the book\'s NumPy rules', () => {
  const jobs: Job[] = CASES.map(([name, options]) => {
    const rng = new Random(100);
    const params = makeParams(rng);
    return { name, options, params, grads: makeGrads(params, rng, STEPS) };
  });
  let reference: Values[][] | null = null;
  const expectedFor = (i: number): Values[] => (reference ??= runReference(jobs))[i]!;
  CASES.forEach(([name, options], i) => {
    it(`${name} ${JSON.stringify(options)}: ${STEPS} steps within 1e-12 of NumPy`, () => {
      const { params, grads } = jobs[i]!;
      const expected = expectedFor(i);
      const optimizer = createOptimizer(name, options);
      grads.forEach((g, step) => {
        optimizer.update(params, g);
        for (const key of Object.keys(params)) {
          const d = maxAbsDiff(params[key]!.data, expected[step]![key]!);
          assert.ok(d <= 1e-12, `${name} step ${step + 1} ${key}: max diff ${d}`);
        }
      });
    });
  });
});

describe('optimizer defaults and options', () => {
  it('take the book\'s defaults', () => {
    assert.deepEqual(new SGD().options, { lr: 0.01 });
    assert.deepEqual(new Momentum().options, { lr: 0.01, momentum: 0.9 });
    assert.deepEqual(new Nesterov().options, { lr: 0.01, momentum: 0.9 });
    assert.deepEqual(new AdaGrad().options, { lr: 0.01 });
    assert.deepEqual(new RMSprop().options, { lr: 0.01, decayRate: 0.99 });
    assert.deepEqual(new Adam().options, { lr: 0.001, beta1: 0.9, beta2: 0.999 });
    for (const name of OPTIMIZER_NAMES) {
      const o = createOptimizer(name);
      assert.equal(o.name, name);
      assert.deepEqual(createOptimizer(name, o.options).options, o.options);
    }
  });

  it('createOptimizer refuses unknown names and options, naming them', () => {
    assert.throws(() => createOptimizer('adamw' as OptimizerName), /createOptimizer: unknown optimizer 'adamw' \(expected one of sgd, momentum, nesterov, adagrad, rmsprop, adam\)/);
    assert.throws(() => createOptimizer('adam', { momentum: 0.9 }), /createOptimizer: adam does not take option 'momentum' \(it takes lr, beta1, beta2\)/);
    assert.throws(() => createOptimizer('sgd', { learningRate: 0.1 } as OptimizerOptions), /sgd does not take option 'learningRate' \(it takes lr\)/);
  });

  it('refuse invalid hyperparameters', () => {
    for (const lr of [0, -1, Number.NaN, Infinity]) assert.throws(() => createOptimizer('sgd', { lr }), /SGD: lr must be a finite number > 0/);
    assert.throws(() => new Momentum(0.01, 1), /Momentum: momentum must be a number in \[0, 1\), got 1/);
    assert.throws(() => new RMSprop(0.01, -0.1), /RMSprop: decayRate must be a number in \[0, 1\)/);
    assert.throws(() => new Adam(0.001, 0.9, Number.NaN), /Adam: beta2 must be a number in \[0, 1\), got NaN/);
  });
});

describe('optimizer checks', () => {
  const p = (): Record<string, Tensor> => ({ W1: Tensor.zeros([2, 2]), b1: Tensor.zeros([2]) });
  for (const name of OPTIMIZER_NAMES) {
    it(`${name} refuses mismatched params and grads, naming the key`, () => {
      const o = createOptimizer(name);
      assert.throws(() => o.update(p(), { W1: Tensor.zeros([2, 2]) }), /: no gradient for parameter b1/);
      assert.throws(() => o.update(p(), { W1: Tensor.zeros([2, 3]), b1: Tensor.zeros([2]) }), /: gradient W1 has shape \[2, 3\] but parameter W1 has shape \[2, 2\]/);
      assert.throws(() => o.update(p(), { W1: Tensor.zeros([2, 2], 'float32'), b1: Tensor.zeros([2]) }), /: gradient W1 is float32 but parameter W1 is float64/);
      assert.throws(() => o.update(p(), { ...p(), W9: Tensor.zeros([1]) }), /: gradient W9 has no parameter W9/);
      o.update(p(), p());
      if (name !== 'sgd') {
        assert.throws(() => o.update({ ...p(), W2: Tensor.zeros([1]) }, { ...p(), W2: Tensor.zeros([1]) }), /parameter W2 was not among the parameters of earlier updates \(W1, b1\)/);
        assert.throws(() => o.update({ W1: Tensor.zeros([2, 2]) }, { W1: Tensor.zeros([2, 2]) }), /parameter b1 is missing/);
        assert.throws(() => o.update({ W1: Tensor.zeros([2, 2]), b1: Tensor.zeros([3]) }, { W1: Tensor.zeros([2, 2]), b1: Tensor.zeros([3]) }), /parameter b1 is \[3\] float64 but its state .\/b1 is \[2\] float64/);
      }
    });
  }

  it('loadState refuses what an optimizer does not keep', () => {
    const t = Tensor.zeros([2]);
    assert.throws(() => new SGD().loadState({ scalars: {}, tensors: { 'v/W1': t } }), /SGD.loadState: unexpected state tensor 'v\/W1' \(it keeps none\)/);
    assert.throws(() => new Momentum().loadState({ scalars: {}, tensors: { 'h/W1': t } }), /Momentum.loadState: unexpected state tensor 'h\/W1' \(expected v\/<param>\)/);
    assert.throws(() => new Adam().loadState({ scalars: { iter: 1 }, tensors: { 'm/W1': t } }), /Adam.loadState: state tensor 'v\/W1' is missing/);
    assert.throws(() => new Adam().loadState({ scalars: {}, tensors: {} }), /Adam.loadState: state number 'iter' is missing/);
    assert.throws(() => new Adam().loadState({ scalars: { iter: 1.5 }, tensors: {} }), /state number 'iter' is invalid \(1.5\)/);
    assert.throws(() => new AdaGrad().loadState({ scalars: { iter: 1 }, tensors: {} }), /AdaGrad.loadState: unexpected state number 'iter' \(it keeps none\)/);
    assert.throws(() => new RMSprop().loadState(null as unknown as OptimizerState), /RMSprop.loadState: state must be \{ scalars, tensors \}/);
  });
});

describe('optimizer state', () => {
  /** Through safetensors bytes and JSON, as a checkpoint would store it. */
  function roundTrip(state: OptimizerState): OptimizerState {
    const bytes = encodeSafetensors(Object.fromEntries(Object.entries(state.tensors).map(([k, t]) => [k, { dtype: t.dtype, shape: [...t.shape], data: t.data }])));
    const decoded = decodeSafetensors(bytes).tensors;
    return {
      scalars: JSON.parse(JSON.stringify(state.scalars)) as Record<string, number>,
      tensors: Object.fromEntries(Object.entries(decoded).map(([k, t]) => [k, new Tensor(t.data, t.shape)])),
    };
  }

  for (const name of OPTIMIZER_NAMES) {
    it(`${name}: state() and loadState() continue bit-identically`, () => {
      const rng = new Random(5);
      const params = makeParams(rng);
      const grads = makeGrads(params, rng, 6);
      const straight = createOptimizer(name);
      for (const g of grads.slice(0, 3)) straight.update(params, g);
      const saved = straight.state();
      const resumedParams = clone(params);
      if (name === 'adam') assert.deepEqual(saved.scalars, { iter: 3 });
      const slots = { sgd: [], momentum: ['v'], nesterov: ['v'], adagrad: ['h'], rmsprop: ['h'], adam: ['m', 'v'] }[name];
      assert.deepEqual(Object.keys(saved.tensors).sort(), slots.flatMap((s) => ['W1', 'b1', 'W2'].map((k) => `${s}/${k}`)).sort());
      const resumed = createOptimizer(name, straight.options);
      resumed.loadState(roundTrip(saved));
      const copy = roundTrip(saved);
      for (const g of grads.slice(3)) {
        straight.update(params, g);
        resumed.update(resumedParams, g);
      }
      for (const key of Object.keys(params)) assert.deepEqual(resumedParams[key]!.data, params[key]!.data, `${name} ${key}`);
      for (const key of Object.keys(saved.tensors)) assert.deepEqual(saved.tensors[key]!.data, copy.tensors[key]!.data, 'state() is a copy that later updates leave alone');
    });
  }

  it('a fresh optimizer\'s state is empty, and loading it starts afresh', () => {
    const o: Optimizer = new Adam();
    assert.deepEqual(o.state(), { scalars: { iter: 0 }, tensors: {} });
    const params = makeParams(new Random(1));
    const g = makeGrads(params, new Random(2), 1)[0]!;
    o.update(params, g);
    o.loadState({ scalars: { iter: 0 }, tensors: {} });
    const a = clone(params);
    o.update(a, g);
    const b = clone(params);
    new Adam().update(b, g);
    for (const key of Object.keys(a)) assert.deepEqual(a[key]!.data, b[key]!.data);
  });
});
