// The messages between the Train page and its training Worker. The Worker owns the data,
// the network and the trainer; the page owns the form, the plots and the files.

import type { BackendReport } from '../../../src/backend/index.js';
import type { DType } from '../../../src/backend/backend.js';
import type { TrainSettings } from './settings.js';

/** Iterations between evaluations, and images scored at each (the first N of each set). */
export const EVAL_EVERY = 50;
export const EVAL_IMAGES = 1000;
/** Far above any model file a network here makes (a DeepConvNet's is under 2 MB): a bigger file is not one. */
export const MAX_MODEL_BYTES = 256 * 1024 * 1024;

export type ToWorker =
  /** The first message: loads the kernels; `threads` as initWasm takes it (default: every core, where memory is shared). */
  | { type: 'init'; threads?: number }
  | { type: 'start'; settings: TrainSettings }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'reset' }
  /** The network's model file: to download, or to share with the Draw page. */
  | { type: 'save'; purpose: SavePurpose }
  /** A model file the user picked: decoded as `dtype`, then scored on the whole test set. */
  | { type: 'load'; bytes: ArrayBuffer; name: string; dtype: DType };

export type SavePurpose = 'download' | 'share';

/**
 * The Draw page listens on this BroadcastChannel for `{ type: 'model', bytes, name }` and,
 * when it opens, asks with `{ type: 'request' }` (playground/src/draw/models.ts).
 */
export const MODEL_CHANNEL = 'nabla-model';

export interface EvalPoint {
  /** Iterations done when it was scored. */
  iteration: number;
  trainAcc: number;
  testAcc: number;
}

export type FromWorker =
  | { type: 'backend'; report: BackendReport }
  /** Loading MNIST: bytes fetched so far of `total` (0 when the server did not say). */
  | { type: 'data'; loaded: number; total: number }
  | { type: 'started'; description: string; trainRows: number; testRows: number }
  | {
    type: 'progress';
    iteration: number;
    totalIterations: number;
    /** The mini-batch losses of the iterations since the last message, in order. */
    losses: number[];
    evals: EvalPoint[];
    /** Over the last second or so of training (pauses left out). */
    iterationsPerSecond: number;
    /** Seconds spent training, pauses left out. */
    seconds: number;
  }
  | { type: 'paused' }
  | { type: 'resumed' }
  /** All iterations done; scoring the whole test set follows. */
  | { type: 'finishing' }
  | { type: 'done'; testAcc: number; testImages: number; seconds: number }
  | { type: 'reset' }
  /** `label` names the network in words ("two-layer after 300 iterations", or the file loaded). */
  | { type: 'saved'; purpose: SavePurpose; bytes: ArrayBuffer; fileName: string; label: string }
  | { type: 'loaded'; name: string; description: string; testAcc: number; testImages: number }
  /** `during` says what failed; the message is one line, for the page to show as it is. */
  | { type: 'error'; during: 'init' | 'training' | 'save' | 'load'; message: string }
  /** Nothing is training after these; `holdsNetwork` says whether a network is there to save. */
  | { type: 'error'; during: 'data' | 'start'; message: string; holdsNetwork: boolean };
