import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MultiLayerNetExtend } from '../../src/nets/multi_layer_net_extend.js';
import { TwoLayerNet } from '../../src/nets/two_layer_net.js';
import { Adam } from '../../src/optim/adam.js';
import { SGD } from '../../src/optim/sgd.js';
import { Random } from '../../src/tensor/random.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { train, Trainer, type TrainConfig, type TrainData } from '../../src/train/train.js';

function data(rows = 40, inputs = 6): TrainData {
  const rng = new Random(5);
  const x = Tensor.randn([rows, inputs], rng);
  // A learnable rule: the class is the largest of the first three inputs.
  const labels = Int32Array.from({ length: rows }, (_, i) => {
    const r = x.data.subarray(i * inputs, i * inputs + 3);
    return r[0]! >= r[1]! && r[0]! >= r[2]! ? 0 : r[1]! >= r[2]! ? 1 : 2;
  });
  return { xTrain: x, trainLabels: labels, xTest: x.slice(0, 12), testLabels: labels.slice(0, 12) };
}

const mlp = (): MultiLayerNetExtend => new MultiLayerNetExtend(6, [8, 7], 3, { useDropout: true, dropoutRatio: 0.2, useBatchnorm: true, weightDecayLambda: 0.01, seed: 4 });
const adamConfig: TrainConfig = { iters: 30, batchSize: 5, learningRate: 0.01, seed: 3, optimizer: 'adam', optimizerOptions: { beta1: 0.8 }, evalEvery: 7 };

const snapshot = (net: { params: Record<string, Tensor>; buffers?(): Record<string, Tensor> }): Record<string, number[]> =>
  Object.fromEntries(Object.entries({ ...net.params, ...(net.buffers?.() ?? {}) }).map(([k, t]) => [k, Array.from(t.data)]));

describe('Trainer with any network and optimizer', () => {
  it('trains a MultiLayerNetExtend with Adam: the loss falls and the optimizer is the one named', () => {
    const net = mlp();
    const trainer = new Trainer(net, data(), { ...adamConfig, iters: 200 });
    assert.equal(trainer.optimizer.name, 'adam');
    assert.deepEqual(trainer.optimizer.options, { lr: 0.01, beta1: 0.8, beta2: 0.999 });
    while (trainer.step());
    const { losses } = trainer.result();
    const mean = (a: number[]): number => a.reduce((s, v) => s + v, 0) / a.length;
    assert.ok(mean(losses.slice(-20)) < mean(losses.slice(0, 20)) * 0.75, `loss ${mean(losses.slice(0, 20))} → ${mean(losses.slice(-20))}`);
  });

  it('evaluateSampleNumPerEpoch scores each evaluation on the first N training and test images, as the book\'s Trainer', () => {
    const d = data();
    const scored: { trainAcc: number; testAcc: number; expectTrain: number; expectTest: number }[] = [];
    const net = new TwoLayerNet(6, 5, 3, { seed: 2 });
    const trainer = new Trainer(net, d, { iters: 20, batchSize: 5, learningRate: 0.5, seed: 1, evalEvery: 4, evaluateSampleNumPerEpoch: 7 }, {
      onEpochEnd: ({ trainAcc, testAcc }) => scored.push({
        trainAcc, testAcc,
        expectTrain: net.accuracy(d.xTrain.slice(0, 7), d.trainLabels.subarray(0, 7)),
        expectTest: net.accuracy(d.xTest.slice(0, 7), (d.testLabels as Int32Array).subarray(0, 7)),
      }),
    });
    while (trainer.step());
    assert.equal(scored.length, 5);
    for (const s of scored) {
      assert.equal(s.trainAcc, s.expectTrain);
      assert.equal(s.testAcc, s.expectTest);
      assert.ok(Number.isInteger(s.trainAcc * 7) && Number.isInteger(s.testAcc * 7), 'fractions of 7 images');
    }
    assert.throws(() => new Trainer(net, d, { iters: 2, batchSize: 5, learningRate: 0.5, seed: 1, evaluateSampleNumPerEpoch: 0 }), /evaluateSampleNumPerEpoch must be a positive integer, got 0/);
  });

  it('the default optimizer is SGD with the config\'s learning rate: the same weights as the book\'s loop', () => {
    const a = new TwoLayerNet(6, 4, 3, { weightInitStd: 0.1, seed: 1 });
    const b = new TwoLayerNet(6, 4, 3, { weightInitStd: 0.1, seed: 1 });
    train(a, data(), { iters: 12, batchSize: 5, learningRate: 0.1, seed: 3 });
    train(b, data(), { iters: 12, batchSize: 5, learningRate: 0.1, seed: 3, optimizer: new SGD(0.1) });
    assert.deepEqual(snapshot(a), snapshot(b));
  });

  it('a state taken mid-run and given back as resume ends bit-identical (Adam, Dropout, BatchNorm)', () => {
    const whole = mlp();
    const full = train(whole, data(), adamConfig);
    const first = mlp();
    const half = train(first, data(), { ...adamConfig, iters: 13 });
    assert.equal(half.state.optimizer?.scalars.iter, 13);
    assert.ok(half.state.layerStates?.Dropout1, 'the Dropout generators are in the state');
    // A fresh network with the first run's weights and buffers, as a checkpoint restores it.
    const second = mlp();
    for (const [k, t] of Object.entries({ ...first.params, ...first.buffers() })) ({ ...second.params, ...second.buffers() })[k]!.data.set(t.data);
    const rest = train(second, data(), adamConfig, {}, half.state);
    assert.deepEqual(snapshot(second), snapshot(whole));
    assert.deepEqual(rest.losses, full.losses);
    assert.deepEqual(rest.epochs.map((e) => [e.trainAcc, e.testAcc, e.loss]), full.epochs.map((e) => [e.trainAcc, e.testAcc, e.loss]));
  });

  it('evaluates in test mode: scoring draws no Dropout masks and leaves the running statistics', () => {
    const net = mlp();
    const trainer = new Trainer(net, data(), { ...adamConfig, evalEvery: 1000 });
    trainer.step(); // iteration 0 is evaluated
    const states = JSON.stringify(net.layerStates());
    const buffers = snapshot({ params: {}, buffers: () => net.buffers() });
    net.accuracy(data().xTrain, data().trainLabels);
    assert.equal(JSON.stringify(net.layerStates()), states);
    assert.deepEqual(snapshot({ params: {}, buffers: () => net.buffers() }), buffers);
  });

  it('refuses an optimizer that does not fit the config, naming why', () => {
    const net = mlp();
    assert.throws(() => new Trainer(net, data(), { ...adamConfig, optimizer: new Adam(0.5), optimizerOptions: undefined }), /^RangeError: train: learningRate 0\.01 differs from the given optimizer's lr 0\.5$/);
    assert.throws(() => new Trainer(net, data(), { ...adamConfig, optimizer: 'sgd' }), /sgd does not take option 'beta1'/);
    assert.throws(() => new Trainer(net, data(), { ...adamConfig, optimizer: 'lbfgs' as never }), /^RangeError: train: unknown optimizer 'lbfgs'/);
  });
});
