// The network and optimizer flags of nabla train (and the network ones of nabla gradcheck):
// which apply to which --net and --optimizer, what they default to, and what a resumed
// run's own settings are.

import type { DType } from '../backend/backend.js';
import { resolveDeepConvNet } from '../nets/deep_conv_net.js';
import type { Activation, MultiLayerNetSpec } from '../nets/multi_layer_net.js';
import type { RunNetworkSpec } from '../nets/network.js';
import { resolveSimpleConvNet } from '../nets/simple_conv_net.js';
import { WEIGHT_INIT_NAMES, type WeightInit } from '../nets/weight_init.js';
import { OPTIMIZER_NAMES, type OptimizerOptions } from '../optim/create_optimizer.js';
import type { OptimizerName } from '../optim/optimizer.js';
import type { RunSetup } from '../train/checkpoint.js';
import { UsageError, type FlagSpecs } from './args.js';

export const NETS = ['two-layer', 'mlp', 'simple-conv', 'deep-conv'] as const;
export type NetName = (typeof NETS)[number];

/** The --net that trains a network of this spec. */
export function netNameOf(spec: RunNetworkSpec | undefined): NetName {
  if (!spec) return 'two-layer';
  return spec.type === 'SimpleConvNet' ? 'simple-conv' : spec.type === 'DeepConvNet' ? 'deep-conv' : 'mlp';
}

/** The book's train_convnet.py and train_deepnet.py: Adam, 20 epochs, 1000 images per epoch's evaluation. */
export const CONV_TRAINING = { optimizer: 'adam', epochs: 20, evaluateSampleNumPerEpoch: 1000 } as const;

export function isConvNet(net: NetName): boolean {
  return net === 'simple-conv' || net === 'deep-conv';
}

/** The CLI's learning rate for sgd (the seed's); the book's default for the others. */
export const DEFAULT_LR: Record<OptimizerName, number> = { sgd: 0.1, momentum: 0.01, nesterov: 0.01, adagrad: 0.01, rmsprop: 0.01, adam: 0.001 };
const DEFAULT_TWO_LAYER_HIDDEN = 50;
const DEFAULT_MLP_HIDDEN = [100, 100, 100, 100];

/** Each optimizer hyperparameter flag, the option it sets, and the optimizers that take it. */
const OPTIMIZER_FLAGS = {
  momentum: { option: 'momentum', for: ['momentum', 'nesterov'], book: 0.9 },
  'decay-rate': { option: 'decayRate', for: ['rmsprop'], book: 0.99 },
  beta1: { option: 'beta1', for: ['adam'], book: 0.9 },
  beta2: { option: 'beta2', for: ['adam'], book: 0.999 },
} as const satisfies Record<string, { option: keyof OptimizerOptions; for: readonly OptimizerName[]; book: number }>;

/** Flags that only --net mlp takes. */
const MLP_FLAGS = ['activation', 'init', 'weight-decay', 'dropout', 'batch-norm'] as const;

/** The flags that choose the network (train and gradcheck). */
export const architectureFlags = {
  net: { type: 'string', choices: NETS, default: 'two-layer', help: "network: the seed's TwoLayerNet, the book's MultiLayerNet(Extend) of any depth, or its SimpleConvNet (ch. 7) and DeepConvNet (ch. 8)", arg: NETS.join('|') },
  hidden: { type: 'string', help: `hidden layer size (two-layer, default ${DEFAULT_TWO_LAYER_HIDDEN}; simple-conv, default 100; deep-conv, default 50), or sizes, comma-separated (mlp, default ${DEFAULT_MLP_HIDDEN.join(',')})`, arg: 'N[,N...]' },
  'weight-init-std': { type: 'number', min: 0, help: 'two-layer: standard deviation of the initial weights (default: 0.01)', arg: 'X' },
  activation: { type: 'string', choices: ['relu', 'sigmoid', 'tanh'], help: 'mlp: hidden activation (default: relu)', arg: 'relu|sigmoid|tanh' },
  init: { type: 'string', help: 'mlp: initial weights: he (√(2/n)), xavier (√(1/n)), or a standard deviation (default: he for relu, xavier otherwise)', arg: 'he|xavier|X' },
  'weight-decay': { type: 'number', min: 0, help: 'mlp: weight decay λ (½λ‖W‖² added to the loss; default: 0)', arg: 'λ' },
  dropout: { type: 'number', min: 0, max: 0.99, maxReason: 'a ratio of 1 would drop everything', help: 'mlp: Dropout after each hidden activation, dropping this fraction; deep-conv: its two Dropouts\' ratio (default 0.5)', arg: 'RATIO' },
  'batch-norm': { type: 'boolean', help: 'mlp: BatchNormalization after each hidden Affine layer' },
} as const satisfies FlagSpecs;

export const networkFlags = {
  ...architectureFlags,
  optimizer: { type: 'string', choices: OPTIMIZER_NAMES, help: `update rule: ${OPTIMIZER_NAMES.join(', ')} (default: sgd; adam for the conv nets, as the book trains them)`, arg: 'NAME' },
  lr: { type: 'number', min: 0, exclusiveMin: true, help: `learning rate (default: ${DEFAULT_LR.sgd} for sgd, ${DEFAULT_LR.momentum} for momentum, nesterov, adagrad and rmsprop, ${DEFAULT_LR.adam} for adam)`, arg: 'X' },
  momentum: { type: 'number', min: 0, max: 0.999999, maxReason: 'a decay rate is below 1', help: `momentum, nesterov: momentum (default: ${OPTIMIZER_FLAGS.momentum.book})`, arg: 'X' },
  'decay-rate': { type: 'number', min: 0, max: 0.999999, maxReason: 'a decay rate is below 1', help: `rmsprop: decay rate (default: ${OPTIMIZER_FLAGS['decay-rate'].book})`, arg: 'X' },
  beta1: { type: 'number', min: 0, max: 0.999999, maxReason: 'a decay rate is below 1', help: `adam: beta1 (default: ${OPTIMIZER_FLAGS.beta1.book})`, arg: 'X' },
  beta2: { type: 'number', min: 0, max: 0.999999, maxReason: 'a decay rate is below 1', help: `adam: beta2 (default: ${OPTIMIZER_FLAGS.beta2.book})`, arg: 'X' },
} as const satisfies FlagSpecs;

export interface ArchitectureFlagValues {
  net?: string;
  hidden?: string;
  weightInitStd?: number;
  activation?: string;
  init?: string;
  weightDecay?: number;
  dropout?: number;
  batchNorm: boolean;
}

export interface NetworkFlagValues extends ArchitectureFlagValues {
  optimizer?: string;
  lr?: number;
  momentum?: number;
  decayRate?: number;
  beta1?: number;
  beta2?: number;
}

/** The network the flags ask for: the seed's (hidden, weightInitStd) or a MultiLayerNet spec. */
export interface ArchitectureSettings {
  hidden?: number;
  weightInitStd?: number;
  network?: RunNetworkSpec;
}

/** What the network and optimizer flags ask for, as a run's setup holds it (inputSize is the data's, filled in later). */
export interface NetworkSettings extends ArchitectureSettings {
  optimizer?: OptimizerName;
  optimizerOptions?: Omit<OptimizerOptions, 'lr'>;
  learningRate: number;
}

/**
 * The settings for --net `net`, refusing a flag that the network or the optimizer does
 * not take: silently ignoring it would train something other than what was asked for.
 */
export function networkSettings(f: NetworkFlagValues, given: ReadonlySet<string>, net: NetName, dtype: DType, seed: number): NetworkSettings {
  const optimizer = (f.optimizer ?? (isConvNet(net) ? CONV_TRAINING.optimizer : 'sgd')) as OptimizerName;
  for (const [flag, { for: takers }] of Object.entries(OPTIMIZER_FLAGS)) {
    if (given.has(flag) && !(takers as readonly string[]).includes(optimizer)) throw new UsageError(`train: --${flag} applies only to --optimizer ${takers.join(' or ')}`);
  }
  const optimizerOptions: Omit<OptimizerOptions, 'lr'> = {};
  for (const [flag, { option }] of Object.entries(OPTIMIZER_FLAGS)) {
    const value = f[camel(flag) as 'momentum'];
    if (given.has(flag) && value !== undefined) optimizerOptions[option] = value;
  }
  const learningRate = f.lr ?? DEFAULT_LR[optimizer];
  const training = { learningRate, ...(optimizer !== 'sgd' ? { optimizer } : {}), ...(Object.keys(optimizerOptions).length > 0 ? { optimizerOptions } : {}) };
  return { ...architectureSettings(f, given, net, dtype, seed), ...training };
}

/**
 * The network for --net `net`, refusing a flag that the network does not take; `command`
 * names the command in the error.
 */
export function architectureSettings(f: ArchitectureFlagValues, given: ReadonlySet<string>, net: NetName, dtype: DType, seed: number, command = 'train'): ArchitectureSettings {
  const sizes = parseHidden(f.hidden, command);
  if (isConvNet(net)) return { network: convNetSpec(f, given, net, dtype, seed, sizes, command) };
  if (net === 'two-layer') {
    for (const flag of MLP_FLAGS) if (given.has(flag)) throw new UsageError(`${command}: --${flag} applies only to --net mlp`);
    if (sizes && sizes.length !== 1) throw new UsageError(`${command}: --hidden takes one size for --net two-layer (a list is for --net mlp), got '${f.hidden}'`);
    return { hidden: sizes?.[0] ?? DEFAULT_TWO_LAYER_HIDDEN, weightInitStd: f.weightInitStd ?? 0.01 };
  }
  if (given.has('weight-init-std')) throw new UsageError(`${command}: --weight-init-std applies only to --net two-layer; --net mlp takes --init`);
  const activation = (f.activation ?? 'relu') as Activation;
  const useDropout = given.has('dropout');
  const useBatchnorm = f.batchNorm;
  const network: MultiLayerNetSpec = {
    type: useDropout || useBatchnorm ? 'MultiLayerNetExtend' : 'MultiLayerNet',
    inputSize: 0,
    hiddenSizeList: sizes ?? [...DEFAULT_MLP_HIDDEN],
    outputSize: 10,
    activation,
    weightInitStd: f.init === undefined ? (activation === 'relu' ? 'he' : 'xavier') : parseInit(f.init, command),
    weightDecayLambda: f.weightDecay ?? 0,
    useDropout,
    dropoutRatio: f.dropout ?? 0.5,
    useBatchnorm,
    seed,
    dtype,
  };
  return { network };
}

/** A conv net's spec for an MNIST-sized image (train fills in the data's own size), the book's layers otherwise. */
function convNetSpec(f: ArchitectureFlagValues, given: ReadonlySet<string>, net: NetName, dtype: DType, seed: number, sizes: number[] | undefined, command: string): RunNetworkSpec {
  const takes = net === 'deep-conv' ? ['dropout'] : [];
  for (const flag of [...MLP_FLAGS, 'weight-init-std']) {
    if (given.has(flag) && !takes.includes(flag)) throw new UsageError(`${command}: --${flag} does not apply to --net ${net}${flag === 'dropout' ? ' (only deep-conv has Dropout)' : ''}`);
  }
  if (sizes && sizes.length !== 1) throw new UsageError(`${command}: --hidden takes one size for --net ${net}, got '${f.hidden}'`);
  const hidden = sizes ? { hiddenSize: sizes[0]! } : {};
  return net === 'simple-conv'
    ? resolveSimpleConvNet({ ...hidden, seed, dtype })
    : resolveDeepConvNet({ ...hidden, ...(f.dropout !== undefined ? { dropoutRatio: f.dropout } : {}), seed, dtype });
}

/**
 * On --resume, the network and optimizer flags may repeat the run's own settings but not
 * change them: returns the first that differs, as [flag, given, own].
 */
export function differingFlag(f: NetworkFlagValues, given: ReadonlySet<string>, setup: RunSetup): [string, string, string] | undefined {
  const net = netNameOf(setup.network);
  if (given.has('net') && f.net !== net) return ['net', String(f.net), net];
  // Flags that the run's network or optimizer does not take are refused as for a new run.
  const asked = networkSettings(f, given, net, setup.dtype, setup.train.seed);
  const spec = setup.network;
  const optimizer = setup.train.optimizer ?? 'sgd';
  const hiddenOf = (n: RunNetworkSpec | undefined, hidden: number | undefined): string => (!n ? String(hidden) : 'hiddenSizeList' in n ? n.hiddenSizeList.join(',') : String(n.hiddenSize));
  const own: Record<string, [string | undefined, string]> = {
    optimizer: [f.optimizer, optimizer],
    lr: [f.lr === undefined ? undefined : String(f.lr), String(setup.train.learningRate)],
    hidden: [hiddenOf(asked.network, asked.hidden), hiddenOf(spec, setup.hidden)],
    'weight-init-std': [String(asked.weightInitStd), String(setup.weightInitStd)],
  };
  for (const [flag, { option, book }] of Object.entries(OPTIMIZER_FLAGS)) {
    own[flag] = [String(asked.optimizerOptions?.[option]), String(setup.train.optimizerOptions?.[option] ?? book)];
  }
  if (spec?.type === 'DeepConvNet' && asked.network?.type === 'DeepConvNet') own.dropout = [String(asked.network.dropoutRatio), String(spec.dropoutRatio)];
  if (spec && asked.network && 'hiddenSizeList' in spec && 'hiddenSizeList' in asked.network) {
    own.activation = [asked.network.activation, spec.activation];
    own.init = [String(asked.network.weightInitStd), String(spec.weightInitStd)];
    own['weight-decay'] = [String(asked.network.weightDecayLambda), String(spec.weightDecayLambda)];
    own.dropout = [String(asked.network.dropoutRatio), spec.useDropout ? String(spec.dropoutRatio) : 'none'];
    own['batch-norm'] = ['on', spec.useBatchnorm ? 'on' : 'off'];
  }
  for (const [flag, [value, runs]] of Object.entries(own)) {
    if (given.has(flag) && value !== runs) return [flag, flag === 'batch-norm' ? '' : String(value), runs];
  }
  return undefined;
}

/** "100,100,100": positive integers, written plainly. */
function parseHidden(text: string | undefined, command: string): number[] | undefined {
  if (text === undefined) return undefined;
  const sizes = text.split(',').map((part) => (/^\d+$/.test(part) ? Number(part) : Number.NaN));
  if (sizes.some((n) => !Number.isSafeInteger(n) || n < 1)) throw new UsageError(`${command}: --hidden must be a positive integer or a comma-separated list of them, got '${text}'`);
  return sizes;
}

function parseInit(text: string, command: string): WeightInit {
  if (WEIGHT_INIT_NAMES.includes(text.toLowerCase())) return text.toLowerCase() as WeightInit;
  if (/^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(text) && Number.isFinite(Number(text))) return Number(text);
  throw new UsageError(`${command}: --init must be one of ${WEIGHT_INIT_NAMES.join(', ')} or a standard deviation ≥ 0, got '${text}'`);
}

function camel(name: string): string {
  return name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}
