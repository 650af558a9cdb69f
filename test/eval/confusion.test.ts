import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { classify } from '../../src/eval/classify.js';
import { accuracyOf, confusionMatrix, perClassAccuracy } from '../../src/eval/confusion.js';
import { TwoLayerNet } from '../../src/nets/two_layer_net.js';
import { Random } from '../../src/tensor/random.js';
import { randomTensor } from '../helpers.js';

describe('confusionMatrix', () => {
  it('counts true classes in rows and predictions in columns', () => {
    const labels = Int32Array.from([0, 0, 1, 2, 2, 2]);
    const predicted = Int32Array.from([0, 1, 1, 2, 0, 2]);
    assert.deepEqual(confusionMatrix(predicted, labels, 3), [
      [1, 1, 0],
      [0, 1, 0],
      [1, 0, 2],
    ]);
  });

  it('derives per-class and overall accuracy, NaN for a class with no examples', () => {
    const confusion = confusionMatrix([0, 1, 1, 0, 1], [0, 0, 1, 1, 1], 3);
    assert.deepEqual(perClassAccuracy(confusion), [
      { class: 0, count: 2, correct: 1, accuracy: 0.5 },
      { class: 1, count: 3, correct: 2, accuracy: 2 / 3 },
      { class: 2, count: 0, correct: 0, accuracy: Number.NaN },
    ]);
    assert.equal(accuracyOf(confusion), 3 / 5);
    assert.ok(Number.isNaN(accuracyOf(confusionMatrix([], [], 2))));
  });

  it('refuses mismatched lengths and labels or predictions outside the classes', () => {
    assert.throws(() => confusionMatrix([0, 1], [0], 2), /2 predictions for 1 labels/);
    assert.throws(() => confusionMatrix([0], [10], 10), /label 10 at index 0 is not a class in 0\.\.9/);
    assert.throws(() => confusionMatrix([-1], [0], 10), /prediction -1 at index 0/);
    assert.throws(() => confusionMatrix([0.5], [0], 10), /prediction 0\.5/);
    assert.throws(() => confusionMatrix([0], [0], 0), /classes must be a positive integer/);
  });
});

describe('classify', () => {
  for (const dtype of ['float64', 'float32'] as const) {
    it(`labels agree with TwoLayerNet.accuracy and probabilities are the softmax of the scores (${dtype})`, () => {
      const rng = new Random(7);
      // Weights large enough that the scores, and so the labels, vary from row to row.
      const network = new TwoLayerNet(12, 8, 5, { seed: 3, weightInitStd: 1, dtype });
      // More rows than one evaluation block, so the blocking itself is exercised.
      const rows = 10_003;
      const x = randomTensor([rows, 12], rng, dtype);
      const { labels, probabilities, classes } = classify(network, x);
      assert.equal(classes, 5);
      assert.equal(labels.length, rows);
      assert.equal(probabilities.length, rows * 5);
      assert.ok(dtype === 'float32' ? probabilities instanceof Float32Array : probabilities instanceof Float64Array);

      const confusion = confusionMatrix(labels, labels, 5);
      assert.equal(new Set(labels).size, 5, 'every class predicted somewhere');
      assert.equal(accuracyOf(confusion), 1);

      // Independent of classify: scores row by row, argmax and softmax in plain JS.
      const tolerance = dtype === 'float32' ? 1e-6 : 1e-12;
      for (const i of [0, 1, 9_999, 10_000, 10_002]) {
        const scores = Array.from(network.predict(x.slice(i, i + 1)).data);
        const max = Math.max(...scores);
        const exps = scores.map((s) => Math.exp(s - max));
        const sum = exps.reduce((a, b) => a + b, 0);
        assert.equal(labels[i], scores.indexOf(max), `label of row ${i}`);
        exps.forEach((e, c) => assert.ok(Math.abs(probabilities[i * 5 + c]! - e / sum) <= tolerance, `p[${i}, ${c}]`));
      }
      const truth = new Int32Array(rows);
      for (let i = 0; i < rows; i++) truth[i] = (labels[i]! + (i % 3 === 0 ? 1 : 0)) % 5;
      assert.equal(accuracyOf(confusionMatrix(labels, truth, 5)), network.accuracy(x, truth));
    });
  }

  it('rejects input that is not [rows, inputSize]', () => {
    const network = new TwoLayerNet(4, 3, 2);
    assert.throws(() => classify(network, randomTensor([2, 2, 2], new Random(1))), /classify: input must be \[rows, 4\], got \[2, 2, 2\]/);
  });
});
