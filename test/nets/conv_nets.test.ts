import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { getBackend, referenceBackend, setBackend, type Backend } from '../../src/backend/index.js';
import { loadNetwork, saveNetwork } from '../../src/io/model_file.js';
import { DeepConvNet } from '../../src/nets/deep_conv_net.js';
import type { Network } from '../../src/nets/network.js';
import { buildNetwork, describeNetwork, parseNetworkSpec, specTensorShapes } from '../../src/nets/network_spec.js';
import { SimpleConvNet } from '../../src/nets/simple_conv_net.js';
import { Random } from '../../src/tensor/random.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { maxAbsDiff, randomTensor } from '../helpers.js';

const shapes = (net: Network): Record<string, readonly number[]> => Object.fromEntries(Object.entries(net.params).map(([k, t]) => [k, t.shape]));

function std(t: Tensor): number {
  let sum = 0;
  let squares = 0;
  for (const v of t.data) {
    sum += v;
    squares += v * v;
  }
  const mean = sum / t.size;
  return Math.sqrt(squares / t.size - mean * mean);
}

/** Every parameter's backprop gradient against central differences, the Dropout masks held fixed. */
function assertGradientMatches(net: Network, x: Tensor, t: Int32Array): void {
  // numericalGradient replays the layers' states from before it ran, so the masks it uses
  // are those the gradient() call after it draws.
  const numeric = net.numericalGradient!(x, t);
  const backprop = net.gradient(x, t);
  for (const key of Object.keys(net.params)) {
    const diff = maxAbsDiff(backprop[key]!.data, numeric[key]!.data);
    assert.ok(diff < 1e-7, `${key}: max |backprop − numerical| = ${diff}`);
  }
}

describe('SimpleConvNet', () => {
  it("has the book's layers and parameter shapes, W = 0.01·randn and b = 0", () => {
    const net = new SimpleConvNet();
    assert.deepEqual(shapes(net), { W1: [30, 1, 5, 5], b1: [30], W2: [4320, 100], b2: [100], W3: [100, 10], b3: [10] });
    assert.deepEqual(net.layers.map((l) => l.name), ['Convolution', 'Relu', 'Pooling', 'Affine', 'Relu', 'Affine']);
    assert.ok(Math.abs(std(net.params.W2!) - 0.01) < 0.0002, `std of W2 ${std(net.params.W2!)}`);
    assert.ok(net.params.b1!.data.every((v) => v === 0));
  });

  it('backprop matches numerical gradients in float64 (stride 2, padding 1)', () => {
    const rng = new Random(1);
    const net = new SimpleConvNet({ inputDim: [2, 9, 7], convParam: { filterNum: 3, filterSize: 3, pad: 1, stride: 2 }, hiddenSize: 6, outputSize: 4, weightInitStd: 0.3 });
    assertGradientMatches(net, randomTensor([3, 2, 9, 7], rng), new Int32Array([0, 3, 1]));
  });

  it('skips the first convolution\'s input gradient: no dcol product, no col2im', () => {
    const original = getBackend();
    after(() => setBackend(original));
    const calls = { gemm: 0, col2im: 0 };
    const counting: Backend = {
      ...referenceBackend,
      gemm: (...args) => {
        calls.gemm++;
        referenceBackend.gemm(...args);
      },
      col2im: (...args) => {
        calls.col2im++;
        referenceBackend.col2im(...args);
      },
    };
    setBackend(counting);
    const net = new SimpleConvNet({ inputDim: [1, 8, 8], convParam: { filterNum: 2, filterSize: 3, pad: 0, stride: 1 }, hiddenSize: 4, outputSize: 3 });
    net.gradient(randomTensor([2, 1, 8, 8], new Random(8)), new Int32Array([0, 1]));
    // forward: conv, two Affine; backward: dW and dx of each Affine, the conv's dW only.
    assert.deepEqual(calls, { gemm: 8, col2im: 0 });
  });

  it('reads rows of C·H·W values as images: the same scores either way', () => {
    const rng = new Random(2);
    const net = new SimpleConvNet({ weightInitStd: 0.1 });
    const images = randomTensor([4, 1, 28, 28], rng);
    const fromImages = net.predict(images).clone();
    assert.deepEqual(net.predict(images.reshape(4, 784)).data, fromImages.data);
    assert.throws(() => net.predict(Tensor.zeros([2, 783])), /input \[2, 783\] is neither images \[batch, 1, 28, 28\] nor rows \[batch, 784\]/);
  });

  it('refuses options that cannot make a network, naming them', () => {
    assert.throws(() => new SimpleConvNet({ convParam: { filterNum: 30, filterSize: 29, pad: 0, stride: 1 } }), /a 29×29 filter does not fit a 28×28 image/);
    assert.throws(() => new SimpleConvNet({ inputDim: [1, 28] as never }), /inputDim must be \[channels, height, width\]/);
    assert.throws(() => new SimpleConvNet({ hidden: 3 } as never), /unknown option 'hidden'/);
  });
});

describe('DeepConvNet', () => {
  it("has the book's sixteen parameters W1 … W8, b1 … b8, He-initialised, and its layers", () => {
    const net = new DeepConvNet();
    assert.deepEqual(shapes(net), {
      W1: [16, 1, 3, 3], b1: [16], W2: [16, 16, 3, 3], b2: [16], W3: [32, 16, 3, 3], b3: [32], W4: [32, 32, 3, 3], b4: [32],
      W5: [64, 32, 3, 3], b5: [64], W6: [64, 64, 3, 3], b6: [64], W7: [1024, 50], b7: [50], W8: [50, 10], b8: [10],
    });
    const names = net.layers.map((l) => l.name).join(' ');
    assert.equal(names, 'Convolution Relu Convolution Relu Pooling Convolution Relu Convolution Relu Pooling Convolution Relu Convolution Relu Pooling Affine Relu Dropout Affine Dropout');
    for (const [key, fanIn] of [['W2', 144], ['W6', 576], ['W7', 1024]] as const) {
      const expected = Math.sqrt(2 / fanIn);
      assert.ok(Math.abs(std(net.params[key]!) / expected - 1) < 0.05, `${key}: std ${std(net.params[key]!)}, He gives ${expected}`);
    }
  });

  it('backprop matches numerical gradients in float64, Dropout masks fixed', () => {
    const rng = new Random(3);
    const convParams = [3, 3, 4, 4, 5, 5].map((filterNum, i) => ({ filterNum, filterSize: 3, pad: i === 3 ? 2 : 1, stride: 1 }));
    const net = new DeepConvNet({ inputDim: [1, 12, 10], convParams, hiddenSize: 6, outputSize: 3, dropoutRatio: 0.3 });
    assertGradientMatches(net, randomTensor([2, 1, 12, 10], rng), new Int32Array([2, 0]));
  });
});

describe('conv net specs and model files', () => {
  it('save and load through a model file: same spec, same scores, shapes checked from the spec', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nabla-conv-'));
    const rng = new Random(4);
    const x = randomTensor([3, 784], rng);
    for (const net of [new SimpleConvNet({ hiddenSize: 7, seed: 5 }), new DeepConvNet({ hiddenSize: 9, seed: 6, dtype: 'float32' })] as Network[]) {
      const file = join(dir, `${net.spec().type}.safetensors`);
      await saveNetwork(net, file);
      const loaded = await loadNetwork(file);
      assert.deepEqual(loaded.spec, net.spec());
      assert.deepEqual(Object.keys(specTensorShapes(net.spec())).sort(), Object.keys(net.params).sort());
      const xs = net.spec().dtype === 'float32' ? Tensor.from(x.data, 'float32').reshape(3, 784) : x;
      assert.deepEqual(loaded.network.predict(xs).data, net.predict(xs).data);
      assert.match(describeNetwork(net.spec()), /ConvNet\(\[1, 28, 28\]/);
      assert.deepEqual(buildNetwork(net.spec()).spec(), net.spec());
    }
  });

  it('refuses a damaged spec field by field', () => {
    const fail = (problem: string): never => {
      throw new Error(problem);
    };
    const good = new DeepConvNet().spec();
    assert.deepEqual(parseNetworkSpec(JSON.parse(JSON.stringify(good)), fail), good);
    const { hiddenSize: _, ...missing } = good;
    assert.throws(() => parseNetworkSpec(missing, fail), /network spec: hiddenSize is missing/);
    assert.throws(() => parseNetworkSpec({ ...good, convParams: good.convParams.slice(0, 5) }, fail), /convParams must list six conv_params, got 5/);
    assert.throws(() => parseNetworkSpec({ ...good, inputDim: [1, 1e9, 1e9] }, fail), /inputDim must be \[channels, height, width\] of positive integers up to 65536/);
    assert.throws(() => parseNetworkSpec({ ...new SimpleConvNet().spec(), convParam: { filterNum: 3, filterSize: 3, pad: -1, stride: 1 } }, fail), /convParam.pad must be an integer in \[0, 65536\], got -1/);
    // The file's own text in a message is made printable: no bidi override, no line separator.
    assert.throws(() => parseNetworkSpec({ ...good, hiddenSize: '\u202eevil\u2028line' }, fail), (e: Error) => {
      assert.match(e.message, /hiddenSize must be a positive integer/);
      assert.doesNotMatch(e.message, /[\u202e\u2028]/);
      return true;
    });
  });
});
