// Whether a training run scores its evaluations on a thread of their own, and starting it.
//
// On the seed's run (TwoLayerNet, all 70000 images scored 17 times) the evaluations were
// 30% of the float64 run, and scoring them in turn with the steps left a core idle in
// every small split. With a scoring thread, the main thread trains while the evaluation of
// the weights it had at the epoch's start is scored beside it, and its kernels split over
// every thread again as soon as the scoring thread is idle (balance()). Conv nets score
// 1000 images per epoch, too little to be worth a thread. Where the evaluations run never
// changes a result.

import { getBackend } from '../backend/index.js';
import type { WasmBackend } from '../backend/wasm/wasm-backend.js';
import { ByteImages } from '../tensor/byte_images.js';
import { ThreadScorer } from '../platform/node/scorer_thread.js';
import type { TrainImages } from '../train/images.js';
import type { TrainData } from '../train/train.js';
import { envVar } from '../util/env.js';

/**
 * Scoring work (images scored) at least this share of the training work (3 passes over
 * each mini-batch image: forward, backward, update) moves the evaluations to their own
 * thread: the seed's run has 0.40, the conv nets' 0.01.
 */
export const BACKGROUND_SHARE = 0.1;

export interface ScoringPlanInput {
  threads: number;
  /** Images each evaluation scores, train and test together. */
  imagesPerEvaluation: number;
  evaluations: number;
  iterations: number;
  batchSize: number;
  /** NABLA_EVAL_THREAD: '0' never, '1' whenever there are two threads, else by the share. */
  override?: string | undefined;
}

/** Whether the evaluations get a thread of their own (the rest train). */
export function wantsBackgroundScoring(plan: ScoringPlanInput): boolean {
  checkOverride(plan.override);
  if (plan.threads < 2 || plan.override === '0') return false;
  if (plan.override === '1') return true;
  const training = 3 * plan.batchSize * plan.iterations;
  return training > 0 && plan.imagesPerEvaluation * plan.evaluations >= BACKGROUND_SHARE * training;
}

/** Refuses a NABLA_EVAL_THREAD other than 0, 1 or unset, in one line: a run checks it before it makes its folder. */
export function checkEvalThreadSetting(): void {
  checkOverride(envVar('NABLA_EVAL_THREAD'));
}

/** NABLA_EVAL_THREAD is 0, 1, or unset (or empty). */
function checkOverride(value: string | undefined): void {
  if (value !== undefined && value !== '' && value !== '0' && value !== '1') {
    throw new Error(`NABLA_EVAL_THREAD must be 0 (score in turn) or 1 (a scoring thread), got '${value}'`);
  }
}

export interface BackgroundScoring {
  scorer: ThreadScorer;
  /**
   * Called between steps: the training kernels split over every thread while the scoring
   * thread is idle, and over one fewer while it scores.
   */
  balance(): void;
  /** "evaluations on a thread of their own", for the run's header. */
  description: string;
  /** Gives the training thread back every thread, and stops the scoring thread. */
  close(): Promise<void>;
}

/**
 * Starts the scoring thread when the plan wants one and the run can use it (the wasm
 * backend, images kept as bytes, labels as class indices); the training thread then
 * splits its kernels over one thread fewer. `warn` hears why scoring fell back, if it does.
 */
export function startBackgroundScoring(
  sets: TrainData<TrainImages>,
  plan: Omit<ScoringPlanInput, 'threads' | 'override'>,
  warn: (line: string) => void,
): BackgroundScoring | undefined {
  const override = envVar('NABLA_EVAL_THREAD');
  checkOverride(override); // refused whether or not this run could use the thread
  const backend = getBackend();
  if (backend.name !== 'wasm') return undefined;
  const wasm = backend as WasmBackend;
  const threads = wasm.threads;
  const { xTrain, trainLabels, xTest, testLabels } = sets;
  if (!(xTrain instanceof ByteImages) || !(xTest instanceof ByteImages) || !(testLabels instanceof Int32Array)) return undefined;
  if (!wantsBackgroundScoring({ ...plan, threads, override })) return undefined;
  const scorer = new ThreadScorer({ xTrain, trainLabels, xTest, testLabels }, (reason) => {
    wasm.useThreads(threads);
    warn(`${reason}; scoring the evaluations on the main thread`);
  });
  let splitting = threads;
  return {
    scorer,
    balance() {
      const wanted = scorer.idle ? threads : threads - 1;
      if (wanted !== splitting) splitting = wasm.useThreads(wanted);
    },
    description: 'evaluations on a thread of their own',
    async close() {
      wasm.useThreads(threads);
      await scorer.close();
    },
  };
}
