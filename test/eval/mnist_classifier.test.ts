import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { classifyDigit, decodeMnistClassifier } from '../../src/eval/mnist_classifier.js';
import { encodeNetwork } from '../../src/io/model.js';
import { SafetensorsError } from '../../src/io/safetensors.js';
import { TwoLayerNet } from '../../src/nets/two_layer_net.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { mnistDigits } from '../helpers.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const shipped = (name: string): Uint8Array => new Uint8Array(readFileSync(join(root, 'models', `${name}.safetensors`)));

function softmax(scores: ArrayLike<number>): number[] {
  const max = Math.max(...Array.from(scores));
  const e = Array.from(scores, (s) => Math.exp(s - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}

describe('decodeMnistClassifier and classifyDigit', () => {
  for (const name of ['deep-conv', 'simple-conv']) {
    it(`classify MNIST test digits with the shipped ${name} as its own forward pass does`, () => {
      const { network, spec } = decodeMnistClassifier(shipped(name), name);
      assert.equal(spec.dtype, 'float32');
      const digits = mnistDigits(3);
      digits.forEach((digit, i) => {
        const guess = classifyDigit(network, digit);
        assert.equal(guess.label, [7, 2, 1][i]);
        const x = Tensor.empty([1, 784], 'float32');
        x.data.set(digit);
        const expected = softmax(network.predict(x, false).data);
        assert.equal(guess.probabilities.length, 10);
        guess.probabilities.forEach((p, c) => assert.ok(Math.abs(p - expected[c]!) < 1e-6, `class ${c}: ${p} vs ${expected[c]}`));
      });
    });
  }

  it('refuses a model of another shape in one line naming the file', () => {
    const bytes = encodeNetwork(new TwoLayerNet(4, 3, 2, { seed: 1 }));
    assert.throws(() => decodeMnistClassifier(bytes, 'tiny.safetensors'), {
      message: 'tiny.safetensors: the network maps 4 inputs to 2 classes; MNIST digits need 784 to 10',
    });
  });

  it('refuses bytes that are no model in one line naming the file', () => {
    assert.throws(() => decodeMnistClassifier(new TextEncoder().encode('not a model at all'), 'notes.safetensors'), (e: unknown) => {
      assert.ok(e instanceof SafetensorsError);
      assert.match(e.message, /^notes\.safetensors: [^\n]+$/);
      return true;
    });
  });

  it('refuses an input that is not 784 values', () => {
    const { network } = decodeMnistClassifier(shipped('simple-conv'), 'simple-conv');
    assert.throws(() => classifyDigit(network, new Float64Array(100)), { name: 'RangeError', message: 'classifyDigit: expected 784 inputs, got 100' });
  });
});
