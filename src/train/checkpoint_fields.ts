import type { DType } from '../backend/backend.js';
import type { RunNetworkSpec } from '../nets/network.js';
import { parseNetworkSpec } from '../nets/network_spec.js';
import { OPTIMIZER_NAMES, type OptimizerOptions } from '../optim/create_optimizer.js';
import type { OptimizerName } from '../optim/optimizer.js';
import type { RandomState } from '../tensor/random.js';
import type { EpochResult, TrainConfig } from './train.js';

/** The loop's settings as a checkpoint keeps them: the optimizer by name. */
export type SavedTrainConfig = Omit<TrainConfig, 'optimizer'> & { optimizer?: OptimizerName };

/**
 * Everything needed to rebuild the run: how the network and data were set up, and the
 * loop's settings. A TwoLayerNet run (the seed's) is described by `hidden` and
 * `weightInitStd`, as checkpoints always did; any other network by its spec in `network`.
 */
export interface RunSetup {
  hidden?: number;
  weightInitStd?: number;
  network?: RunNetworkSpec;
  /** Train on the first trainSize training images only (absent: all). */
  trainSize?: number;
  dtype: DType;
  dataDir: string;
  train: SavedTrainConfig;
}

/** The loop's state in checkpoint.json: fixed size, whatever the run's length (the history is in its own files). */
export interface SavedState {
  iteration: number;
  rng: { s: RandomState; spareNormal: number | null };
  seconds: number;
  /** The optimizer's numbers (Adam's iter); its tensors are in the weights file under optimizer/… */
  optimizer?: { scalars: Record<string, number> };
  /** Each stateful layer's generator (Dropout1 …). */
  layerStates?: Record<string, { s: RandomState; spareNormal: number | null }>;
}

/**
 * Checks every field of a parsed checkpoint.json, so a damaged or hand-edited file is
 * refused in one line naming the field, before anything is trained or written.
 */
export class FieldChecker {
  constructor(private readonly file: string) {}

  fail(field: string, problem: string): never {
    throw new Error(`${this.file}: ${field} ${problem}`);
  }

  object(value: unknown, field: string): Record<string, unknown> {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) this.fail(field, `must be an object, got ${describe(value)}`);
    return value as Record<string, unknown>;
  }

  int(value: unknown, field: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
    if (typeof value !== 'number' || !Number.isInteger(value)) this.fail(field, `must be an integer, got ${describe(value)}`);
    if (value < min || value > max) this.fail(field, `must be in [${min}, ${max}], got ${value}`);
    return value;
  }

  number(value: unknown, field: string, min: number, max = Number.POSITIVE_INFINITY, minExclusive = false): number {
    if (typeof value !== 'number' || !Number.isFinite(value)) this.fail(field, `must be a finite number, got ${describe(value)}`);
    if (value < min || (minExclusive && value === min) || value > max) this.fail(field, `must be ${minExclusive ? '>' : '≥'} ${min}${max < Infinity ? ` and ≤ ${max}` : ''}, got ${value}`);
    return value;
  }

  string(value: unknown, field: string): string {
    if (typeof value !== 'string') this.fail(field, `must be a string, got ${describe(value)}`);
    return value;
  }

  /** A string that is safe to print: no control characters (it is shown in the run's header). */
  printable(value: unknown, field: string): string {
    const text = this.string(value, field);
    if (/[\x00-\x1f\x7f-\x9f]/.test(text)) this.fail(field, 'holds control characters');
    return text;
  }

  array(value: unknown, field: string): unknown[] {
    if (!Array.isArray(value)) this.fail(field, `must be an array, got ${describe(value)}`);
    return value;
  }

  setup(value: unknown): RunSetup {
    const s = this.object(value, 'setup');
    const t = this.object(s.train, 'setup.train');
    const dtype = s.dtype;
    if (dtype !== 'float64' && dtype !== 'float32') this.fail('setup.dtype', `must be float64 or float32, got ${describe(dtype)}`);
    const train: SavedTrainConfig = {
      iters: this.int(t.iters, 'setup.train.iters', 1),
      batchSize: this.int(t.batchSize, 'setup.train.batchSize', 1),
      learningRate: this.number(t.learningRate, 'setup.train.learningRate', 0, Infinity, true),
      seed: this.int(t.seed, 'setup.train.seed', 0, 0xffffffff),
    };
    const saved = train;
    if (t.evalEvery !== undefined) saved.evalEvery = this.int(t.evalEvery, 'setup.train.evalEvery', 1);
    if (t.evaluateSampleNumPerEpoch !== undefined) saved.evaluateSampleNumPerEpoch = this.int(t.evaluateSampleNumPerEpoch, 'setup.train.evaluateSampleNumPerEpoch', 1);
    if (t.optimizer !== undefined) {
      if (!(OPTIMIZER_NAMES as readonly unknown[]).includes(t.optimizer)) this.fail('setup.train.optimizer', `must be one of ${OPTIMIZER_NAMES.join(', ')}, got ${describe(t.optimizer)}`);
      saved.optimizer = t.optimizer as OptimizerName;
    }
    if (t.optimizerOptions !== undefined) {
      const o = this.object(t.optimizerOptions, 'setup.train.optimizerOptions');
      const options: Omit<OptimizerOptions, 'lr'> = {};
      for (const key of Object.keys(o)) {
        if (key !== 'momentum' && key !== 'decayRate' && key !== 'beta1' && key !== 'beta2') this.fail(`setup.train.optimizerOptions.${key}`, 'is not an optimizer option (momentum, decayRate, beta1, beta2)');
        options[key] = this.number(o[key], `setup.train.optimizerOptions.${key}`, 0, 1);
        if (options[key] === 1) this.fail(`setup.train.optimizerOptions.${key}`, 'must be below 1');
      }
      saved.optimizerOptions = options;
    }
    const dataDir = this.printable(s.dataDir, 'setup.dataDir');
    const trainSize = s.trainSize === undefined ? {} : { trainSize: this.int(s.trainSize, 'setup.trainSize', 1) };
    if (s.network !== undefined) {
      for (const field of ['hidden', 'weightInitStd'] as const) if (s[field] !== undefined) this.fail(`setup.${field}`, 'belongs to a TwoLayerNet run, but setup.network describes another network');
      const spec = parseNetworkSpec(s.network, (problem) => this.fail('setup.network', problem.replace(/^network spec: /, '')));
      if (spec.type === 'TwoLayerNet') this.fail('setup.network', 'describes a TwoLayerNet, whose runs give setup.hidden and setup.weightInitStd instead');
      if (spec.dtype !== dtype) this.fail('setup.network.dtype', `is ${spec.dtype} but setup.dtype is ${dtype}`);
      return { network: spec, ...trainSize, dtype, dataDir, train: saved };
    }
    return {
      hidden: this.int(s.hidden, 'setup.hidden', 1),
      weightInitStd: this.number(s.weightInitStd, 'setup.weightInitStd', 0),
      ...trainSize,
      dtype,
      dataDir,
      train: saved,
    };
  }

  state(value: unknown, iters: number): SavedState {
    const st = this.object(value, 'state');
    const iteration = this.int(st.iteration, 'state.iteration', 0, iters);
    const saved: SavedState = { iteration, rng: this.rng(st.rng, 'state.rng'), seconds: this.number(st.seconds, 'state.seconds', 0) };
    if (st.optimizer !== undefined) {
      const o = this.object(st.optimizer, 'state.optimizer');
      const scalars = this.object(o.scalars, 'state.optimizer.scalars');
      saved.optimizer = { scalars: Object.fromEntries(Object.keys(scalars).map((k) => [k, this.number(scalars[k], `state.optimizer.scalars.${k}`, 0)])) };
    }
    if (st.layerStates !== undefined) {
      const layers = this.object(st.layerStates, 'state.layerStates');
      saved.layerStates = Object.fromEntries(Object.keys(layers).map((k) => [k, this.rng(layers[k], `state.layerStates.${k}`)]));
    }
    return saved;
  }

  /** A generator's state: four 32-bit words, not all zero, and the spare normal draw. */
  rng(value: unknown, field: string): { s: RandomState; spareNormal: number | null } {
    const rng = this.object(value, field);
    const s = this.array(rng.s, `${field}.s`);
    if (s.length !== 4) this.fail(`${field}.s`, `must hold 4 integers, got ${s.length}`);
    const words = s.map((v, i) => this.int(v, `${field}.s[${i}]`, 0, 0xffffffff)) as RandomState;
    if (words.every((v) => v === 0)) this.fail(`${field}.s`, 'is all zeros, a state the generator never leaves (every draw would be sample 0)');
    const spareNormal = rng.spareNormal === null ? null : this.number(rng.spareNormal, `${field}.spareNormal`, -Infinity);
    return { s: words, spareNormal };
  }

  /** Evaluations, each named `${field}[i]`, in order, none after `iteration`. */
  epochs(values: readonly unknown[], field: (i: number) => string, iteration: number): EpochResult[] {
    const epochs = values.map((e, i) => this.epoch(e, field(i), iteration));
    epochs.forEach((e, i) => {
      const previous = epochs[i - 1];
      if (previous && (e.epoch <= previous.epoch || e.iteration <= previous.iteration)) this.fail(field(i), 'is not after the one before it');
    });
    return epochs;
  }

  private epoch(value: unknown, field: string, iteration: number): EpochResult {
    const e = this.object(value, field);
    return {
      epoch: this.int(e.epoch, `${field}.epoch`, 0),
      iteration: this.int(e.iteration, `${field}.iteration`, 1, iteration),
      trainAcc: this.number(e.trainAcc, `${field}.trainAcc`, 0, 1),
      testAcc: this.number(e.testAcc, `${field}.testAcc`, 0, 1),
      loss: this.number(e.loss, `${field}.loss`, 0),
      seconds: this.number(e.seconds, `${field}.seconds`, 0),
    };
  }
}

/** A short, printable description of a JSON value for an error message. */
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') {
    const shown = JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
    return `the string ${shown.replace(/[^\x20-\x7e\u00a0-\uffff]/g, '?')}`;
  }
  if (value === undefined) return 'nothing (the field is missing)';
  return String(value);
}
