// What the Train page's form asks for, checked, and the network and optimizer it means: the
// same choices and defaults as `nabla train --net … --optimizer …` (src/cli/train_settings.ts,
// which the page cannot import: its types reach the run folders' Node code), so that a run
// here and a run there with the same numbers train the same network. A test holds the two
// to the same networks (test/playground/train_settings.test.ts).

import type { DType } from '../../../src/backend/backend.js';
import type { NetworkSpec } from '../../../src/nets/network.js';
import { resolveSimpleConvNet } from '../../../src/nets/simple_conv_net.js';
import type { OptimizerName } from '../../../src/optim/optimizer.js';

/** The networks the page trains: the CLI's --net choices small enough for a page. */
export const PAGE_NETS = ['two-layer', 'mlp', 'simple-conv'] as const;
export type PageNet = (typeof PAGE_NETS)[number];
export const PAGE_OPTIMIZERS = ['sgd', 'momentum', 'nesterov', 'adagrad', 'rmsprop', 'adam'] as const satisfies readonly OptimizerName[];
export const PAGE_DTYPES = ['float32', 'float64'] as const satisfies readonly DType[];

/** `nabla train`'s learning rate for each optimizer when --lr is not given. */
const DEFAULT_LR: Record<OptimizerName, number> = { sgd: 0.1, momentum: 0.01, nesterov: 0.01, adagrad: 0.01, rmsprop: 0.01, adam: 0.001 };

/** Rows of the training set: a mini-batch is drawn from them. */
const TRAIN_ROWS = 60000;
const MAX_ITERATIONS = 1_000_000;

export interface TrainSettings {
  net: PageNet;
  optimizer: OptimizerName;
  learningRate: number;
  batchSize: number;
  dtype: DType;
  iterations: number;
  seed: number;
}

/** The CLI's defaults; float32 rather than its float64: half the memory in a page, and faster. */
export const DEFAULT_SETTINGS: TrainSettings = { net: 'two-layer', optimizer: 'sgd', learningRate: DEFAULT_LR.sgd, batchSize: 100, dtype: 'float32', iterations: 10000, seed: 42 };

/** The optimizer `nabla train --net net` uses when none is given. */
export function defaultOptimizer(net: PageNet): OptimizerName {
  return net === 'simple-conv' ? 'adam' : 'sgd';
}

export function defaultLearningRate(optimizer: OptimizerName): number {
  return DEFAULT_LR[optimizer];
}

/** The form's text, field by field. */
export type SettingsText = Record<keyof TrainSettings, string>;

export type Checked = { ok: true; settings: TrainSettings } | { ok: false; field: keyof TrainSettings; message: string };

/** The form's values checked: the first bad one is named with what it must be. */
export function checkSettings(text: SettingsText): Checked {
  const bad = (field: keyof TrainSettings, message: string): Checked => ({ ok: false, field, message });
  if (!(PAGE_NETS as readonly string[]).includes(text.net)) return bad('net', `Network must be one of ${PAGE_NETS.join(', ')}`);
  if (!(PAGE_OPTIMIZERS as readonly string[]).includes(text.optimizer)) return bad('optimizer', `Optimizer must be one of ${PAGE_OPTIMIZERS.join(', ')}`);
  if (!(PAGE_DTYPES as readonly string[]).includes(text.dtype)) return bad('dtype', `Number type must be ${PAGE_DTYPES.join(' or ')}`);
  const learningRate = plainNumber(text.learningRate);
  if (!(learningRate > 0) || !Number.isFinite(learningRate) || learningRate > 100) return bad('learningRate', `Learning rate must be a number above 0 and at most 100, got '${brief(text.learningRate)}'`);
  const batchSize = plainInteger(text.batchSize);
  if (!(batchSize >= 1 && batchSize <= TRAIN_ROWS)) return bad('batchSize', `Batch size must be a whole number from 1 to ${TRAIN_ROWS}, got '${brief(text.batchSize)}'`);
  const iterations = plainInteger(text.iterations);
  if (!(iterations >= 1 && iterations <= MAX_ITERATIONS)) return bad('iterations', `Iterations must be a whole number from 1 to ${MAX_ITERATIONS}, got '${brief(text.iterations)}'`);
  const seed = plainInteger(text.seed);
  if (!(seed >= 0 && seed <= 0xffffffff)) return bad('seed', `Seed must be a whole number from 0 to ${0xffffffff}, got '${brief(text.seed)}'`);
  return { ok: true, settings: { net: text.net as PageNet, optimizer: text.optimizer as OptimizerName, learningRate, batchSize, dtype: text.dtype as DType, iterations, seed } };
}

/** The network `nabla train --net … --seed … --dtype …` builds for MNIST, with the CLI's sizes. */
export function networkSpec(settings: Pick<TrainSettings, 'net' | 'dtype' | 'seed'>): NetworkSpec {
  const { net, dtype, seed } = settings;
  switch (net) {
    case 'two-layer':
      return { type: 'TwoLayerNet', inputSize: 784, hiddenSize: 50, outputSize: 10, weightInitStd: 0.01, seed, dtype };
    case 'mlp':
      return {
        type: 'MultiLayerNet', inputSize: 784, hiddenSizeList: [100, 100, 100, 100], outputSize: 10, activation: 'relu', weightInitStd: 'he',
        weightDecayLambda: 0, useDropout: false, dropoutRatio: 0.5, useBatchnorm: false, seed, dtype,
      };
    case 'simple-conv':
      return resolveSimpleConvNet({ seed, dtype });
  }
}

function plainNumber(text: string): number {
  return /^\s*(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/.test(text) ? Number(text) : Number.NaN;
}

function plainInteger(text: string): number {
  return /^\s*\d+\s*$/.test(text) ? Number(text) : Number.NaN;
}

function brief(text: string): string {
  const clean = text.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > 20 ? `${clean.slice(0, 20)}…` : clean;
}
