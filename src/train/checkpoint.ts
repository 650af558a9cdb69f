import { readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomic.js';
import { MODEL_HEADER_BYTES, networkFromTensors, networkMetadata, networkTensors } from '../io/model.js';
import { FileReadError, readRegularFile } from '../io/regular_file.js';
import { printable } from '../io/printable.js';
import { type SafetensorsTensor } from '../io/safetensors.js';
import { readSafetensorsFile, writeSafetensorsFile } from '../io/safetensors_file.js';
import { describeNetwork } from '../nets/network_spec.js';
import type { Network } from '../nets/network.js';
import { createOptimizer } from '../optim/create_optimizer.js';
import { Tensor } from '../tensor/tensor.js';
import { FieldChecker, type RunSetup, type SavedState } from './checkpoint_fields.js';
import { HISTORY_LOG, readHistory, RunHistory } from './history.js';
import { RUN_FILES } from './run_files.js';
import type { EpochResult, TrainState } from './train.js';

export type { RunSetup, SavedTrainConfig } from './checkpoint_fields.js';

export const CHECKPOINT_STATE = 'checkpoint.json';
/**
 * Format 3 adds any network (setup.network), the optimizer (setup.train.optimizer, its
 * numbers in state.optimizer and its tensors in the weights file under `optimizer/`) and
 * the layers' generators (state.layerStates). Format 2 (still read) keeps the losses and
 * evaluations in an append-only journal as 3 does; format 1 held them inline.
 */
const FORMAT = 'nabla-checkpoint-3';
const FORMAT_SGD_ONLY = 'nabla-checkpoint-2';
const FORMAT_INLINE_LOSSES = 'nabla-checkpoint-1';
/** Prefix of the optimizer's state tensors in a checkpoint's weights file: optimizer/v/W1 … */
const OPTIMIZER_PREFIX = 'optimizer/';

export interface Checkpoint {
  setup: RunSetup;
  state: TrainState;
  /** The network with the checkpoint's weights, buffers and layer states. */
  network: Network;
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

  async save(network: Network, setup: RunSetup, state: TrainState): Promise<void> {
    const weights = checkpointWeightsFile(state.iteration);
    const historyBytes = await this.history.append(state.losses, state.epochs, weights);
    const tensors = networkTensors(network);
    for (const [name, t] of Object.entries(state.optimizer?.tensors ?? {})) tensors[`${OPTIMIZER_PREFIX}${name}`] = { dtype: t.dtype, shape: [...t.shape], data: t.data };
    await writeSafetensorsFile(join(this.dir, weights), tensors, { iteration: String(state.iteration), ...networkMetadata(network) });
    const saved: SavedState = { iteration: state.iteration, rng: state.rng, seconds: state.seconds };
    if (state.optimizer) saved.optimizer = { scalars: state.optimizer.scalars };
    if (state.layerStates) saved.layerStates = state.layerStates as SavedState['layerStates'];
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
export async function saveCheckpoint(dir: string, network: Network, setup: RunSetup, state: TrainState): Promise<string> {
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
  if (root.format !== FORMAT && root.format !== FORMAT_SGD_ONLY && root.format !== FORMAT_INLINE_LOSSES) {
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
  const { tensors, metadata } = await readSafetensorsFile(weightsPath, { maxHeaderBytes: MODEL_HEADER_BYTES }).catch((error: unknown) => {
    if (error instanceof FileReadError && error.code === 'ENOENT') throw new Error(`${weightsPath}: missing (${CHECKPOINT_STATE} names it)`);
    throw error;
  });
  if (metadata.iteration !== String(saved.iteration)) {
    const from = metadata.iteration === undefined ? 'name no iteration (not checkpoint weights)' : `are from iteration ${printable(metadata.iteration, 40)}`;
    throw new Error(`${weightsPath}: the weights ${from} but ${CHECKPOINT_STATE} is at iteration ${saved.iteration}`);
  }
  // A resumed run continues in its own dtype: weights in another would change every result.
  const foreign = Object.entries(tensors).find(([, t]) => t.dtype !== setup.dtype);
  if (foreign) throw new Error(`${weightsPath}: ${printable(foreign[0], 80)} is ${foreign[1].dtype} but ${CHECKPOINT_STATE}'s setup.dtype is ${setup.dtype}`);
  const networkPart: Record<string, SafetensorsTensor> = {};
  const optimizerPart: Record<string, Tensor> = {};
  for (const [name, t] of Object.entries(tensors)) {
    if (!name.startsWith(OPTIMIZER_PREFIX)) networkPart[name] = t;
    else {
      const copy = Tensor.empty(t.shape, setup.dtype);
      copy.data.set(t.data);
      optimizerPart[name.slice(OPTIMIZER_PREFIX.length)] = copy;
    }
  }
  // networkFromTensors refuses NaN and ±Infinity weights, naming the file and the tensor.
  const { network, spec } = networkFromTensors(weightsPath, networkPart, metadata, setup.dtype);
  const runs = setup.network ?? { type: 'TwoLayerNet', hiddenSize: setup.hidden, outputSize: 10 };
  const same = spec.type === runs.type && (spec.type === 'TwoLayerNet'
    ? runs.type === 'TwoLayerNet' && spec.hiddenSize === runs.hiddenSize && spec.outputSize === runs.outputSize
    : JSON.stringify({ ...spec, dtype: setup.dtype }) === JSON.stringify({ ...runs, dtype: setup.dtype }));
  if (!same) throw new Error(`${weightsPath}: holds a ${describeNetwork(spec)} but ${CHECKPOINT_STATE} describes ${setup.network ? describeNetwork(setup.network) : `a TwoLayerNet with hidden ${setup.hidden}`}`);
  const state: TrainState = { ...saved, losses, epochs, optimizer: undefined, layerStates: undefined };
  delete state.optimizer;
  delete state.layerStates;
  const optimizerName = setup.train.optimizer ?? 'sgd';
  if (optimizerName !== 'sgd' && saved.iteration > 0) {
    // A stateful optimizer restarted from zeros would train on, but not as the run did.
    if (!saved.optimizer) check.fail('state.optimizer', `is missing: the run's ${optimizerName} optimizer keeps state`);
    const covered = new Set(Object.keys(optimizerPart).map((name) => name.slice(name.indexOf('/') + 1)));
    const missing = Object.keys(network.params).filter((key) => !covered.has(key));
    if (missing.length > 0) throw new Error(`${weightsPath}: holds no ${optimizerName} state for ${missing.join(', ')} (the file is damaged)`);
  }
  if (saved.optimizer || Object.keys(optimizerPart).length > 0) {
    const optimizerState = { scalars: saved.optimizer?.scalars ?? {}, tensors: optimizerPart };
    checkOptimizerState(check, weightsPath, network, setup, optimizerState);
    state.optimizer = optimizerState;
  }
  const held = network.layerStates?.() ?? {};
  const given = saved.layerStates ?? {};
  for (const key of Object.keys(given)) if (!(key in held)) check.fail(`state.layerStates.${key}`, `is not a layer of the network (${Object.keys(held).join(', ') || 'it has no stateful layers'})`);
  for (const key of Object.keys(held)) if (!(key in given)) check.fail('state.layerStates', `has no state for ${key}`);
  if (Object.keys(held).length > 0) {
    network.loadLayerStates!(given);
    state.layerStates = given;
  }
  return { setup, state, network, weights, finished, historyBytes, leftovers };
}

/**
 * The optimizer state must be what the run's optimizer keeps, for the network's own
 * parameters: checked here, so a damaged file is named now rather than failing mid-run.
 */
function checkOptimizerState(check: FieldChecker, weightsPath: string, network: Network, setup: RunSetup, state: { scalars: Record<string, number>; tensors: Record<string, Tensor> }): void {
  for (const name of Object.keys(state.tensors)) {
    const key = name.slice(name.indexOf('/') + 1);
    const param = network.params[key];
    const t = state.tensors[name]!;
    if (!param) throw new Error(`${weightsPath}: optimizer tensor '${name}' is for no parameter of the network`);
    if (t.shape.length !== param.shape.length || t.shape.some((d, i) => d !== param.shape[i])) throw new Error(`${weightsPath}: optimizer tensor '${name}' has shape [${t.shape.join(', ')}] but ${key} has [${param.shape.join(', ')}]`);
  }
  try {
    const optimizer = createOptimizer(setup.train.optimizer ?? 'sgd', { lr: setup.train.learningRate, ...setup.train.optimizerOptions });
    optimizer.loadState(state);
  } catch (error) {
    check.fail('state.optimizer', `does not fit the run's ${setup.train.optimizer ?? 'sgd'} optimizer: ${(error as Error).message}`);
  }
}