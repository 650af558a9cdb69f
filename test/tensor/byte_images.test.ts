// MNIST kept as bytes: loadMnistBytes against loadMnist, ByteImages' views and conversions,
// and training from bytes against training from the float copy (the same bits, every network).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { ByteImages } from '../../src/tensor/byte_images.js';
import { loadMnist, loadMnistBytes } from '../../src/data/mnist.js';
import { MultiLayerNet } from '../../src/nets/multi_layer_net.js';
import { SimpleConvNet } from '../../src/nets/simple_conv_net.js';
import { TwoLayerNet } from '../../src/nets/two_layer_net.js';
import type { TrainableNetwork } from '../../src/nets/network.js';
import { Random } from '../../src/tensor/random.js';
import { BlockScorer } from '../../src/train/images.js';
import { Trainer, type TrainConfig, type TrainData } from '../../src/train/train.js';
import type { TrainImages } from '../../src/train/images.js';

function sameBits(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  assert.equal(a.length, b.length, `${what}: length`);
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) assert.fail(`${what}: element ${i} is ${a[i]}, expected ${b[i]}`);
}

/** Random MNIST-like bytes: mostly zeros, some full ink. */
function pixels(rows: number, cols: number, seed: number): Uint8Array {
  const rng = new Random(seed);
  return Uint8Array.from({ length: rows * cols }, () => {
    const r = rng.uniform();
    return r < 0.7 ? 0 : r < 0.8 ? 255 : Math.floor(rng.uniform() * 256);
  });
}

describe('loadMnistBytes', () => {
  it('holds exactly the values of loadMnist, both dtypes, flat or as images', () => {
    for (const dtype of ['float64', 'float32'] as const) {
      const bytes = loadMnistBytes({ dtype });
      const floats = loadMnist({ dtype });
      assert.deepEqual(bytes.xTrain.shape, [60000, 784]);
      assert.deepEqual(bytes.xTest.shape, [10000, 784]);
      assert.equal(bytes.xTrain.dtype, dtype);
      sameBits(bytes.trainLabels, floats.trainLabels, 'train labels');
      sameBits(bytes.xTest.toFloats().data, floats.xTest.data, `${dtype} test images`);
      // A block from the middle, and a gathered batch.
      sameBits(bytes.xTrain.toFloats(31000, 31100).data, floats.xTrain.slice(31000, 31100).data, `${dtype} train block`);
    }
    const images = loadMnistBytes({ flatten: false, normalize: false, dtype: 'float32' });
    assert.deepEqual(images.xTest.shape, [10000, 1, 28, 28]);
    sameBits(images.xTest.toFloats(0, 2).data, loadMnist({ flatten: false, normalize: false, dtype: 'float32' }).xTest.slice(0, 2).data, 'raw images');
  });

  it('refuses options by its own name', () => {
    assert.throws(() => loadMnistBytes({ oneHotLabel: true } as never), /: loadMnistBytes: unknown option 'oneHotLabel' \(valid: normalize, flatten, dataDir, dtype\)$/);
    assert.throws(() => loadMnistBytes({ dtype: 'int8' as never }), /: loadMnistBytes: dtype must be 'float64' or 'float32', got 'int8'$/);
  });
});

describe('ByteImages', () => {
  const images = new ByteImages(pixels(7, 5, 1), [7, 5], 1 / 255, 'float64');

  it('gathers rows and converts blocks into a reused buffer', () => {
    const floats = images.toFloats();
    assert.deepEqual(floats.shape, [7, 5]);
    const batch = images.toFloats(0, 3); // any [3, 5] float64 tensor
    images.gather(Int32Array.of(6, 0, 6), batch);
    sameBits(batch.data, [...floats.row(6).data, ...floats.row(0).data, ...floats.row(6).data], 'gather');
    const into = images.toFloats(0, 4);
    const block = images.toFloats(4, 7, into);
    assert.equal(block.data.buffer, into.data.buffer, 'the block is a view of the buffer given');
    assert.deepEqual(block.shape, [3, 5]);
    sameBits(block.data, floats.slice(4, 7).data, 'block');
    sameBits(images.slice(2, 5).toFloats().data, floats.slice(2, 5).data, 'slice');
  });

  it('refuses shapes, ranges and buffers that do not fit', () => {
    assert.throws(() => new ByteImages(new Uint8Array(10), [3, 3], 1, 'float64'), /shape \[3, 3\] needs 9 bytes, got 10/);
    assert.throws(() => new ByteImages(new Uint8Array(3), [3], 1, 'float64'), /needs a row dimension and at least one more/);
    assert.throws(() => images.toFloats(5, 8), /5\.\.8 is outside 0\.\.7/);
    assert.throws(() => images.toFloats(0, 4, images.toFloats(0, 3)), /too small/);
    assert.throws(() => images.gather(Int32Array.of(7), images.toFloats(0, 1)), /index 7 outside 0\.\.6/);
  });
});

/** A run of `config` on bytes and on their float copy: every loss and evaluation must agree bit for bit. */
function trainBoth(makeNet: () => TrainableNetwork, bytes: ByteImages, test: ByteImages, labels: Int32Array, testLabels: Int32Array, config: TrainConfig): void {
  const run = (x: TrainImages, xt: TrainImages): { losses: number[]; epochs: unknown[] } => {
    const data: TrainData<TrainImages> = { xTrain: x, trainLabels: labels, xTest: xt, testLabels };
    const trainer = new Trainer(makeNet(), data, config);
    while (trainer.step());
    const r = trainer.result();
    return { losses: r.losses, epochs: r.epochs.map(({ seconds: _, ...e }) => e) };
  };
  const fromBytes = run(bytes, test);
  const fromFloats = run(bytes.toFloats(), test.toFloats());
  sameBits(fromBytes.losses, fromFloats.losses, 'losses');
  assert.deepEqual(fromBytes.epochs, fromFloats.epochs);
  assert.ok(fromBytes.epochs.length >= 2);
}

describe('training from bytes', () => {
  const labelsOf = (n: number, classes: number, seed: number): Int32Array => {
    const rng = new Random(seed);
    return Int32Array.from({ length: n }, () => Math.floor(rng.uniform() * classes));
  };

  it('TwoLayerNet and MultiLayerNet learn the same bits as from the float copy, both dtypes', () => {
    for (const dtype of ['float64', 'float32'] as const) {
      const x = new ByteImages(pixels(150, 64, 3), [150, 64], 1 / 255, dtype);
      const t = new ByteImages(pixels(40, 64, 4), [40, 64], 1 / 255, dtype);
      const config = { iters: 30, batchSize: 10, learningRate: 0.5, seed: 9, evalEvery: 10 };
      trainBoth(() => new TwoLayerNet(64, 12, 5, { dtype, seed: 2 }), x, t, labelsOf(150, 5, 1), labelsOf(40, 5, 2), config);
      trainBoth(() => new MultiLayerNet(64, [10, 8], 5, { dtype, seed: 3 }), x, t, labelsOf(150, 5, 1), labelsOf(40, 5, 2), { ...config, optimizer: 'adam', learningRate: 0.01 });
    }
  });

  it('SimpleConvNet reads byte rows as images, scored in its own blocks of 100', () => {
    const x = new ByteImages(pixels(230, 64, 5), [230, 64], 1 / 255, 'float32');
    const net = (): SimpleConvNet => new SimpleConvNet({ inputDim: [1, 8, 8], convParam: { filterNum: 2, filterSize: 3, pad: 0, stride: 1 }, hiddenSize: 6, outputSize: 3, dtype: 'float32' });
    trainBoth(net, x, x.slice(0, 210), labelsOf(230, 3, 3), labelsOf(210, 3, 3), { iters: 8, batchSize: 20, learningRate: 0.01, seed: 4, evalEvery: 4, optimizer: 'adam' });
  });

  it('BlockScorer counts across blocks as the network would on the whole', () => {
    const x = new ByteImages(pixels(250, 64, 6), [250, 64], 1 / 255, 'float64');
    const labels = labelsOf(250, 3, 7);
    const net = new SimpleConvNet({ inputDim: [1, 8, 8], convParam: { filterNum: 2, filterSize: 3, pad: 0, stride: 1 }, hiddenSize: 6, outputSize: 3, weightInitStd: 0.5 });
    assert.equal(new BlockScorer().accuracy(net, x, labels), net.accuracy(x.toFloats(), labels));
  });

  it('BlockScorer cuts blocks smaller than the network\'s own to fit its byte budget, with the same count', () => {
    for (const dtype of ['float64', 'float32'] as const) {
      const x = new ByteImages(pixels(250, 64, 8), [250, 64], 1 / 255, dtype);
      const labels = labelsOf(250, 4, 9);
      const net = new TwoLayerNet(64, 20, 4, { dtype, weightInitStd: 0.5, seed: 4 });
      const whole = net.accuracy(x.toFloats(), labels);
      assert.ok(whole > 0.2 && whole < 0.8, `a count that blocks could get wrong: ${whole}`);
      // 7 rows of 64 values per block, and a ragged last block.
      assert.equal(new BlockScorer(7 * 64 * (dtype === 'float32' ? 4 : 8)).accuracy(net, x, labels), whole);
      assert.equal(new BlockScorer(1).accuracy(net, x, labels), whole); // one row at a time
    }
  });
});

describe('BlockScorer', () => {
  it('refuses labels that do not match the images in number, as a float tensor would', () => {
    const images = new ByteImages(new Uint8Array(6 * 4).fill(3), [6, 4], 1 / 255, 'float64');
    const net = new TwoLayerNet(4, 3, 2, { seed: 1 });
    const scorer = new BlockScorer();
    assert.throws(() => scorer.accuracy(net, images, new Int32Array(7)), /^RangeError: accuracy: 7 labels for 6 images$/);
    assert.throws(() => scorer.accuracy(net, images, new Int32Array(5)), /5 labels for 6 images/);
    assert.ok(Number.isFinite(scorer.accuracy(net, images, new Int32Array(6))));
  });
});

describe('ByteImages memory', () => {
  // A child with --expose-gc: the bytes come from the wasm backend's allocBytes, which gives
  // its memory back once the array is collected. A slice must keep it, even when the backend
  // object that made it is replaced, or a later allocation would overwrite the pixels.
  it('a slice keeps its bytes alive after the original and its backend are dropped', () => {
    const register = new URL('../../src/platform/node/register.js', import.meta.url).href;
    const byteImages = new URL('../../src/tensor/byte_images.js', import.meta.url).href;
    const backendIndex = new URL('../../src/backend/index.js', import.meta.url).href;
    const script = `
      await import(${JSON.stringify(register)});
      const { ByteImages } = await import(${JSON.stringify(byteImages)});
      const { setBackend, getBackend } = await import(${JSON.stringify(backendIndex)});
      const rows = 4000, cols = 784;
      let original = getBackend().allocBytes(rows * cols);
      for (let i = 0; i < original.length; i++) original[i] = 1 + (i % 251);
      const slice = new ByteImages(original, [rows, cols], 1 / 255, 'float32').slice(0, rows);
      original = undefined;
      setBackend('wasm'); // a new backend object: the old one's bookkeeping must not matter
      for (let round = 0; round < 5; round++) {
        globalThis.gc();
        await new Promise((resolve) => setTimeout(resolve, 20));
        const other = getBackend().alloc('float32', (rows * cols) / 4); // the same size class
        other.fill(-1);
      }
      let wrong = 0;
      for (let i = 0; i < slice.bytes.length; i++) if (slice.bytes[i] !== 1 + (i % 251)) wrong++;
      console.log(wrong);`;
    const result = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout.trim(), '0', 'bytes of the slice were overwritten');
  });
});

describe('ByteImages.gatherInto', () => {
  it('copies the rows asked for, and refuses a bad index or a mismatched out', async () => {
    const { getBackend } = await import('../../src/backend/index.js');
    const bytes = getBackend().allocBytes(5 * 3);
    bytes.forEach((_, i) => (bytes[i] = i * 10));
    const x = new ByteImages(bytes, [5, 3], 0.5, 'float64');
    const out = new ByteImages(getBackend().allocBytes(3 * 3), [3, 3], 0.5, 'float64');
    x.gatherInto(Int32Array.from([4, 0, 4]), out);
    assert.deepEqual([...out.bytes], [120, 130, 140, 0, 10, 20, 120, 130, 140]);
    assert.throws(() => x.gatherInto(Int32Array.from([5, 0, 1]), out), /ByteImages\.gatherInto: index 5 outside 0\.\.4/);
    assert.throws(() => x.gatherInto(Int32Array.from([1, 2]), out), /ByteImages\.gatherInto: out is \[3, 3\] float64 ×0\.5, expected 2 rows of 3 float64 ×0\.5/);
    // From bytes in another buffer (a plain array) as from the backend's memory.
    const plain = new ByteImages(Uint8Array.from(bytes), [5, 3], 0.5, 'float64');
    const out2 = new ByteImages(getBackend().allocBytes(3 * 3), [3, 3], 0.5, 'float64');
    plain.gatherInto(Int32Array.from([1, 3, 1]), out2);
    assert.deepEqual([...out2.bytes], [30, 40, 50, 90, 100, 110, 30, 40, 50]);
    const other = new ByteImages(getBackend().allocBytes(9), [3, 3], 1, 'float64');
    assert.throws(() => x.gatherInto(Int32Array.from([1, 2, 3]), other), /expected 3 rows of 3 float64 ×0\.5/);
  });
});
