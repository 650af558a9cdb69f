// Scores a training run's evaluations on a worker thread of their own while the main
// thread trains: the worker keeps its own copy of the images in its own backend memory and
// receives each evaluation's weights as model-file bytes (encodeNetwork), so nothing it
// reads is ever written by the training thread. Same kernels, same block sizes, one
// thread: the accuracies are the ones the main thread would compute, to the bit.
//
// Nothing is lost when the worker cannot help: if it fails to start or stops, every
// evaluation it had not answered (and every later one) is scored on the main thread from
// the weights kept for it, and onFallback says why, once.

import { Worker } from 'node:worker_threads';
import { getBackend } from '../../backend/index.js';
import { ByteImages } from '../../tensor/byte_images.js';
import { encodeNetwork } from '../../io/model.js';
import { NetworkSlot } from '../../io/network_slot.js';
import type { Labels } from '../../layers/softmax_with_loss.js';
import type { Network, TrainableNetwork } from '../../nets/network.js';
import type { Accuracies, BackgroundScorer } from '../../train/background_scorer.js';
import { BlockScorer } from '../../train/images.js';

/** The images and labels every evaluation scores (train.ts evaluationSets): images as bytes, labels as class indices. */
export interface ScoringSets {
  xTrain: ByteImages;
  trainLabels: Int32Array;
  xTest: ByteImages;
  testLabels: Labels;
}

/** One set as the worker receives it: its bytes (shared, or a copy of just them). */
export interface SetMessage {
  bytes: Uint8Array;
  shape: number[];
  scale: number;
  labels: Int32Array;
}

export interface ScorerInit {
  backend: 'wasm' | 'reference';
  /** One int32: evaluations sent and not yet scored, which the worker counts down as it finishes each. */
  owed: Int32Array;
  dtype: 'float64' | 'float32';
  train: SetMessage;
  test: SetMessage;
}

export type ScoreReply = { id: number; trainAcc: number; testAcc: number } | { id: number; error: string };

interface Job {
  id: number;
  /** The weights to score (model-file bytes), kept for scoring here if the worker fails. */
  model: Uint8Array;
  resolve(accuracies: Accuracies): void;
  reject(error: unknown): void;
}

const WORKER_PROGRAM = `import(${JSON.stringify(new URL('./scorer_worker.js', import.meta.url).href)})`;

function setMessage(x: ByteImages, labels: Int32Array, transfer: ArrayBuffer[]): SetMessage {
  // A view of shared memory is sent as is; a view of plain memory would be cloned with its
  // whole buffer (the backend's memory), so only its own bytes are copied and moved.
  let bytes = x.bytes;
  if (!(bytes.buffer instanceof SharedArrayBuffer)) {
    bytes = bytes.slice();
    transfer.push(bytes.buffer as ArrayBuffer);
  }
  const ownLabels = labels.slice();
  transfer.push(ownLabels.buffer);
  return { bytes, shape: [...x.shape], scale: x.scale, labels: ownLabels };
}

export class ThreadScorer implements BackgroundScorer {
  private readonly worker: Worker;
  /** Jobs sent and not yet answered, oldest first. */
  private readonly jobs: Job[] = [];
  private nextId = 0;
  private failed: string | undefined;
  private closed = false;
  private readonly local = new BlockScorer();
  private localSlot: NetworkSlot | undefined;
  /** Evaluations sent and not yet scored, counted down by the worker the moment it finishes one. */
  private readonly owed = new Int32Array(new SharedArrayBuffer(4));

  private readonly sets: { xTrain: ByteImages; trainLabels: Int32Array; xTest: ByteImages; testLabels: Int32Array };

  /**
   * Starts the worker and sends it the sets (it copies them into its own memory while the
   * main thread goes on). `onFallback` hears, once, why scoring moved to the main thread.
   */
  constructor(sets: ScoringSets, private readonly onFallback: (reason: string) => void = () => undefined) {
    const { xTrain, trainLabels, xTest, testLabels } = sets;
    if (!(xTrain instanceof ByteImages) || !(xTest instanceof ByteImages)) throw new TypeError('ThreadScorer: the images must be ByteImages (loadMnistBytes)');
    if (!(trainLabels instanceof Int32Array) || !(testLabels instanceof Int32Array)) throw new TypeError('ThreadScorer: the labels must be Int32Arrays of class indices');
    this.sets = { xTrain, trainLabels, xTest, testLabels };
    const backend = getBackend().name === 'wasm' ? 'wasm' : 'reference';
    const transfer: ArrayBuffer[] = [];
    const init: ScorerInit = {
      backend,
      owed: this.owed,
      dtype: xTrain.dtype,
      train: setMessage(xTrain, trainLabels, transfer),
      test: setMessage(xTest, testLabels, transfer),
    };
    // Evaluated code, not a file entry, for the reasons given in wasm_host.ts spawnWorker.
    this.worker = new Worker(WORKER_PROGRAM, { eval: true, workerData: init, transferList: transfer });
    this.worker.unref(); // held only while it owes an answer
    this.worker.on('message', (reply: ScoreReply) => this.answer(reply));
    this.worker.on('error', (error) => this.fail(`the scoring thread failed: ${error.message}`));
    this.worker.on('messageerror', (error) => this.fail(`the scoring thread sent a message that cannot be read: ${error.message}`));
    this.worker.on('exit', (code) => {
      if (!this.closed) this.fail(`the scoring thread exited (code ${code})`);
    });
  }

  score(network: TrainableNetwork): Promise<Accuracies> {
    if (this.closed) return Promise.reject(new Error('ThreadScorer: closed'));
    if (typeof (network as Partial<Network>).spec !== 'function') {
      // Without a spec the weights cannot travel as a model file; score them here, now.
      return Promise.resolve(this.scoreHere(network));
    }
    const model = encodeNetwork(network as Network);
    return new Promise<Accuracies>((resolve, reject) => {
      const job: Job = { id: this.nextId++, model, resolve, reject };
      if (this.failed !== undefined) {
        this.runHere(job);
        return;
      }
      this.jobs.push(job);
      Atomics.add(this.owed, 0, 1);
      this.worker.ref();
      this.worker.postMessage({ id: job.id, model });
    });
  }

  /**
   * Whether the scoring thread has nothing to do right now: read from shared memory, so it
   * is known the moment the worker finishes, before its answer reaches this thread's event loop.
   */
  get idle(): boolean {
    return this.failed !== undefined || Atomics.load(this.owed, 0) === 0;
  }

  /** Whether scoring moved to the main thread, and why. */
  get fallbackReason(): string | undefined {
    return this.failed;
  }

  /** Stops the worker; evaluations not yet answered are rejected. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const job of this.jobs.splice(0)) job.reject(new Error('ThreadScorer: closed before the evaluation was scored'));
    await this.worker.terminate();
  }

  private answer(reply: ScoreReply): void {
    const job = this.jobs[0];
    if (!job || job.id !== reply.id) {
      this.fail(`the scoring thread answered evaluation ${reply.id} out of turn`);
      return;
    }
    if ('error' in reply) {
      // The main thread scores the same weights: a real problem with them shows there.
      this.fail(`the scoring thread could not score an evaluation: ${reply.error}`);
      return;
    }
    this.jobs.shift();
    if (this.jobs.length === 0) this.worker.unref();
    job.resolve({ trainAcc: reply.trainAcc, testAcc: reply.testAcc });
  }

  private fail(reason: string): void {
    if (this.closed || this.failed !== undefined) return;
    this.failed = reason;
    this.onFallback(reason);
    void this.worker.terminate();
    for (const job of this.jobs.splice(0)) this.runHere(job);
  }

  private runHere(job: Job): void {
    try {
      this.localSlot ??= new NetworkSlot(this.sets.xTrain.dtype);
      job.resolve(this.scoreHere(this.localSlot.load(job.model, 'the evaluation weights')));
    } catch (error) {
      job.reject(error);
    }
  }

  private scoreHere(network: TrainableNetwork): Accuracies {
    return {
      trainAcc: this.local.accuracy(network, this.sets.xTrain, this.sets.trainLabels),
      testAcc: this.local.accuracy(network, this.sets.xTest, this.sets.testLabels),
    };
  }
}
