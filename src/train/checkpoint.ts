import { readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomic.js';
import { FileReadError, readRegularFile } from '../io/regular_file.js';
import { loadNetwork, saveNetwork } from '../io/model.js';
import type { TwoLayerNet } from '../nets/two_layer_net.js';
import { FieldChecker, type RunSetup, type SavedState } from './checkpoint_fields.js';
import { HISTORY_LOG, readHistory, RunHistory } from './history.js';
import { RUN_FILES } from './run_files.js';
import type { EpochResult, TrainState } from './train.js';

export type { RunSetup } from './checkpoint_fields.js';

export const CHECKPOINT_STATE = 'checkpoint.json';
/** Format 2 keeps the losses and evaluations in an append-only journal; format 1 (still read) held them inline. */
const FORMAT = 'nabla-checkpoint-2';
const FORMAT_INLINE_LOSSES = 'nabla-checkpoint-1';

export interface Checkpoint {
  setup: RunSetup;
  state: TrainState;
  network: TwoLayerNet;
  /** The weights file checkpoint.json names. */
  weights: string;
  /** Whether the run's final files (model, metrics, plots) were all written after this checkpoint. */
  finished: boolean;
  /** Bytes of the history journal the checkpoint covers (0 for a format-1 checkpoint, whose journal is yet to be written). */
  historyBytes: number;
  /** Weights files the journal says nabla wrote, apart from `weights`: leftovers nabla may delete. */
  leftovers: string[];
}

export const WEIGHTS_FILE = /^checkpoint-(\d+)\.safetensors$/;

/** Whether nabla writes a file of this name into a run folder (what a kill may leave a temporary of). */
export function isRunFileName(name: string): boolean {
  return name === CHECKPOINT_STATE || WEIGHTS_FILE.test(name) || (Object.values(RUN_FILES) as string[]).includes(name);
}

/** The weights file of the checkpoint taken after `iteration` iterations. */
export function checkpointWeightsFile(iteration: number): string {
  return `checkpoint-${iteration}.safetensors`;
}

/**
 * Saves checkpoints of one run. Each save appends the new losses and evaluations to the
 * history journal, with the name of the weights file it is about to write (so a file of
 * that name is known to be nabla's), writes the weights under that name
 * (checkpoint-N.safetensors), then checkpoint.json, which names them and says how much
 * of the journal is valid; the previous weights are removed only after that. A crash at any point leaves the previous
 * consistent checkpoint, or the new one. Its cost does not grow with the run's length.
 */
export class CheckpointWriter {
  private readonly history: RunHistory;
  /** The last checkpoint; `json` is undefined for one loaded rather than saved here. */
  private last: { json: object | undefined; iteration: number; weights: string } | undefined;

  constructor(private readonly dir: string, from?: Checkpoint) {
    this.history = new RunHistory(dir, from?.historyBytes ?? 0, from?.historyBytes ? from.state.losses.length : 0, from?.historyBytes ? from.state.epochs.length : 0);
    if (from) this.last = { json: undefined, iteration: from.state.iteration, weights: from.weights };
  }

  /** Iterations done at the last checkpoint saved or loaded, if any. */
  get lastIteration(): number | undefined {
    return this.last?.iteration;
  }

  async save(network: TwoLayerNet, setup: RunSetup, state: TrainState): Promise<void> {
    const weights = checkpointWeightsFile(state.iteration);
    const historyBytes = await this.history.append(state.losses, state.epochs, weights);
    await saveNetwork(network, join(this.dir, weights), { iteration: String(state.iteration) });
    const saved: SavedState = { iteration: state.iteration, rng: state.rng, seconds: state.seconds };
    const json = { format: FORMAT, weights, setup, state: saved, history: { file: HISTORY_LOG, bytes: historyBytes }, finished: false };
    await writeFileAtomic(join(this.dir, CHECKPOINT_STATE), `${JSON.stringify(json)}\n`);
    const previous = this.last?.weights;
    this.last = { json, iteration: state.iteration, weights };
    if (previous !== undefined && previous !== weights) await rm(join(this.dir, previous), { force: true });
  }

  /** Records that the model, metrics and plots of the last checkpoint are all written. */
  async markFinished(): Promise<void> {
    if (!this.last) throw new Error('CheckpointWriter.markFinished: no checkpoint saved yet');
    const path = join(this.dir, CHECKPOINT_STATE);
    // A loaded checkpoint was validated when it was read, and this process holds the folder.
    const json = this.last.json ?? (JSON.parse(await readFile(path, 'utf8')) as object);
    await writeFileAtomic(path, `${JSON.stringify({ ...json, finished: true })}\n`);
  }
}

/**
 * One checkpoint of the run in `dir`, for library use (the CLI keeps a CheckpointWriter,
 * which appends to the history instead of rewriting it). Removes the weights of the
 * checkpoint it replaces. Takes no lock on `dir`.
 */
export async function saveCheckpoint(dir: string, network: TwoLayerNet, setup: RunSetup, state: TrainState): Promise<string> {
  const previous = await readFile(join(dir, CHECKPOINT_STATE), 'utf8').then((text) => (JSON.parse(text) as { weights?: unknown }).weights, () => undefined);
  await new CheckpointWriter(dir).save(network, setup, state);
  // Named by nabla's own checkpoint.json, so nabla wrote it.
  if (typeof previous === 'string' && WEIGHTS_FILE.test(previous) && previous !== checkpointWeightsFile(state.iteration)) await rm(join(dir, previous), { force: true });
  return dir;
}

/** checkpoint.json holds settings and counts, never the history: a few kilobytes. */
const MAX_STATE_BYTES = 16 * 1024 * 1024;

/**
 * Reads the checkpoint of the run in `dir`, validating every field of checkpoint.json,
 * the loss log and the weights (shapes, iteration, and that every value is finite).
 */
export async function loadCheckpoint(dir: string): Promise<Checkpoint> {
  const statePath = join(dir, CHECKPOINT_STATE);
  let text: string;
  try {
    // A regular file of bounded size: a FIFO would wait for a writer forever.
    text = new TextDecoder().decode(await readRegularFile(statePath, MAX_STATE_BYTES, 'far more than a checkpoint holds (the file is damaged)'));
  } catch (error) {
    if (error instanceof FileReadError && (error.code === 'ENOENT' || error.code === 'ENOTDIR')) {
      throw new Error(`${statePath}: no checkpoint here (train with --checkpoint-every, or give the folder of an earlier run)`);
    }
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`${statePath}: not valid JSON (the checkpoint is damaged)`);
  }
  const check = new FieldChecker(statePath);
  const root = check.object(parsed, 'the file');
  if (root.format !== FORMAT && root.format !== FORMAT_INLINE_LOSSES) {
    check.fail('format', `is not a nabla checkpoint format (expected ${FORMAT})`);
  }
  const setup = check.setup(root.setup);
  const saved = check.state(root.state, setup.train.iters);
  const weights = check.string(root.weights, 'weights');
  if (!WEIGHTS_FILE.test(weights)) check.fail('weights', 'must name a checkpoint-N.safetensors file in the run folder');
  if (weights !== checkpointWeightsFile(saved.iteration)) check.fail('weights', `names ${weights} but the state is at iteration ${saved.iteration}`);
  // Format 1 had no such field: its run finished if it wrote its model.
  const finished = root.finished ?? (root.format === FORMAT_INLINE_LOSSES && (await stat(join(dir, RUN_FILES.model)).then((m) => m.isFile(), () => false)));
  if (typeof finished !== 'boolean') return check.fail('finished', 'must be true or false');

  let losses: number[];
  let epochs: EpochResult[];
  let historyBytes = 0;
  let leftovers: string[] = [];
  if (root.format === FORMAT_INLINE_LOSSES) {
    const st = root.state as Record<string, unknown>;
    const inline = check.array(st.losses, 'state.losses');
    if (inline.length !== saved.iteration) check.fail('state.losses', `holds ${inline.length} losses but state.iteration is ${saved.iteration}`);
    losses = inline.map((l, i) => check.number(l, `state.losses[${i}]`, 0));
    epochs = check.epochs(check.array(st.epochs, 'state.epochs'), (i) => `state.epochs[${i}]`, saved.iteration);
  } else {
    const log = check.object(root.history, 'history');
    if (log.file !== HISTORY_LOG) check.fail('history.file', `must be ${HISTORY_LOG}`);
    historyBytes = check.int(log.bytes, 'history.bytes', 0);
    const history = await readHistory(dir, historyBytes);
    const journal = new FieldChecker(join(dir, HISTORY_LOG));
    if (history.losses.length !== saved.iteration) journal.fail(`the first ${historyBytes} bytes`, `hold ${history.losses.length} losses but checkpoint.json's state.iteration is ${saved.iteration} (the file is damaged)`);
    losses = history.losses;
    const values = history.epochs.map((e) => e.value);
    epochs = journal.epochs(values, (i) => `line ${history.epochs[i]!.line} epoch`, saved.iteration);
    leftovers = history.weights.filter((name) => name !== weights && WEIGHTS_FILE.test(name));
  }

  const weightsPath = join(dir, weights);
  const weightsInfo = await stat(weightsPath).catch((error: NodeJS.ErrnoException) => {
    throw new Error(`${weightsPath}: ${error.code === 'ENOENT' ? 'missing (checkpoint.json names it)' : `cannot read (${error.code})`}`);
  });
  if (!weightsInfo.isFile()) throw new Error(`${weightsPath}: not a regular file`);
  const { network, metadata } = await loadNetwork(weightsPath, setup.dtype);
  if (metadata.iteration !== String(saved.iteration)) {
    throw new Error(`${weightsPath}: weights are from iteration ${metadata.iteration} but ${CHECKPOINT_STATE} is at iteration ${saved.iteration}`);
  }
  if (network.hiddenSize !== setup.hidden || network.outputSize !== 10) {
    throw new Error(`${weightsPath}: holds a ${network.inputSize}-${network.hiddenSize}-${network.outputSize} network but ${CHECKPOINT_STATE} says hidden ${setup.hidden}`);
  }
  // loadNetwork has refused NaN and ±Infinity weights, naming the file and the tensor.
  return { setup, state: { ...saved, losses, epochs }, network, weights, finished, historyBytes, leftovers };
}
