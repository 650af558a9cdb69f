import type { Labels } from '../layers/softmax_with_loss.js';
import { readsBytes, type ByteReadingNetwork, type ImageBytes, type TrainableNetwork } from '../nets/network.js';
import { ByteImages } from '../tensor/byte_images.js';
import { createOptimizer, OPTIMIZER_NAMES, type OptimizerOptions } from '../optim/create_optimizer.js';
import type { Optimizer, OptimizerName, OptimizerState } from '../optim/optimizer.js';
import { Random, type RandomState } from '../tensor/random.js';
import type { SparseImages } from '../tensor/sparse_images.js';
import { Tensor } from '../tensor/tensor.js';
import { checkOptions } from '../util/options.js';
import type { Accuracies, BackgroundScorer } from './background_scorer.js';
import { BatchSampler } from './batch_sampler.js';
import { BlockScorer, type TrainImages } from './images.js';
import { describeNonFinite, findNonFinite } from './finite.js';

export interface TrainConfig {
  iters: number;
  batchSize: number;
  /** The optimizer's lr (with an Optimizer in `optimizer`, it must be that optimizer's lr). */
  learningRate: number;
  /** Seed of the mini-batch draws. */
  seed: number;
  /** Iterations between evaluations; default: one epoch, max(trainSize / batchSize, 1). */
  evalEvery?: number;
  /**
   * The book's Trainer's evaluate_sample_num_per_epoch: score each evaluation on the first
   * this many training and test images only (cheaper for large nets); default: all of them.
   */
  evaluateSampleNumPerEpoch?: number;
  /**
   * The book's Trainer's optimizer: a name (default 'sgd', with lr = learningRate and
   * `optimizerOptions` for the rest), or an Optimizer made by the caller.
   */
  optimizer?: OptimizerName | Optimizer;
  /** The named optimizer's other hyperparameters (momentum, decayRate, beta1, beta2); the book's defaults if left out. */
  optimizerOptions?: Omit<OptimizerOptions, 'lr'>;
}

/**
 * X: float rows (Tensor), or ByteImages (loadMnistBytes), converted per batch and per scoring
 * block. A network that reads bytes (readsBytes) instead takes them compressed to their
 * nonzero pixels once, when the trainer is made (and each evaluation set when first scored):
 * changes to the bytes after that are not seen by this trainer.
 */
export interface TrainData<X extends TrainImages = Tensor> {
  xTrain: X;
  trainLabels: Int32Array;
  xTest: X;
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
  /** The optimizer's state (Adam's m, v and step count…); absent means a fresh optimizer. */
  optimizer?: OptimizerState;
  /** The network's layer states (Dropout1's generator…), when it has any. */
  layerStates?: Record<string, unknown>;
}

/** The images and labels each evaluation scores: the first evaluateSampleNumPerEpoch of each set, or all. */
export function evaluationSets<X extends TrainImages>(data: TrainData<X>, config: Pick<TrainConfig, 'evaluateSampleNumPerEpoch'>): TrainData<X> {
  const [xTrain, trainLabels] = firstRows(data.xTrain, data.trainLabels, config.evaluateSampleNumPerEpoch);
  const [xTest, testLabels] = firstRows(data.xTest, data.testLabels, config.evaluateSampleNumPerEpoch);
  return { xTrain, trainLabels: trainLabels as Int32Array, xTest, testLabels };
}

export interface TrainerOptions {
  /**
   * Scores the evaluations elsewhere while training goes on, with the same results. The
   * caller then awaits settle() before state(), snapshot() or result(): evaluations still
   * running are not in the history yet, and onEpochEnd runs when each one arrives.
   */
  background?: BackgroundScorer;
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
  constructor(readonly iteration: number, readonly loss: number, what: string, likelyCause: string) {
    super(`training diverged at iteration ${iteration}: ${what}; ${likelyCause}`);
    this.name = 'TrainingDivergedError';
  }
}

/**
 * A smoothed loss this many times the first one means training is running away. The
 * stable softmax and the 1e-7 guard keep the loss finite for a long time even then
 * (it saturates near −log(1e-7) ≈ 16), so waiting for NaN alone would miss it.
 */
const DIVERGENCE_FACTOR = 4;
const LOSS_SMOOTHING = 0.9;

/**
 * Iterations per epoch: max(train_size / batch_size, 1), floored. The book keeps the
 * fraction, so with a batch size that does not divide the training set its
 * `i % iter_per_epoch == 0` never fires after iteration 0; flooring keeps one
 * evaluation per epoch for every batch size.
 */
export function iterationsPerEpoch(trainSize: number, batchSize: number): number {
  return Math.max(Math.floor(trainSize / batchSize), 1);
}

/**
 * The seed's train_neuralnet loop, one iteration per step(): mini-batch SGD, evaluating
 * train and test accuracy every epoch (after iteration 0, then once per epoch, as the
 * book does). Stepping lets a caller interleave its own work (yielding to the event loop
 * for Ctrl-C, drawing progress, saving checkpoints) between iterations.
 */
export class Trainer {
  readonly evalEvery: number;
  private readonly rng: Random;
  private readonly sampler: BatchSampler;
  /** The network, when the images are bytes and it takes them as they are. */
  private readonly byteReader: ByteReadingNetwork | undefined;
  /** The training images compressed, when the network reads bytes and they are sparse. */
  private readonly sparseTrain: SparseImages | undefined;
  readonly optimizer: Optimizer;
  private readonly losses: number[];
  private readonly epochs: EpochResult[];
  private readonly priorSeconds: number;
  private readonly started = performance.now();
  private lossSinceEval = 0;
  private itersSinceEval = 0;
  private evaluationMs = 0;
  private readonly scorer = new BlockScorer();
  private readonly background: BackgroundScorer | undefined;
  /** Evaluations started in the background and not yet recorded. */
  private running = 0;
  /** Records the background evaluations in the order they were started. */
  private recorded: Promise<void> = Promise.resolve();
  private backgroundFailure: { error: unknown } | undefined;
  private smoothedLoss: number;
  private i: number;

  constructor(
    readonly network: TrainableNetwork,
    private readonly data: TrainData<TrainImages>,
    readonly config: TrainConfig,
    private readonly callbacks: TrainCallbacks = {},
    resume?: TrainState,
    options: TrainerOptions = {},
  ) {
    validateConfig(config);
    checkOptions('Trainer', options, ['background'], 'option');
    this.background = options.background;
    checkOptions('train', callbacks, ['onIteration', 'onEpochEnd', 'shouldStop'], 'callback');
    this.evalEvery = config.evalEvery ?? iterationsPerEpoch(data.xTrain.shape[0]!, config.batchSize);
    this.rng = new Random(config.seed);
    if (resume) this.rng.setState(resume.rng);
    this.byteReader = data.xTrain instanceof ByteImages && readsBytes(network) ? network : undefined;
    // Its batches are then taken from the set compressed once, shared with the evaluations.
    this.sparseTrain = this.byteReader ? this.scorer.compressedOf(data.xTrain as ByteImages) : undefined;
    this.sampler = new BatchSampler(data.xTrain, data.trainLabels, config.batchSize, this.rng);
    this.optimizer = makeOptimizer(config);
    if (resume?.optimizer) this.optimizer.loadState(resume.optimizer);
    if (resume?.layerStates) {
      if (!network.loadLayerStates) throw new RangeError('train: the resumed state holds layer states but the network keeps none');
      network.loadLayerStates(resume.layerStates);
    }
    if (resume) checkResumedHistory(resume, this.evalEvery);
    this.losses = resume ? [...resume.losses] : [];
    this.epochs = resume ? [...resume.epochs] : [];
    this.priorSeconds = resume?.seconds ?? 0;
    this.i = resume?.iteration ?? 0;
    this.smoothedLoss = this.losses.slice(1).reduce((acc, l) => LOSS_SMOOTHING * acc + (1 - LOSS_SMOOTHING) * l, this.losses[0] ?? 0);
    // Mean loss since the last evaluation carries over a resume, so metrics match.
    const lastEvalAt = this.epochs[this.epochs.length - 1]?.iteration ?? 0;
    for (let k = lastEvalAt; k < this.losses.length; k++) {
      this.lossSinceEval += this.losses[k]!;
      this.itersSinceEval++;
    }
  }

  get iteration(): number {
    return this.i;
  }
  get done(): boolean {
    return this.i >= this.config.iters;
  }
  /** Evaluations expected over the whole run: at iteration 0, then every evalEvery. */
  get totalEpochs(): number {
    return Math.floor((this.config.iters - 1) / this.evalEvery) + 1;
  }
  get seconds(): number {
    return this.priorSeconds + (performance.now() - this.started) / 1000;
  }

  /** Runs one iteration; returns false once all iterations are done. */
  step(): boolean {
    if (this.done) return false;
    const { network, optimizer, sampler, i } = this;
    const [xBatch, tBatch] = this.sparseTrain ? sampler.nextSparse(this.sparseTrain) : this.byteReader ? sampler.nextBytes() : sampler.next(); // 1. mini-batch
    // 2. gradient by backpropagation
    const grad = xBatch instanceof Tensor ? network.gradient(xBatch, tBatch) : this.byteReader!.gradient(xBatch, tBatch);
    // The loss logged is the one the gradient came from (before the update): computing
    // it again after the update would cost a second forward pass. It is checked before
    // the update, so a NaN is traced to the weights and batch that produced it.
    const loss = network.lastLoss;
    this.checkDivergence(i, loss, xBatch);
    optimizer.update(network.params, grad); // 3. update the parameters; 4. repeat
    this.losses.push(loss);
    this.lossSinceEval += loss;
    this.itersSinceEval++;
    const epoch = Math.floor(i / this.evalEvery);
    this.i++;
    this.callbacks.onIteration?.({ iteration: i, totalIterations: this.config.iters, epoch, loss });
    if (i % this.evalEvery === 0) {
      const started = performance.now();
      this.evaluate(epoch);
      this.evaluationMs += performance.now() - started;
    }
    return !this.done;
  }

  /**
   * The network's accuracy on x against t, scored as this trainer's evaluations are: byte
   * sets compressed once (the training set's compression is the batches' own) and kept.
   */
  accuracy(x: TrainImages, t: Labels): number {
    return this.scorer.accuracy(this.network, x, t);
  }

  /** Seconds this trainer has spent in evaluations (not counting earlier runs of a resumed training). */
  get evaluationSeconds(): number {
    return this.evaluationMs / 1000;
  }

  /**
   * Like state(), without copying the loss history: its `losses` and `epochs` are the
   * trainer's own arrays, valid until the next step(). Saving a checkpoint with it costs
   * the same whatever the run's length.
   */
  snapshot(): TrainState {
    this.checkSettled('snapshot');
    return { iteration: this.i, rng: this.rng.getState(), losses: this.losses, epochs: this.epochs, seconds: this.seconds, ...this.resumables() };
  }

  /** Where training stands: enough to resume it exactly (with the network's weights). */
  state(): TrainState {
    this.checkSettled('state');
    return { iteration: this.i, rng: this.rng.getState(), losses: [...this.losses], epochs: [...this.epochs], seconds: this.seconds, ...this.resumables() };
  }

  /** What else an exact resume needs: the optimizer's state and the layers' (copies). */
  private resumables(): Pick<TrainState, 'optimizer' | 'layerStates'> {
    const states = this.network.layerStates?.();
    return {
      optimizer: this.optimizer.state(),
      ...(states && Object.keys(states).length > 0 ? { layerStates: JSON.parse(JSON.stringify(states)) as Record<string, unknown> } : {}),
    };
  }

  result(stopped = false): TrainResult {
    this.checkSettled('result');
    const last = this.epochs[this.epochs.length - 1];
    return {
      epochs: [...this.epochs],
      losses: [...this.losses],
      trainAcc: last?.trainAcc ?? Number.NaN,
      testAcc: last?.testAcc ?? Number.NaN,
      seconds: this.seconds,
      state: this.state(),
      stopped,
    };
  }

  /**
   * Throws TrainingDivergedError if a weight is NaN or ±Infinity, naming the parameters.
   * Run before saving: the last update of a run has no loss after it to reveal it.
   */
  checkWeights(): void {
    const bad = findNonFinite(this.network);
    if (bad.length > 0) throw new TrainingDivergedError(this.i, Number.NaN, `after the update of iteration ${this.i - 1}, ${describeNonFinite(bad)}`, `the learning rate (${this.learningRate}) is probably too high`);
  }

  private get learningRate(): number {
    return this.optimizer.options.lr ?? this.config.learningRate;
  }

  private checkDivergence(i: number, loss: number, xBatch: Tensor | ImageBytes): void {
    const lr = `the learning rate (${this.learningRate}) is probably too high`;
    if (!Number.isFinite(loss)) {
      const bad = findNonFinite(this.network);
      if (bad.length > 0) throw new TrainingDivergedError(i, loss, `the loss is ${loss}; ${describeNonFinite(bad)}`, i === 0 ? 'the starting weights are not usable' : lr);
      let inputs = 0; // bytes times a finite scale are always finite
      if (xBatch instanceof Tensor) for (let k = 0; k < xBatch.size; k++) if (xBatch.data[k]! - xBatch.data[k]! !== 0) inputs++;
      if (inputs > 0) throw new TrainingDivergedError(i, loss, `the loss is ${loss}; the mini-batch holds ${inputs} non-finite input values`, 'the training data holds NaN or ±Infinity');
      throw new TrainingDivergedError(i, loss, `the loss is ${loss}`, i === 0 ? 'the initial weights are probably too large (weight init std)' : lr);
    }
    const first = this.losses[0] ?? loss;
    this.smoothedLoss = i === 0 ? loss : LOSS_SMOOTHING * this.smoothedLoss + (1 - LOSS_SMOOTHING) * loss;
    if (this.smoothedLoss > DIVERGENCE_FACTOR * first) {
      throw new TrainingDivergedError(i, loss, `the loss grew from ${first.toFixed(2)} to ${this.smoothedLoss.toFixed(2)} (smoothed)`, lr);
    }
  }

  private evaluate(epoch: number): void {
    const measured = { epoch, iteration: this.i, loss: this.lossSinceEval / this.itersSinceEval };
    this.lossSinceEval = 0;
    this.itersSinceEval = 0;
    if (this.background) {
      const scored = this.background.score(this.network);
      // Handled here at once, so a failure that comes while earlier ones are still being
      // recorded is never reported as unhandled; settle() rethrows it.
      scored.catch(() => undefined);
      this.running++;
      this.recorded = this.recorded.then(() => scored).then(
        (accuracies) => {
          this.running--;
          this.record(measured, accuracies);
        },
        (error: unknown) => {
          this.running--;
          this.backgroundFailure ??= { error };
        },
      );
      return;
    }
    const sets = evaluationSets(this.data, this.config);
    this.record(measured, {
      trainAcc: this.scorer.accuracy(this.network, sets.xTrain, sets.trainLabels),
      testAcc: this.scorer.accuracy(this.network, sets.xTest, sets.testLabels),
    });
  }

  private record(measured: Pick<EpochResult, 'epoch' | 'iteration' | 'loss'>, accuracies: Accuracies): void {
    const result: EpochResult = { ...measured, ...accuracies, seconds: this.seconds };
    this.epochs.push(result);
    this.callbacks.onEpochEnd?.(result);
  }

  /** Evaluations started in the background and not yet in the history. */
  get pendingEvaluations(): number {
    return this.running;
  }

  /**
   * Waits until every evaluation started so far is in the history (at once without a
   * background scorer), and rethrows the first one that failed.
   */
  async settle(): Promise<void> {
    if (this.running > 0) {
      const started = performance.now();
      await this.recorded;
      this.evaluationMs += performance.now() - started;
    }
    const failure = this.backgroundFailure;
    this.backgroundFailure = undefined;
    if (failure) throw failure.error;
  }

  private checkSettled(what: string): void {
    if (this.running > 0) throw new Error(`Trainer.${what}: ${this.running} evaluation(s) are still being scored in the background; await settle() first`);
  }
}

/** The first n rows of x and t (views, no copies; all of them when n is absent or larger). */
export function firstRows<X extends TrainImages>(x: X, t: Labels, n: number | undefined): [X, Labels] {
  if (n === undefined || n >= x.shape[0]!) return [x, t];
  return [x.slice(0, n) as X, t instanceof Tensor ? t.slice(0, n) : t.subarray(0, n)];
}

/** Trains to the end (or until callbacks.shouldStop() says so) and returns the results. */
/**
 * A resumed state's losses and evaluations must be those this loop would have recorded:
 * one loss per iteration, and an evaluation at iteration 0 and every `evalEvery`, so that
 * the epoch table, the plots and the final report never read a missing or misnumbered one.
 */
export function checkResumedHistory(state: TrainState, evalEvery: number): void {
  if (state.losses.length !== state.iteration) {
    throw new RangeError(`resume: ${state.losses.length} losses recorded for ${state.iteration} iterations`);
  }
  const expected = state.iteration === 0 ? 0 : Math.floor((state.iteration - 1) / evalEvery) + 1;
  if (state.epochs.length !== expected) {
    throw new RangeError(`resume: ${state.epochs.length} evaluations recorded for ${state.iteration} iterations, where one at iteration 0 and every ${evalEvery} after makes ${expected}`);
  }
  state.epochs.forEach((e, j) => {
    if (e.epoch !== j || e.iteration !== j * evalEvery + 1) {
      throw new RangeError(`resume: evaluation ${j + 1} is epoch ${e.epoch} after iteration ${e.iteration}, expected epoch ${j} after iteration ${j * evalEvery + 1}`);
    }
  });
}

export function train(network: TrainableNetwork, data: TrainData<TrainImages>, config: TrainConfig, callbacks: TrainCallbacks = {}, resume?: TrainState): TrainResult {
  const trainer = new Trainer(network, data, config, callbacks, resume);
  while (trainer.step()) {
    if (callbacks.shouldStop?.()) return trainer.result(true);
  }
  return trainer.result();
}

function validateConfig(config: TrainConfig): void {
  if (checkOptions('train', config, ['iters', 'batchSize', 'learningRate', 'seed', 'evalEvery', 'evaluateSampleNumPerEpoch', 'optimizer', 'optimizerOptions'], 'config key') === undefined) {
    throw new TypeError('train: a config { iters, batchSize, learningRate, seed } is required');
  }
  const positiveInt = (name: string, v: number | undefined, required = true): void => {
    if ((required || v !== undefined) && (!Number.isInteger(v) || v! < 1)) throw new RangeError(`train: ${name} must be a positive integer, got ${v}`);
  };
  positiveInt('iters', config.iters);
  positiveInt('batchSize', config.batchSize);
  positiveInt('evalEvery', config.evalEvery, false);
  positiveInt('evaluateSampleNumPerEpoch', config.evaluateSampleNumPerEpoch, false);
  if (!(config.learningRate > 0) || !Number.isFinite(config.learningRate)) throw new RangeError(`train: learningRate must be a positive number, got ${config.learningRate}`);
  if (!Number.isInteger(config.seed)) throw new RangeError(`train: seed must be an integer, got ${config.seed}`);
}

/** The config's optimizer: its own, or one made by name with lr = learningRate. */
function makeOptimizer(config: TrainConfig): Optimizer {
  const { optimizer = 'sgd', optimizerOptions } = config;
  if (typeof optimizer === 'object' && optimizer !== null) {
    if (typeof optimizer.update !== 'function' || typeof optimizer.state !== 'function' || typeof optimizer.loadState !== 'function') {
      throw new TypeError('train: config.optimizer must be an optimizer name or an Optimizer (update, state, loadState)');
    }
    if (optimizerOptions !== undefined) throw new RangeError('train: optimizerOptions apply to a named optimizer; an Optimizer given in config.optimizer has its own');
    const lr = optimizer.options.lr;
    if (lr !== config.learningRate) throw new RangeError(`train: learningRate ${config.learningRate} differs from the given optimizer's lr ${lr}`);
    return optimizer;
  }
  if (!(OPTIMIZER_NAMES as readonly unknown[]).includes(optimizer)) throw new RangeError(`train: unknown optimizer '${String(optimizer)}' (expected one of ${OPTIMIZER_NAMES.join(', ')})`);
  if (optimizerOptions !== undefined && (typeof optimizerOptions !== 'object' || optimizerOptions === null || 'lr' in optimizerOptions)) {
    throw new RangeError('train: optimizerOptions must be an object without lr (the learning rate is learningRate)');
  }
  return createOptimizer(optimizer, { lr: config.learningRate, ...optimizerOptions });
}

export type { RandomState };
