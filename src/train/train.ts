import type { Labels } from '../layers/softmax_with_loss.js';
import type { TwoLayerNet } from '../nets/two_layer_net.js';
import { Random, type RandomState } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';
import { BatchSampler } from './batch_sampler.js';
import { SGD } from './sgd.js';

export interface TrainConfig {
  iters: number;
  batchSize: number;
  learningRate: number;
  /** Seed of the mini-batch draws. */
  seed: number;
  /** Iterations between evaluations; default: one epoch, max(trainSize / batchSize, 1). */
  evalEvery?: number;
}

export interface TrainData {
  xTrain: Tensor;
  trainLabels: Int32Array;
  xTest: Tensor;
  testLabels: Labels;
}

export interface EpochResult {
  epoch: number;
  /** Iterations done when this evaluation ran. */
  iteration: number;
  trainAcc: number;
  testAcc: number;
  /** Mean mini-batch loss since the previous evaluation. */
  loss: number;
  /** Seconds since training started. */
  seconds: number;
}

export interface IterationInfo {
  iteration: number;
  totalIterations: number;
  epoch: number;
  loss: number;
}

export interface TrainState {
  /** Iterations completed. */
  iteration: number;
  rng: ReturnType<Random['getState']>;
  losses: number[];
  epochs: EpochResult[];
  /** Seconds spent by earlier runs of this same training, for resumed runs. */
  seconds: number;
}

export interface TrainCallbacks {
  onIteration?(info: IterationInfo): void;
  onEpochEnd?(result: EpochResult): void;
  /** Asked after each iteration; returning true stops training cleanly (e.g. on Ctrl-C). */
  shouldStop?(): boolean;
}

export interface TrainResult {
  epochs: EpochResult[];
  losses: number[];
  trainAcc: number;
  testAcc: number;
  seconds: number;
  /** Where training stands: pass it back as `resume` to continue. */
  state: TrainState;
  stopped: boolean;
}

export class TrainingDivergedError extends Error {
  constructor(readonly iteration: number, readonly loss: number, learningRate: number) {
    super(`training diverged at iteration ${iteration}: the loss is ${loss}; the learning rate (${learningRate}) is probably too high`);
    this.name = 'TrainingDivergedError';
  }
}

/** Iterations per epoch as the book counts them: max(train_size / batch_size, 1). */
export function iterationsPerEpoch(trainSize: number, batchSize: number): number {
  return Math.max(Math.floor(trainSize / batchSize), 1);
}

/**
 * The seed's train_neuralnet loop: mini-batch SGD, evaluating train and test accuracy
 * every epoch (at iteration 0, then every epoch, as the book does).
 */
export function train(network: TwoLayerNet, data: TrainData, config: TrainConfig, callbacks: TrainCallbacks = {}, resume?: TrainState): TrainResult {
  validateConfig(config);
  const trainSize = data.xTrain.shape[0]!;
  const evalEvery = config.evalEvery ?? iterationsPerEpoch(trainSize, config.batchSize);
  const rng = new Random(config.seed);
  if (resume) rng.setState(resume.rng);
  const sampler = new BatchSampler(data.xTrain, data.trainLabels, config.batchSize, rng);
  const optimizer = new SGD(config.learningRate);
  const losses = resume ? [...resume.losses] : [];
  const epochs = resume ? [...resume.epochs] : [];
  const started = performance.now();
  const priorSeconds = resume?.seconds ?? 0;
  const elapsed = (): number => priorSeconds + (performance.now() - started) / 1000;
  let lossSinceEval = 0;
  let itersSinceEval = 0;
  let i = resume?.iteration ?? 0;
  let stopped = false;

  for (; i < config.iters; i++) {
    const [xBatch, tBatch] = sampler.next(); // 1. mini-batch
    const grad = network.gradient(xBatch, tBatch); // 2. gradient by backpropagation
    optimizer.update(network.params, grad); // 3. update the parameters
    // 4. repeat. The loss logged is the one the gradient came from (before this update):
    // computing it again after the update would cost a second forward pass.
    const loss = network.lastLayer.loss;
    if (!Number.isFinite(loss)) throw new TrainingDivergedError(i, loss, config.learningRate);
    losses.push(loss);
    lossSinceEval += loss;
    itersSinceEval++;
    const epoch = Math.floor(i / evalEvery);
    callbacks.onIteration?.({ iteration: i, totalIterations: config.iters, epoch, loss });
    if (i % evalEvery === 0) {
      const result: EpochResult = {
        epoch,
        iteration: i + 1,
        trainAcc: network.accuracy(data.xTrain, data.trainLabels),
        testAcc: network.accuracy(data.xTest, data.testLabels),
        loss: lossSinceEval / itersSinceEval,
        seconds: elapsed(),
      };
      epochs.push(result);
      lossSinceEval = 0;
      itersSinceEval = 0;
      callbacks.onEpochEnd?.(result);
    }
    if (callbacks.shouldStop?.()) {
      stopped = true;
      i++;
      break;
    }
  }
  const last = epochs[epochs.length - 1];
  const state: TrainState = { iteration: i, rng: rng.getState(), losses, epochs, seconds: elapsed() };
  return {
    epochs,
    losses,
    trainAcc: last?.trainAcc ?? Number.NaN,
    testAcc: last?.testAcc ?? Number.NaN,
    seconds: elapsed(),
    state,
    stopped,
  };
}

function validateConfig(config: TrainConfig): void {
  const positiveInt = (name: string, v: number | undefined): void => {
    if (v !== undefined && (!Number.isInteger(v) || v < 1)) throw new RangeError(`train: ${name} must be a positive integer, got ${v}`);
  };
  positiveInt('iters', config.iters);
  positiveInt('batchSize', config.batchSize);
  positiveInt('evalEvery', config.evalEvery);
  if (!(config.learningRate > 0) || !Number.isFinite(config.learningRate)) throw new RangeError(`train: learningRate must be a positive number, got ${config.learningRate}`);
  if (!Number.isInteger(config.seed)) throw new RangeError(`train: seed must be an integer, got ${config.seed}`);
}

export type { RandomState };
