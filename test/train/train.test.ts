import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TwoLayerNet } from '../../src/nets/two_layer_net.js';
import { Random } from '../../src/tensor/random.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { Trainer, TrainingDivergedError, type TrainData } from '../../src/train/train.js';

function data(rows = 20, inputs = 6): TrainData {
  const rng = new Random(5);
  const x = Tensor.randn([rows, inputs], rng);
  const labels = Int32Array.from({ length: rows }, (_, i) => i % 3);
  return { xTrain: x, trainLabels: labels, xTest: x, testLabels: labels };
}

const net = (): TwoLayerNet => new TwoLayerNet(6, 4, 3, { weightInitStd: 0.1, seed: 1 });
const config = { iters: 10, batchSize: 5, learningRate: 0.1, seed: 3 };

function divergence(trainer: Trainer, pattern: RegExp): void {
  assert.throws(() => { while (trainer.step()); }, (e: unknown) => e instanceof TrainingDivergedError && pattern.test(e.message));
}

describe('non-finite values in training', () => {
  it('NaN weights reach the loss through ReLU and are named', () => {
    const network = net();
    network.params.W1.data.fill(Number.NaN);
    divergence(new Trainer(network, data(), config), /^training diverged at iteration 0: the loss is NaN; W1 has 24 non-finite values \(the first, element 0, is NaN\)/);
  });

  it('names every parameter holding them', () => {
    const network = net();
    network.params.b1.data[2] = Number.POSITIVE_INFINITY;
    network.params.W2.data[5] = Number.NaN;
    divergence(new Trainer(network, data(), config), /the loss is NaN; b1 has 1 non-finite value \(the first, element 2, is Infinity\), W2 has 1 non-finite value \(the first, element 5, is NaN\)/);
  });

  it('NaN inputs reach the loss and are reported as the data\'s', () => {
    const d = data();
    for (let r = 0; r < 20; r++) d.xTrain.data[r * 6] = Number.NaN;
    divergence(new Trainer(net(), d, config), /at iteration 0: the loss is NaN; the mini-batch holds 5 non-finite input values; the training data holds NaN or ±Infinity/);
  });

  it('checkWeights catches what the last update made non-finite', () => {
    const network = net();
    const trainer = new Trainer(network, data(), config);
    trainer.step();
    trainer.checkWeights();
    network.params.W2.data[0] = Number.NEGATIVE_INFINITY;
    assert.throws(() => trainer.checkWeights(), /after the update of iteration 0, W2 has 1 non-finite value \(the first, element 0, is -Infinity\)/);
  });
});
