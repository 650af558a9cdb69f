// nabla for Node: everything in index.ts, the WebAssembly kernels loaded on first use with
// worker threads, and what needs Node: files, MNIST from disk, PNG/JPEG, checkpoints. In
// Node, `import 'nabla'` resolves here (package.json's "node" condition); `nabla/node` too.

import './platform/node/register.js';

export * from './index.js';

export { loadMnist, loadMnistBytes, oneHot, defaultMnistDir, MNIST_FILES, type LoadMnistOptions, type LoadMnistBytesOptions, type MnistData, type MnistBytes } from './data/mnist.js';
export { saveCheckpoint, loadCheckpoint, type Checkpoint, type RunSetup, type SavedTrainConfig } from './train/checkpoint.js';
export { saveNetwork, loadNetwork } from './io/model_file.js';
export { ThreadScorer, type ScoringSets } from './platform/node/scorer_thread.js';
export { readSafetensorsFile, writeSafetensorsFile } from './io/safetensors_file.js';
export { decodePng, decodeJpeg, decodeImage, readImageFile, ImageFormatError, MAX_IMAGE_PIXELS, MAX_IMAGE_SIDE } from './data/image_file.js';
export { encodePng, digitGridSvg } from './data/digit_grid.js';
