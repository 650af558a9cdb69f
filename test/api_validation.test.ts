// The public API refuses what it cannot honour, naming the option and the valid choices,
// instead of quietly using a default: misspelt keys, unknown names, impossible sizes.

import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { describe, it } from 'node:test';
import { createWasmBackend } from '../src/backend/wasm/index.js';
import {
  createBackend, getBackend, loadMnist, setBackend, SoftmaxWithLoss, Tensor, train, Trainer, TwoLayerNet, Random, type TrainConfig,
} from '../src/node.js';
import { randomTensor } from './helpers.js';

function refuses(fn: () => unknown, pattern: RegExp, what: string): void {
  assert.throws(fn, (e: unknown) => e instanceof Error && (e instanceof TypeError || e instanceof RangeError) && pattern.test(e.message), what);
}

describe('backend names and options', () => {
  it('refuses an unknown backend name, listing the valid ones, and keeps the active backend', () => {
    const before = getBackend();
    refuses(() => setBackend('cuda' as never), /^setBackend: unknown backend 'cuda' \(valid: reference, wasm\)$/, "setBackend('cuda')");
    refuses(() => createBackend('gpu' as never), /^createBackend: unknown backend 'gpu' \(valid: reference, wasm\)$/, "createBackend('gpu')");
    refuses(() => setBackend({} as never), /^setBackend: expected a backend name \(reference, wasm\) or a Backend object/, 'setBackend({})');
    assert.equal(getBackend(), before);
  });

  it('refuses options that do not apply or do not exist', () => {
    refuses(() => setBackend('reference', { threads: 2 }), /threads apply to the wasm backend only/, 'threads on the reference backend');
    refuses(() => createWasmBackend({ thread: 2 } as never), /^createWasmBackend: unknown option 'thread' \(valid: threads\)$/, 'a misspelt option');
  });

  it('refuses more threads than 4 per core (at most 256), saying why, before starting any worker', () => {
    const bound = Math.min(256, 4 * availableParallelism());
    refuses(() => createWasmBackend({ threads: bound + 1 }), new RegExp(`^threads must be at most ${bound} \\(4 × the ${availableParallelism()} cores here.*\\), got ${bound + 1}$`), 'too many threads');
    refuses(() => createWasmBackend({ threads: 1000 }), /threads must be at most/, '1000 threads');
  });
});

describe('dtypes', () => {
  it('refuses float16 and other names in every Tensor factory', () => {
    for (const [what, make] of [
      ['empty', () => Tensor.empty([2], 'float16' as never)],
      ['zeros', () => Tensor.zeros([2], 'float16' as never)],
      ['full', () => Tensor.full([2], 1, 'int8' as never)],
      ['randn', () => Tensor.randn([2], 1, 'float16' as never)],
      ['from', () => Tensor.from([1, 2], 'float16' as never)],
      ['clone', () => Tensor.from([1, 2]).clone('float16' as never)],
      ['astype', () => Tensor.from([1, 2]).astype('bfloat16' as never)],
    ] as const) refuses(make, /^Tensor: dtype must be 'float64' or 'float32', got '/, what);
  });

  it('refuses float16 in TwoLayerNet and loadMnist options', () => {
    refuses(() => new TwoLayerNet(4, 3, 2, { dtype: 'float16' as never }), /^TwoLayerNet: dtype must be 'float64' or 'float32', got 'float16'$/, 'TwoLayerNet');
    refuses(() => loadMnist({ dtype: 'float16' as never }), /^loadMnist: dtype must be 'float64' or 'float32', got 'float16'$/, 'loadMnist');
  });
});

describe('TwoLayerNet options and sizes', () => {
  it('refuses a weight init std that is not a finite number ≥ 0, and a seed that is not an integer', () => {
    for (const std of [Infinity, -Infinity, NaN, -0.1, '0.01']) {
      refuses(() => new TwoLayerNet(4, 3, 2, { weightInitStd: std as number }), /^TwoLayerNet: weightInitStd must be a finite number ≥ 0, got /, `weightInitStd ${String(std)}`);
    }
    refuses(() => new TwoLayerNet(4, 3, 2, { seed: 1.5 }), /^TwoLayerNet: seed must be an integer, got 1\.5$/, 'seed 1.5');
    assert.equal(new TwoLayerNet(4, 3, 2, { weightInitStd: 0 }).params.W1.data.every((v) => v === 0), true, 'a zero std is allowed');
  });

  it('refuses unknown options, naming the key and the valid ones', () => {
    refuses(() => new TwoLayerNet(4, 3, 2, { weight_init_std: 0.1 } as never), /^TwoLayerNet: unknown option 'weight_init_std' \(valid: weightInitStd, seed, dtype\)$/, 'TwoLayerNet');
    refuses(() => new TwoLayerNet(4, 3, 2, 'float32' as never), /^TwoLayerNet: expected an object of options, got 'float32'$/, 'options as a string');
    refuses(() => loadMnist({ normalise: true } as never), /^loadMnist: unknown option 'normalise' \(valid: normalize, flatten, oneHotLabel, dataDir, dtype\)$/, 'loadMnist');
    refuses(() => loadMnist({ oneHotLabel: 'yes' } as never), /^loadMnist: oneHotLabel must be true or false, got 'yes'$/, 'loadMnist oneHotLabel');
    const net = new TwoLayerNet(4, 3, 2);
    const x = Tensor.zeros([1, 4]);
    refuses(() => net.numericalGradient(x, [0], { methd: 'plain' } as never), /unknown option 'methd' \(valid: method\)/, 'numericalGradient option');
    refuses(() => net.numericalGradient(x, [0], { method: 'fast' as never }), /method must be 'plain' or 'incremental', got 'fast'/, 'numericalGradient method');
  });

  it('refuses sizes whose weights cannot fit before allocating them, naming the sizes', () => {
    // 784 × 10^8 weights: more than a typed array can hold on any backend.
    refuses(() => new TwoLayerNet(784, 100_000_000, 10), /^TwoLayerNet\(784, 100000000, 10\): the float64 weights and their gradients needs? /, 'hidden 10^8');
    setBackend('wasm');
    try {
      // 784 × 2·10^6 float64 weights and gradients: 25 GB, more than the wasm memory's 4 GiB.
      refuses(() => new TwoLayerNet(784, 2_000_000, 10), /^TwoLayerNet\(784, 2000000, 10\): .* more than the 4 GiB the wasm backend can address$/, 'hidden 2·10^6 on wasm');
    } finally {
      setBackend('reference');
    }
  });
});

describe('labels as a plain array', () => {
  it('are accepted wherever class indices are, with the same results as an Int32Array', () => {
    const rng = new Random(5);
    const x = randomTensor([4, 6], rng);
    const labels = [0, 2, 1, 2];
    const typed = Int32Array.from(labels);
    const net = new TwoLayerNet(6, 5, 3, { seed: 2, weightInitStd: 0.5 });
    assert.equal(net.loss(x, labels), net.loss(x, typed));
    assert.equal(net.accuracy(x, labels), net.accuracy(x, typed));
    const fromArray = Object.fromEntries(Object.entries(net.gradient(x, labels)).map(([k, t]) => [k, Array.from(t.data)]));
    const fromTyped = Object.fromEntries(Object.entries(net.gradient(x, typed)).map(([k, t]) => [k, Array.from(t.data)]));
    assert.deepEqual(fromArray, fromTyped);
    const numeric = net.numericalGradient(x, labels, { method: 'incremental' });
    assert.deepEqual(Array.from(numeric.b2.data), Array.from(net.numericalGradient(x, typed, { method: 'incremental' }).b2.data));
    const layer = new SoftmaxWithLoss();
    const scores = randomTensor([4, 3], rng);
    assert.equal(layer.forward(scores, labels), new SoftmaxWithLoss().forward(scores, typed));
    assert.equal(layer.forward(scores, Uint8Array.from(labels)), new SoftmaxWithLoss().forward(scores, typed), 'any typed array of indices');
  });

  it('refuses entries that are not class indices, naming the row', () => {
    const layer = new SoftmaxWithLoss();
    const scores = Tensor.zeros([3, 4]);
    refuses(() => layer.forward(scores, [0, 1.5, 2]), /^SoftmaxWithLoss: label 1\.5 at row 1 is not a class index$/, 'a fraction');
    refuses(() => layer.forward(scores, [0, 1, 2 ** 32 + 1]), /^SoftmaxWithLoss: label 4294967297 at row 2 is not a class index$/, 'a value an Int32Array would wrap into class 1');
    refuses(() => layer.forward(scores, [0, '1', 2] as never), /label '1' at row 1 is not a class index/, 'a string');
    refuses(() => layer.forward(scores, [0, 1, 7]), /label 7 at row 2 is outside \[0, 4\)/, 'a class out of range');
    refuses(() => layer.forward(scores, 3 as never), /^SoftmaxWithLoss: targets must be a one-hot Tensor or class indices/, 'a number');
    refuses(() => new TwoLayerNet(4, 3, 4).accuracy(Tensor.zeros([3, 4]), null as never), /^TwoLayerNet\.accuracy: targets must be/, 'null targets');
  });
});

describe('train() and Trainer config', () => {
  const data = (): { xTrain: Tensor; trainLabels: Int32Array; xTest: Tensor; testLabels: Int32Array } => ({
    xTrain: randomTensor([8, 4], new Random(1)), trainLabels: Int32Array.from([0, 1, 0, 1, 0, 1, 0, 1]),
    xTest: randomTensor([4, 4], new Random(2)), testLabels: Int32Array.from([0, 1, 0, 1]),
  });
  const config: TrainConfig = { iters: 2, batchSize: 2, learningRate: 0.1, seed: 1 };

  it('refuses unknown config keys and callbacks, naming them and the valid ones', () => {
    const net = new TwoLayerNet(4, 3, 2);
    refuses(() => train(net, data(), { ...config, lr: 0.5 } as never), /^train: unknown config key 'lr' \(valid: iters, batchSize, learningRate, seed, evalEvery, evaluateSampleNumPerEpoch, optimizer, optimizerOptions\)$/, 'train config');
    refuses(() => new Trainer(net, data(), { ...config, epochs: 3 } as never), /^train: unknown config key 'epochs'/, 'Trainer config');
    refuses(() => train(net, data(), config, { onEpoch: () => {} } as never), /^train: unknown callback 'onEpoch' \(valid: onIteration, onEpochEnd, shouldStop\)$/, 'callbacks');
    refuses(() => train(net, data(), { batchSize: 2, learningRate: 0.1, seed: 1 } as never), /^train: iters must be a positive integer, got undefined$/, 'a missing iters');
    assert.equal(train(net, data(), config).state.iteration, 2, 'a correct config still trains');
  });

  it('accepts the whole result of loadMnist as data (its extra fields are data, not options)', () => {
    const net = new TwoLayerNet(4, 3, 2);
    assert.equal(train(net, { ...data(), tTrain: null, dataDir: 'x' } as never, config).state.iteration, 2);
  });
});
