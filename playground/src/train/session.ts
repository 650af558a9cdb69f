// The training Worker's work: one network at a time, trained in slices of a few dozen
// milliseconds so that pause, reset and save are heard between them, with the losses and
// evaluations of each slice sent to the page as they come.

import type { DType } from '../../../src/backend/backend.js';
import { printable } from '../../../src/io/printable.js';
import { decodeNetwork, encodeNetwork } from '../../../src/io/model.js';
import { specInputSize, type Network, type NetworkSpec } from '../../../src/nets/network.js';
import { buildNetwork, describeNetwork } from '../../../src/nets/network_spec.js';
import { firstRows, Trainer } from '../../../src/train/train.js';
import type { MnistCache } from './data.js';
import { EVAL_EVERY, EVAL_IMAGES, MAX_MODEL_BYTES, type EvalPoint, type FromWorker, type SavePurpose, type ToWorker } from './protocol.js';
import { networkSpec, type TrainSettings } from './settings.js';
import { oneLine } from '../lib/one_line.js';

/** Training runs this long before the Worker looks at its messages and reports. */
const SLICE_MS = 50;
/** The iterations-per-second figure is over about this much training time. */
const RATE_WINDOW_S = 1;

export type Post = (message: FromWorker, transfer?: Transferable[]) => void;

export class TrainingSession {
  private network: Network | undefined;
  private trainer: Trainer | undefined;
  private settings: TrainSettings | undefined;
  /** The file the network came from, when it was loaded rather than trained. */
  private loadedName: string | undefined;
  private running = false;
  /** Bumped by reset and load, so work begun before them does not carry on after. */
  private generation = 0;
  private losses: number[] = [];
  private evals: EvalPoint[] = [];
  private seconds = 0;
  private samples: { seconds: number; iteration: number }[] = [];
  private readonly yieldChannel = new MessageChannel();
  private scheduled = false;

  constructor(private readonly post: Post, private readonly data: MnistCache) {
    this.yieldChannel.port1.onmessage = () => this.slice();
  }

  async handle(message: Exclude<ToWorker, { type: 'init' }>): Promise<void> {
    switch (message.type) {
      case 'start': return this.start(message.settings);
      case 'pause':
        if (this.running) {
          this.running = false;
          this.post({ type: 'paused' });
        }
        return;
      case 'resume':
        if (!this.running && this.trainer && !this.trainer.done) {
          this.running = true;
          this.post({ type: 'resumed' });
          this.schedule();
        }
        return;
      case 'reset':
        this.stop();
        this.network = undefined;
        this.post({ type: 'reset' });
        return;
      case 'save': return this.save(message.purpose);
      case 'load': return this.load(message.bytes, message.name, message.dtype);
    }
  }

  private stop(): void {
    this.generation++;
    this.loadedName = undefined;
    this.running = false;
    this.trainer = undefined;
    this.settings = undefined;
    this.losses = [];
    this.evals = [];
    this.seconds = 0;
    this.samples = [];
  }

  private async start(settings: TrainSettings): Promise<void> {
    this.stop();
    this.network = undefined;
    const generation = this.generation;
    let data;
    try {
      data = await this.data.get(settings.dtype);
    } catch (error) {
      if (generation === this.generation) this.post({ type: 'error', during: 'data', message: oneLine(error), holdsNetwork: false });
      return;
    }
    if (generation !== this.generation) return;
    try {
      const network = buildNetwork(networkSpec(settings));
      this.trainer = new Trainer(network, { xTrain: data.xTrain, trainLabels: data.trainLabels, xTest: data.xTest, testLabels: data.testLabels }, {
        iters: settings.iterations, batchSize: settings.batchSize, learningRate: settings.learningRate, seed: settings.seed,
        optimizer: settings.optimizer, evalEvery: EVAL_EVERY, evaluateSampleNumPerEpoch: EVAL_IMAGES,
      }, {
        onIteration: ({ loss }) => this.losses.push(loss),
        onEpochEnd: ({ iteration, trainAcc, testAcc }) => this.evals.push({ iteration, trainAcc, testAcc }),
      });
      this.network = network;
    } catch (error) {
      this.post({ type: 'error', during: 'start', message: oneLine(error), holdsNetwork: false });
      return;
    }
    this.settings = settings;
    this.running = true;
    this.post({ type: 'started', description: describeNetwork(this.network.spec()), trainRows: data.xTrain.shape[0]!, testRows: data.xTest.shape[0]! });
    this.schedule();
  }

  /** Runs the next slice once the messages that arrived meanwhile have been handled. */
  private schedule(): void {
    // One slice waiting at most: a pause and a resume between two slices must not start a second chain.
    if (this.scheduled) return;
    this.scheduled = true;
    this.yieldChannel.port2.postMessage(null);
  }

  private slice(): void {
    this.scheduled = false;
    const trainer = this.trainer;
    if (!this.running || !trainer) return;
    const began = performance.now();
    try {
      while (!trainer.done && performance.now() - began < SLICE_MS) trainer.step();
      if (trainer.done) trainer.checkWeights();
    } catch (error) {
      // A diverged run cannot go on: its weights are what made the loss run away.
      this.report(performance.now() - began);
      this.running = false;
      this.trainer = undefined;
      this.post({ type: 'error', during: 'training', message: oneLine(error) });
      return;
    }
    this.report(performance.now() - began);
    if (trainer.done) void this.finish(trainer);
    else this.schedule();
  }

  private report(elapsedMs: number): void {
    const trainer = this.trainer!;
    this.seconds += elapsedMs / 1000;
    this.samples.push({ seconds: this.seconds, iteration: trainer.iteration });
    while (this.samples.length > 2 && this.seconds - this.samples[1]!.seconds >= RATE_WINDOW_S) this.samples.shift();
    const first = this.samples.length > 1 ? this.samples[0]! : { seconds: 0, iteration: 0 };
    const span = this.seconds - first.seconds;
    const iterationsPerSecond = span > 0 ? (trainer.iteration - first.iteration) / span : 0;
    this.post({
      type: 'progress', iteration: trainer.iteration, totalIterations: trainer.config.iters, losses: this.losses, evals: this.evals,
      iterationsPerSecond, seconds: this.seconds,
    });
    this.losses = [];
    this.evals = [];
  }

  /** The last iteration scored like the others, then the whole test set, as `nabla evaluate` scores it. */
  private async finish(trainer: Trainer): Promise<void> {
    this.running = false;
    const generation = this.generation;
    const { network } = trainer;
    try {
      const data = await this.data.get(this.settings!.dtype);
      if (generation !== this.generation) return;
      this.post({ type: 'finishing' });
      const last = trainer.iteration;
      const evals = [{
        iteration: last,
        trainAcc: network.accuracy(...firstRows(data.xTrain, data.trainLabels, EVAL_IMAGES)),
        testAcc: network.accuracy(...firstRows(data.xTest, data.testLabels, EVAL_IMAGES)),
      }];
      this.post({ type: 'progress', iteration: last, totalIterations: trainer.config.iters, losses: [], evals, iterationsPerSecond: 0, seconds: this.seconds });
      const testAcc = network.accuracy(data.xTest, data.testLabels);
      this.post({ type: 'done', testAcc, testImages: data.xTest.shape[0]!, seconds: this.seconds });
    } catch (error) {
      if (generation === this.generation) this.post({ type: 'error', during: 'training', message: oneLine(error) });
    }
  }

  private save(purpose: SavePurpose): void {
    if (!this.network) {
      if (purpose === 'download') this.post({ type: 'error', during: 'save', message: 'There are no weights to save yet: train or load a network first' });
      return;
    }
    try {
      const bytes = encodeNetwork(this.network);
      const spec = this.network.spec();
      const kind = spec.type === 'TwoLayerNet' ? 'two-layer' : spec.type === 'SimpleConvNet' ? 'simple-conv' : spec.type === 'DeepConvNet' ? 'deep-conv' : 'mlp';
      const iterations = this.trainer?.iteration;
      const fileName = `nabla-${kind}${iterations === undefined ? '' : `-${iterations}`}.safetensors`;
      const label = iterations === undefined ? (this.loadedName ?? kind) : `${kind} after ${iterations} iterations`;
      const copy = bytes.slice().buffer;
      this.post({ type: 'saved', purpose, bytes: copy, fileName, label }, [copy]);
    } catch (error) {
      this.post({ type: 'error', during: 'save', message: oneLine(error) });
    }
  }

  /** A file that does not decode leaves the run as it was; one that does replaces it. */
  private async load(buffer: ArrayBuffer, name: string, dtype: DType): Promise<void> {
    const shown = printable(name, 200);
    let loaded: { network: Network; spec: NetworkSpec };
    try {
      if (buffer.byteLength > MAX_MODEL_BYTES) throw new Error(`${shown}: ${buffer.byteLength} bytes is far larger than any model file (at most ${MAX_MODEL_BYTES / 1024 / 1024} MB)`);
      loaded = decodeNetwork(new Uint8Array(buffer), shown, dtype);
      if (specInputSize(loaded.spec) !== 784) throw new Error(`${shown}: its ${describeNetwork(loaded.spec)} takes ${specInputSize(loaded.spec)} values per image; MNIST images have 784 (28×28)`);
    } catch (error) {
      this.post({ type: 'error', during: 'load', message: oneLine(error) });
      return;
    }
    this.stop();
    this.network = loaded.network;
    this.loadedName = shown;
    const generation = this.generation;
    try {
      const data = await this.data.get(dtype);
      if (generation !== this.generation) return;
      const testAcc = loaded.network.accuracy(data.xTest, data.testLabels);
      this.post({ type: 'loaded', name: shown, description: describeNetwork(loaded.spec), testAcc, testImages: data.xTest.shape[0]! });
    } catch (error) {
      // The network is loaded, and can be saved, but could not be scored.
      if (generation === this.generation) this.post({ type: 'error', during: 'data', message: oneLine(error), holdsNetwork: true });
    }
  }
}
