// How loadMnist finds and reads its files: what it says about files it cannot use.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadMnist, MNIST_FILES } from '../../src/data/mnist.js';

function idx(dims: number[], values: number[]): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE(0x800 + dims.length, 0);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, Buffer.from(values)]);
}

function withDataset(files: Partial<Record<keyof typeof MNIST_FILES, Uint8Array>>, fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'nabla-mnist-files-'));
  const defaults = {
    trainImages: idx([2, 1, 1], [1, 2]),
    trainLabels: idx([2], [0, 1]),
    testImages: idx([1, 1, 1], [3]),
    testLabels: idx([1], [2]),
  };
  try {
    for (const key of Object.keys(MNIST_FILES) as (keyof typeof MNIST_FILES)[]) writeFileSync(join(dir, MNIST_FILES[key]), files[key] ?? defaults[key]);
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('loadMnist files', () => {
  it('names the file holding 0×0 images', () => {
    withDataset({ trainImages: idx([2, 0, 0], []) }, (dir) => {
      assert.throws(() => loadMnist({ dataDir: dir }), { message: `${join(dir, MNIST_FILES.trainImages)}: images are 0×0 pixels; an image needs at least one` });
    });
  });

  it('says what is wrong with a --data-dir that is not a folder instead of "not found"', () => {
    withDataset({}, (dir) => {
      const file = join(dir, MNIST_FILES.testLabels);
      assert.throws(() => loadMnist({ dataDir: file }), { message: `${join(file, MNIST_FILES.trainImages)}: cannot read (a part of the path is not a folder)` });
    });
  });
});
