// The TensorFlow.js column of `npm run bench`: the seed's MNIST run (TwoLayerNet(784, 50, 10),
// mini-batch SGD, batch 100 with replacement, lr 0.1, init std 0.01, accuracy on all train
// and test images every 600 iterations) on @tensorflow/tfjs-backend-wasm, float32.
// Prints one JSON line; exits 2 with a message on stderr when the backend cannot start.
//
// The gradient is written out with tf ops rather than taken with tf.variableGrads: the
// tfjs-core Node bundle registers no gradient functions (only the @tensorflow/tfjs union
// package does, and it is not a dependency), so autodiff fails on the first op. The explicit
// backward is the same arithmetic without the tape's bookkeeping, so tfjs is, if anything,
// favoured. The forward pass uses tf.fused.matMul (bias and Relu fused, as tfjs-layers'
// Dense does), and no second forward pass computes the loss: the competitor is not
// handicapped by the seed's habits. Two measured tfjs-wasm slow paths are avoided the way
// a careful user would: matMul's transpose flags (about 8× slower here than an explicit
// tf.transpose first, and what autodiff would use) and tf.gather of the batch rows (about
// 20× slower than copying them in JavaScript).

import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { defaultMnistDir as mnistDir } from '../src/data/mnist.js';
import { loadRawSplit, type RawSplit } from './lib/mnist_raw.js';
import { Random } from '../src/tensor/random.js';

const HIDDEN = 50;
const CLASSES = 10;
const EVAL_BLOCK = 10000;

interface Options {
  iters: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  dataDir: string;
}

interface Evaluation {
  iteration: number;
  trainAcc: number;
  testAcc: number;
  loss: number;
}

async function startWasm(): Promise<void> {
  // Offline in Node the .wasm files must come from the package itself, by file path.
  const require = createRequire(import.meta.url);
  setWasmPaths(`${join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist')}/`);
  const ok = await tf.setBackend('wasm');
  await tf.ready();
  if (!ok || tf.getBackend() !== 'wasm') throw new Error(`tf.setBackend('wasm') failed (active backend: ${tf.getBackend() ?? 'none'})`);
}

function run(options: Options): Record<string, unknown> {
  const train = loadRawSplit(options.dataDir, 'train');
  const test = loadRawSplit(options.dataDir, 'test');
  const xTrain = tf.tensor2d(train.images, [train.count, train.pixels]);
  const xTest = tf.tensor2d(test.images, [test.count, test.pixels]);

  const param = (initial: tf.Tensor, name: string): tf.Variable => {
    const variable = tf.variable(initial, false, name);
    initial.dispose(); // the variable keeps its own reference to the data
    return variable;
  };
  const W1 = param(tf.randomNormal([train.pixels, HIDDEN], 0, 0.01, 'float32', options.seed), 'W1');
  const b1 = param(tf.zeros([HIDDEN]), 'b1');
  const W2 = param(tf.randomNormal([HIDDEN, CLASSES], 0, 0.01, 'float32', options.seed + 1), 'W2');
  const b2 = param(tf.zeros([CLASSES]), 'b2');
  const params = [W1, b1, W2, b2];
  const predict = (x: tf.Tensor2D): tf.Tensor => tf.fused.matMul({ a: tf.fused.matMul({ a: x, b: W1, bias: b1, activation: 'relu' }), b: W2, bias: b2 });

  const accuracy = (x: tf.Tensor2D, split: RawSplit): number => {
    let correct = 0;
    for (let start = 0; start < split.count; start += EVAL_BLOCK) {
      const rows = Math.min(EVAL_BLOCK, split.count - start);
      const predicted = tf.tidy(() => tf.argMax(predict(tf.slice(x, [start, 0], [rows, split.pixels])), 1).dataSync());
      for (let i = 0; i < rows; i++) if (predicted[i] === split.labels[start + i]) correct++;
    }
    return correct / split.count;
  };

  const rng = new Random(options.seed);
  const random = (): number => rng.uniform();
  const xBatchData = new Float32Array(options.batchSize * train.pixels);
  const tBatchData = new Float32Array(options.batchSize * CLASSES);
  const evalEvery = Math.max(Math.floor(train.count / options.batchSize), 1);
  const evaluations: Evaluation[] = [];
  const started = performance.now();
  for (let i = 0; i < options.iters; i++) {
    tBatchData.fill(0);
    for (let j = 0; j < options.batchSize; j++) {
      const row = Math.floor(random() * train.count);
      xBatchData.set(train.images.subarray(row * train.pixels, (row + 1) * train.pixels), j * train.pixels);
      tBatchData[j * CLASSES + train.labels[row]!] = 1;
    }
    const loss = tf.tidy(() => {
      const xBatch = tf.tensor2d(xBatchData, [options.batchSize, train.pixels]);
      const tBatch = tf.tensor2d(tBatchData, [options.batchSize, CLASSES]);
      const z1 = tf.fused.matMul({ a: xBatch, b: W1, bias: b1, activation: 'relu' });
      const y = tf.softmax(tf.fused.matMul({ a: z1, b: W2, bias: b2 }));
      // The book's loss: mean of −log(y_true + 1e-7).
      const value = tf.neg(tf.mean(tf.log(tf.add(tf.sum(tf.mul(y, tBatch), 1), 1e-7))));
      const dScores = tf.div(tf.sub(y, tBatch), options.batchSize);
      const dA1 = tf.mul(tf.matMul(dScores, tf.transpose(W2)), tf.step(z1)); // Relu passes where its output is > 0
      const grads = [tf.matMul(tf.transpose(xBatch), dA1), tf.sum(dA1, 0), tf.matMul(tf.transpose(z1), dScores), tf.sum(dScores, 0)];
      params.forEach((p, k) => p.assign(tf.sub(p, tf.mul(grads[k]!, options.learningRate))));
      return value.dataSync()[0]!;
    });
    if (!Number.isFinite(loss)) throw new Error(`training diverged at iteration ${i}: loss ${loss}`);
    if (i % evalEvery === 0) {
      evaluations.push({ iteration: i, trainAcc: accuracy(xTrain, train), testAcc: accuracy(xTest, test), loss });
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const last = evaluations[evaluations.length - 1]!;
  return {
    seconds,
    trainAcc: last.trainAcc,
    testAcc: last.testAcc,
    iters: options.iters,
    epochs: evaluations,
    tfjs: tf.version_core,
    backend: tf.getBackend(),
    simd: tf.env().getBool('WASM_HAS_SIMD_SUPPORT'),
    multithread: tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT'),
    // 6 (the two image sets and four parameters) when nothing leaked, whatever the iteration count.
    liveTensors: tf.memory().numTensors,
  };
}

function parseOptions(): Options {
  const { values } = parseArgs({
    options: {
      iters: { type: 'string', default: '10000' },
      seed: { type: 'string', default: '42' },
      'data-dir': { type: 'string' },
    },
    strict: true,
  });
  const iters = Number(values.iters);
  const seed = Number(values.seed);
  if (!Number.isInteger(iters) || iters < 1) throw new RangeError(`--iters must be a positive integer, got ${values.iters}`);
  if (!Number.isInteger(seed)) throw new RangeError(`--seed must be an integer, got ${values.seed}`);
  return { iters, batchSize: 100, learningRate: 0.1, seed, dataDir: values['data-dir'] ?? mnistDir() };
}

async function main(): Promise<number> {
  let options: Options;
  try {
    options = parseOptions();
  } catch (error) {
    process.stderr.write(`tfjs_seed: ${error instanceof Error ? error.message : String(error)}\nUsage: node dist/bench/tfjs_seed.js [--iters N] [--seed N] [--data-dir DIR]\n`);
    return 64;
  }
  try {
    await startWasm();
  } catch (error) {
    process.stderr.write(`tfjs_seed: the TensorFlow.js wasm backend is unavailable: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  try {
    process.stdout.write(`${JSON.stringify(run(options))}\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`tfjs_seed: the run failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  }
}

process.exitCode = await main();
