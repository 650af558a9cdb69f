// MNIST as plain typed arrays, for the competitor runs that must not go through nabla's
// tensors or backends. Only the pure IDX parser is shared with the library.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseIdx } from '../../src/data/idx.js';

export interface RawSplit {
  /** Pixels scaled to 0..1, row-major [count, pixels]. */
  images: Float32Array;
  labels: Int32Array;
  count: number;
  pixels: number;
}

export function loadRawSplit(dir: string, split: 'train' | 'test'): RawSplit {
  const prefix = split === 'train' ? 'train' : 't10k';
  const imagesPath = join(dir, `${prefix}-images-idx3-ubyte`);
  const labelsPath = join(dir, `${prefix}-labels-idx1-ubyte`);
  const idxImages = parseIdx(readFileSync(imagesPath), imagesPath, 3);
  const idxLabels = parseIdx(readFileSync(labelsPath), labelsPath, 1);
  const [count, rows, cols] = idxImages.dims as [number, number, number];
  const images = new Float32Array(idxImages.data.length);
  for (let i = 0; i < images.length; i++) images[i] = idxImages.data[i]! / 255;
  return { images, labels: Int32Array.from(idxLabels.data), count, pixels: rows * cols };
}
