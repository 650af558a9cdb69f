import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { DataFormatError } from '../../src/data/idx.js';
import { defaultMnistDir, loadMnist, MNIST_FILES } from '../../src/data/mnist.js';
import { MNIST_IDX_NAMES, mnistFromBytes, type MnistIdxBytes } from '../../src/data/mnist_bytes.js';

/** An IDX file of unsigned bytes: magic 0x0000 08 rank, dims, values. */
function idx(dims: number[], values: number[], magic = 0x800 + dims.length): Uint8Array {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE(magic, 0);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return new Uint8Array(Buffer.concat([header, Buffer.from(values)]));
}

/** A tiny MNIST-shaped dataset: three 2×2 training images, one test image. */
function tiny(overrides: Partial<MnistIdxBytes> = {}): MnistIdxBytes {
  return {
    trainImages: idx([3, 2, 2], [0, 255, 51, 102, 1, 2, 3, 4, 5, 6, 7, 8]),
    trainLabels: idx([3], [7, 0, 9]),
    testImages: idx([1, 2, 2], [255, 0, 0, 255]),
    testLabels: idx([1], [3]),
    ...overrides,
  };
}

describe('mnistFromBytes', () => {
  it('turns the four files into normalized image rows and class labels', () => {
    const data = mnistFromBytes(tiny(), { dtype: 'float32' });
    assert.deepEqual(data.xTrain.shape, [3, 4]);
    assert.equal(data.xTrain.dtype, 'float32');
    assert.deepEqual(Array.from(data.xTrain.data.subarray(0, 4)), [0, 1, Math.fround(0.2), Math.fround(0.4)]);
    assert.deepEqual(Array.from(data.trainLabels), [7, 0, 9]);
    assert.deepEqual(data.xTest.shape, [1, 4]);
    assert.deepEqual(Array.from(data.testLabels), [3]);
    assert.deepEqual(data.imageSize, [2, 2]);
  });

  it('keeps raw pixels and images as [n, 1, rows, cols] when asked', () => {
    const data = mnistFromBytes(tiny(), { normalize: false, flatten: false, placement: 'heap' });
    assert.deepEqual(data.xTrain.shape, [3, 1, 2, 2]);
    assert.equal(data.xTrain.dtype, 'float64');
    assert.deepEqual(Array.from(data.xTest.data), [255, 0, 0, 255]);
  });

  it('gives what loadMnist gives for the shipped MNIST files', () => {
    const dir = defaultMnistDir();
    const files = Object.fromEntries(Object.entries(MNIST_IDX_NAMES).map(([key, name]) => [key, new Uint8Array(readFileSync(join(dir, name)))])) as MnistIdxBytes;
    assert.deepEqual(MNIST_IDX_NAMES, MNIST_FILES);
    const fromBytes = mnistFromBytes(files, { dtype: 'float32' });
    const fromDisk = loadMnist({ dtype: 'float32' });
    assert.deepEqual(fromBytes.xTrain.shape, [60000, 784]);
    assert.deepEqual(fromBytes.xTest.shape, fromDisk.xTest.shape);
    assert.deepEqual(fromBytes.trainLabels, fromDisk.trainLabels);
    assert.deepEqual(fromBytes.testLabels, fromDisk.testLabels);
    for (const [a, b] of [[fromBytes.xTrain, fromDisk.xTrain], [fromBytes.xTest, fromDisk.xTest]] as const) {
      let differ = 0;
      for (let i = 0; i < a.size; i++) if (a.data[i] !== b.data[i]) differ++;
      assert.equal(differ, 0);
    }
  });

  it('names the file in one line for each kind of bad input', () => {
    const cases: [Partial<MnistIdxBytes>, RegExp][] = [
      [{ trainLabels: idx([2], [7, 0]) }, /^train-labels-idx1-ubyte: holds 2 labels but train-images-idx3-ubyte holds 3 images$/],
      [{ testLabels: idx([1], [10]) }, /^t10k-labels-idx1-ubyte: label 10 at index 0 is not a digit class 0–9$/],
      [{ testImages: idx([1, 3, 3], [0, 0, 0, 0, 0, 0, 0, 0, 0]) }, /^t10k-images-idx3-ubyte: test images are 3×3 but training images are 2×2$/],
      [{ trainImages: idx([3, 2, 2], [1, 2, 3]) }, /^train-images-idx3-ubyte: truncated: header says \[3 × 2 × 2\] = 12 values but only 3 bytes follow$/],
      [{ trainImages: idx([0, 2, 2], []) }, /^train-images-idx3-ubyte: holds no images$/],
      [{ trainImages: idx([3, 4], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]) }, /^train-images-idx3-ubyte: magic number 0x00000802 says 2 dimensions, expected 3/],
      [{ trainImages: new Uint8Array(gzipSync(tiny().trainImages)) }, /^train-images-idx3-ubyte: is gzip-compressed; give the uncompressed IDX bytes/],
      [{ testLabels: new TextEncoder().encode('<!doctype html><title>404</title>') }, /^t10k-labels-idx1-ubyte: not an IDX file/],
    ];
    for (const [files, message] of cases) {
      assert.throws(() => mnistFromBytes(tiny(files)), (error: unknown) => error instanceof DataFormatError && message.test(error.message) && !error.message.includes('\n'), String(message));
    }
  });

  it('names the source it was given (the URL the page fetched)', () => {
    assert.throws(() => mnistFromBytes(tiny({ testLabels: idx([1], [12]) }), { sources: { testLabels: 'http://localhost/data/t10k-labels-idx1-ubyte' } }),
      /^DataFormatError: http:\/\/localhost\/data\/t10k-labels-idx1-ubyte: label 12 at index 0/);
  });

  it('refuses a missing file and unknown options', () => {
    const { testLabels: _, ...three } = tiny();
    assert.throws(() => mnistFromBytes(three as MnistIdxBytes), /^TypeError: mnistFromBytes: testLabels \(t10k-labels-idx1-ubyte\) must be a Uint8Array, got undefined$/);
    assert.throws(() => mnistFromBytes(tiny(), { dtype: 'float16' as 'float32' }), /dtype must be 'float64' or 'float32'/);
    assert.throws(() => mnistFromBytes(tiny(), { oneHot: true } as object), /mnistFromBytes: unknown option 'oneHot'/);
  });
});
