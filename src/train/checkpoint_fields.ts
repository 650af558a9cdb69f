import type { DType } from '../backend/backend.js';
import type { RandomState } from '../tensor/random.js';
import type { EpochResult, TrainConfig } from './train.js';

/** Everything needed to rebuild the run: how the network and data were set up, and the loop's settings. */
export interface RunSetup {
  hidden: number;
  weightInitStd: number;
  dtype: DType;
  dataDir: string;
  train: TrainConfig;
}

/** The loop's state in checkpoint.json: fixed size, whatever the run's length (the history is in its own files). */
export interface SavedState {
  iteration: number;
  rng: { s: RandomState; spareNormal: number | null };
  seconds: number;
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
    const train: TrainConfig = {
      iters: this.int(t.iters, 'setup.train.iters', 1),
      batchSize: this.int(t.batchSize, 'setup.train.batchSize', 1),
      learningRate: this.number(t.learningRate, 'setup.train.learningRate', 0, Infinity, true),
      seed: this.int(t.seed, 'setup.train.seed', 0, 0xffffffff),
    };
    if (t.evalEvery !== undefined) train.evalEvery = this.int(t.evalEvery, 'setup.train.evalEvery', 1);
    return {
      hidden: this.int(s.hidden, 'setup.hidden', 1),
      weightInitStd: this.number(s.weightInitStd, 'setup.weightInitStd', 0),
      dtype,
      dataDir: this.printable(s.dataDir, 'setup.dataDir'),
      train,
    };
  }

  state(value: unknown, iters: number): SavedState {
    const st = this.object(value, 'state');
    const iteration = this.int(st.iteration, 'state.iteration', 0, iters);
    const rng = this.object(st.rng, 'state.rng');
    const s = this.array(rng.s, 'state.rng.s');
    if (s.length !== 4) this.fail('state.rng.s', `must hold 4 integers, got ${s.length}`);
    const words = s.map((v, i) => this.int(v, `state.rng.s[${i}]`, 0, 0xffffffff)) as RandomState;
    if (words.every((v) => v === 0)) this.fail('state.rng.s', 'is all zeros, a state the generator never leaves (every draw would be sample 0)');
    const spareNormal = rng.spareNormal === null ? null : this.number(rng.spareNormal, 'state.rng.spareNormal', -Infinity);
    return { iteration, rng: { s: words, spareNormal }, seconds: this.number(st.seconds, 'state.seconds', 0) };
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
