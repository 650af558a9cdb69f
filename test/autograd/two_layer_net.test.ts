import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DType } from '../../src/backend/backend.js';
import { TwoLayerNet as AutogradTwoLayerNet } from '../../src/autograd/two_layer_net.js';
import { loadMnist, type MnistData } from '../../src/data/mnist.js';
import { TwoLayerNet } from '../../src/nets/two_layer_net.js';
import { Adam } from '../../src/optim/adam.js';
import { SGD } from '../../src/optim/sgd.js';
import { Random } from '../../src/tensor/random.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { BatchSampler } from '../../src/train/batch_sampler.js';
import { train } from '../../src/train/train.js';
import { maxAbsDiff, randomTensor } from '../helpers.js';

const mnist: Partial<Record<DType, MnistData>> = {};
const data = (dtype: DType = 'float64'): MnistData => (mnist[dtype] ??= loadMnist({ normalize: true, dtype }));

/** A layer net and an autograd net with the layer net's weights copied in (different seeds, so the copy is what makes them equal). */
function pair(dtype: DType = 'float64'): [TwoLayerNet, AutogradTwoLayerNet] {
  const layer = new TwoLayerNet(784, 50, 10, { seed: 42, dtype });
  const auto = new AutogradTwoLayerNet(784, 50, 10, { seed: 7, dtype });
  for (const key of ['W1', 'b1', 'W2', 'b2'] as const) auto.params[key].data.set(layer.params[key].data);
  return [layer, auto];
}

describe('autograd TwoLayerNet', () => {
  // float64 is the requirement (1e-12); float32 runs the same kernels in the same order, so it is checked too.
  for (const [dtype, tol] of [['float64', 1e-12], ['float32', 1e-6]] as const) {
    it(`gives the layer TwoLayerNet’s loss and gradients to ${tol} for the same weights and batch (${dtype})`, () => {
      const [layer, auto] = pair(dtype);
      const { xTrain, trainLabels } = data(dtype);
      const [x, t] = new BatchSampler(xTrain, trainLabels, 100, new Random(1)).next();
      // Train both a few SGD steps first, so that b1, b2 are not zero and ReLUs are mixed.
      const sgd = new SGD(0.1);
      for (let i = 0; i < 5; i++) {
        sgd.update(layer.params, layer.gradient(x, t));
        sgd.update(auto.params, auto.gradient(x, t));
      }
      const expected = layer.gradient(x, t);
      const grads = auto.gradient(x, t);
      assert.deepEqual(Object.keys(grads), ['W1', 'b1', 'W2', 'b2']);
      for (const key of ['W1', 'b1', 'W2', 'b2'] as const) {
        assert.deepEqual(grads[key].shape, expected[key].shape);
        const diff = maxAbsDiff(grads[key].data, expected[key].data);
        assert.ok(diff < tol, `${key}: differs by ${diff}`);
      }
      assert.ok(Math.abs(auto.lastLoss - layer.lastLoss) < tol, `loss ${auto.lastLoss} vs ${layer.lastLoss}`);
      assert.ok(Math.abs(auto.loss(x, t) - layer.loss(x, t)) < tol);
      assert.ok(maxAbsDiff(auto.predict(x).data, layer.predict(x).data) < tol);
      assert.equal(auto.accuracy(x, t), layer.accuracy(x, t));
    });
  }

  it('initialises its weights as the layer net does from the same seed', () => {
    const layer = new TwoLayerNet(20, 8, 3, { seed: 5, weightInitStd: 0.1, dtype: 'float32' });
    const auto = new AutogradTwoLayerNet(20, 8, 3, { seed: 5, weightInitStd: 0.1, dtype: 'float32' });
    for (const key of ['W1', 'b1', 'W2', 'b2'] as const) assert.deepEqual(auto.params[key].data, layer.params[key].data);
  });

  it('trains one epoch of the seed run (SGD lr 0.1, batch 100) to the layer net’s test accuracy, ≥ 0.9', () => {
    const [layer, auto] = pair();
    const { xTrain, trainLabels, xTest, testLabels } = data();
    const accuracies = [layer, auto].map((net) => {
      const sampler = new BatchSampler(xTrain, trainLabels, 100, new Random(42));
      const sgd = new SGD(0.1);
      for (let i = 0; i < 600; i++) {
        const [x, t] = sampler.next();
        sgd.update(net.params, net.gradient(x, t));
      }
      return net.accuracy(xTest, testLabels);
    });
    const [layerAcc, autoAcc] = accuracies as [number, number];
    assert.ok(autoAcc >= 0.9, `autograd test accuracy ${autoAcc}`);
    // Gradients agree to rounding, so 600 steps later the predictions barely differ, if at all.
    assert.ok(Math.abs(autoAcc - layerAcc) <= 0.002, `autograd ${autoAcc} vs layers ${layerAcc}`);
  });

  it('learns with Adam from src/optim, and runs in the Trainer', () => {
    const { xTrain, trainLabels, xTest, testLabels } = data();
    const net = new AutogradTwoLayerNet(784, 50, 10);
    const adam = new Adam(0.001);
    const sampler = new BatchSampler(xTrain, trainLabels, 100, new Random(3));
    const [x0, t0] = sampler.next();
    const before = net.loss(x0, t0);
    for (let i = 0; i < 200; i++) {
      const [x, t] = sampler.next();
      adam.update(net.params, net.gradient(x, t));
    }
    assert.ok(net.loss(x0, t0) < before / 3, `loss ${before} → ${net.loss(x0, t0)}`);
    assert.ok(net.accuracy(xTest.slice(0, 2000), testLabels.subarray(0, 2000)) > 0.85);

    const trained = new AutogradTwoLayerNet(784, 50, 10, { dtype: 'float64' });
    const result = train(trained, { xTrain, trainLabels, xTest, testLabels }, { iters: 301, batchSize: 100, learningRate: 0.1, seed: 42, evalEvery: 300, evaluateSampleNumPerEpoch: 2000 });
    // Evaluated after the first step and after 300 more, as the book's trainer does.
    assert.deepEqual(result.epochs.map((e) => e.iteration), [1, 301]);
    assert.ok(result.epochs[0]!.testAcc < 0.3);
    assert.ok(result.epochs.at(-1)!.testAcc > 0.8, `trainer test accuracy ${result.epochs.at(-1)!.testAcc}`);
  });

  it('accepts one-hot targets, and refuses targets and inputs that do not fit in one line', () => {
    const rng = new Random(2);
    const net = new AutogradTwoLayerNet(6, 5, 3, { seed: 1, weightInitStd: 0.5 });
    const x = randomTensor([4, 6], rng);
    const labels = Int32Array.from([2, 0, 1, 1]);
    const hot = Tensor.zeros([4, 3]);
    labels.forEach((l, i) => hot.set(1, i, l));
    const byLabels = net.gradient(x, labels);
    const W1 = Float64Array.from(byLabels.W1.data);
    assert.deepEqual(net.gradient(x, hot).W1.data, W1);
    assert.equal(net.loss(x, [2, 0, 1, 1]), net.loss(x, labels));
    hot.set(0.5, 0, 0);
    assert.throws(() => net.gradient(x, hot), /^RangeError: TwoLayerNet.gradient: target row 0 is not one-hot/);
    assert.throws(() => net.predict(randomTensor([4, 5], rng)), /^RangeError: TwoLayerNet: input has shape \[4, 5\] but the network takes \[batch, 6\]$/);
    assert.throws(() => net.predict(randomTensor([4, 6], rng, 'float32')), /^TypeError: TwoLayerNet: input is float32 but the network is float64$/);
    assert.throws(() => net.accuracy(x, Int32Array.from([1])), /^RangeError: TwoLayerNet.accuracy: 1 targets for input \[4, 6\]$/);
    assert.throws(() => new AutogradTwoLayerNet(6, 0, 3), /^RangeError: TwoLayerNet: hiddenSize must be a positive integer, got 0$/);
  });
});

describe('examples/autograd_two_layer_net (the seed loop on the autograd net, shortened)', () => {
  it('prints train and test accuracy once per epoch, the same lines as examples/train_neuralnet', async () => {
    const { trainAutogradTwoLayerNet } = await import('../../examples/autograd_two_layer_net.js');
    const { trainNeuralnet } = await import('../../examples/train_neuralnet.js');
    const lines: string[] = [];
    trainAutogradTwoLayerNet((line) => lines.push(line), 601);
    assert.equal(lines.length, 2);
    const [trainAcc, testAcc] = lines[1]!.split(' ').map(Number) as [number, number];
    assert.ok(trainAcc > 0.88 && testAcc > 0.88, lines[1]);
    // Same seed, same weights, same batches, gradients equal to rounding: the same accuracies.
    const layerLines: string[] = [];
    trainNeuralnet((line) => layerLines.push(line), 601);
    assert.deepEqual(lines, layerLines);
  });
});
