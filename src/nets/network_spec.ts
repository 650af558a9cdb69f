import type { DType } from '../backend/backend.js';
import { ACTIVATIONS, MultiLayerNet, type MultiLayerNetSpec } from './multi_layer_net.js';
import { MultiLayerNetExtend } from './multi_layer_net_extend.js';
import { printable } from '../io/printable.js';
import { BOOK_DEEP_CONV_PARAMS, DeepConvNet, deepConvNetShapes, resolveDeepConvNet } from './deep_conv_net.js';
import type { Network, NetworkSpec } from './network.js';
import { resolveSimpleConvNet, SimpleConvNet, simpleConvNetShapes } from './simple_conv_net.js';
import { TwoLayerNet } from './two_layer_net.js';
import { WEIGHT_INIT_NAMES } from './weight_init.js';

export const NETWORK_TYPES: readonly NetworkSpec['type'][] = ['TwoLayerNet', 'MultiLayerNet', 'MultiLayerNetExtend', 'SimpleConvNet', 'DeepConvNet'];

/** A new network of the spec's architecture (weights from its seed); `dtype` overrides the spec's. */
export function buildNetwork(spec: NetworkSpec, dtype: DType = spec.dtype): Network {
  switch (spec.type) {
    case 'TwoLayerNet':
      return new TwoLayerNet(spec.inputSize, spec.hiddenSize, spec.outputSize, { dtype, weightInitStd: spec.weightInitStd, seed: spec.seed });
    case 'MultiLayerNet': {
      const { activation, weightInitStd, weightDecayLambda, seed } = spec;
      return new MultiLayerNet(spec.inputSize, spec.hiddenSizeList, spec.outputSize, { activation, weightInitStd, weightDecayLambda, seed, dtype });
    }
    case 'MultiLayerNetExtend': {
      const { activation, weightInitStd, weightDecayLambda, seed, useDropout, dropoutRatio, useBatchnorm } = spec;
      return new MultiLayerNetExtend(spec.inputSize, spec.hiddenSizeList, spec.outputSize, { activation, weightInitStd, weightDecayLambda, seed, useDropout, dropoutRatio, useBatchnorm, dtype });
    }
    case 'SimpleConvNet': {
      const { inputDim, convParam, hiddenSize, outputSize, weightInitStd, seed } = spec;
      return new SimpleConvNet({ inputDim, convParam, hiddenSize, outputSize, weightInitStd, seed, dtype });
    }
    case 'DeepConvNet': {
      const { inputDim, convParams, hiddenSize, outputSize, dropoutRatio, seed } = spec;
      return new DeepConvNet({ inputDim, convParams, hiddenSize, outputSize, dropoutRatio, seed, dtype });
    }
  }
}

/**
 * The shape of every tensor a model file of this architecture holds (parameters, then
 * buffers), computed from the spec alone: a file is checked against it before any
 * network is allocated.
 */
export function specTensorShapes(spec: NetworkSpec): Record<string, number[]> {
  if (spec.type === 'TwoLayerNet') {
    return { W1: [spec.inputSize, spec.hiddenSize], b1: [spec.hiddenSize], W2: [spec.hiddenSize, spec.outputSize], b2: [spec.outputSize] };
  }
  if (spec.type === 'SimpleConvNet') return simpleConvNetShapes(spec);
  if (spec.type === 'DeepConvNet') return deepConvNetShapes(spec);
  const sizes = [spec.inputSize, ...spec.hiddenSizeList, spec.outputSize];
  const shapes: Record<string, number[]> = {};
  for (let i = 1; i < sizes.length; i++) {
    shapes[`W${i}`] = [sizes[i - 1]!, sizes[i]!];
    shapes[`b${i}`] = [sizes[i]!];
  }
  if (spec.type === 'MultiLayerNetExtend' && spec.useBatchnorm) {
    for (let i = 1; i < sizes.length - 1; i++) {
      for (const name of ['gamma', 'beta', 'runningMean', 'runningVar']) shapes[`${name}${i}`] = [sizes[i]!];
    }
  }
  return shapes;
}

/** "TwoLayerNet(784, 50, 10)", "MultiLayerNetExtend(784, [100, 100], 10; relu, he init, BatchNorm, Dropout 0.2)". */
export function describeNetwork(spec: NetworkSpec): string {
  if (spec.type === 'TwoLayerNet') return `TwoLayerNet(${spec.inputSize}, ${spec.hiddenSize}, ${spec.outputSize})`;
  if (spec.type === 'SimpleConvNet') {
    const { filterNum, filterSize, pad, stride } = spec.convParam;
    return `SimpleConvNet([${spec.inputDim.join(', ')}]; ${filterNum} filters ${filterSize}×${filterSize}, pad ${pad}, stride ${stride}; hidden ${spec.hiddenSize}, ${spec.outputSize} classes)`;
  }
  if (spec.type === 'DeepConvNet') {
    const book = JSON.stringify(spec.convParams) === JSON.stringify(BOOK_DEEP_CONV_PARAMS);
    const filters = spec.convParams.map((p) => p.filterNum).join(', ');
    return `DeepConvNet([${spec.inputDim.join(', ')}]; filters ${filters}${book ? ' (the book\'s)' : ''}; hidden ${spec.hiddenSize}, Dropout ${spec.dropoutRatio}, ${spec.outputSize} classes)`;
  }
  const extras = [spec.activation, `${typeof spec.weightInitStd === 'number' ? `std ${spec.weightInitStd}` : spec.weightInitStd} init`];
  if (spec.weightDecayLambda !== 0) extras.push(`weight decay ${spec.weightDecayLambda}`);
  if (spec.type === 'MultiLayerNetExtend' && spec.useBatchnorm) extras.push('BatchNorm');
  if (spec.type === 'MultiLayerNetExtend' && spec.useDropout) extras.push(`Dropout ${spec.dropoutRatio}`);
  return `${spec.type}(${spec.inputSize}, [${spec.hiddenSizeList.join(', ')}], ${spec.outputSize}; ${extras.join(', ')})`;
}

/**
 * Checks a spec read from a file, field by field: `fail(problem)` must throw, with the
 * file named. Sizes are bounded by what `maxSize` allows, so a damaged spec cannot make
 * anyone allocate what the file does not hold (the tensors are checked against
 * specTensorShapes before a network is built).
 */
export function parseNetworkSpec(value: unknown, fail: (problem: string) => never): NetworkSpec {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return fail('its network spec must be a JSON object');
  const s = value as Record<string, unknown>;
  const size = (field: string, v: unknown): number => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 2 ** 31) fail(`network spec: ${field} must be a positive integer, got ${brief(v)}`);
    return v as number;
  };
  const dtype = s.dtype;
  if (dtype !== 'float64' && dtype !== 'float32') return fail(`network spec: dtype must be float64 or float32, got ${brief(dtype)}`);
  const seed = s.seed ?? 42;
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) fail(`network spec: seed must be an integer in [0, 4294967295], got ${brief(seed)}`);
  const known = (keys: readonly string[]): void => {
    for (const key of Object.keys(s)) if (!keys.includes(key)) fail(`network spec: unknown field ${brief(key)}`);
  };
  const exactly = (keys: readonly string[]): void => {
    known(keys);
    for (const key of keys) if (!(key in s)) fail(`network spec: ${key} is missing`);
  };
  switch (s.type) {
    case 'TwoLayerNet': {
      known(['type', 'inputSize', 'hiddenSize', 'outputSize', 'weightInitStd', 'seed', 'dtype']);
      const std = s.weightInitStd ?? 0.01;
      if (typeof std !== 'number' || !Number.isFinite(std) || std < 0) fail(`network spec: weightInitStd must be a finite number ≥ 0, got ${brief(std)}`);
      return { type: 'TwoLayerNet', inputSize: size('inputSize', s.inputSize), hiddenSize: size('hiddenSize', s.hiddenSize), outputSize: size('outputSize', s.outputSize), weightInitStd: std as number, seed: seed as number, dtype };
    }
    case 'MultiLayerNet':
    case 'MultiLayerNetExtend': {
      known(['type', 'inputSize', 'hiddenSizeList', 'outputSize', 'activation', 'weightInitStd', 'weightDecayLambda', 'useDropout', 'dropoutRatio', 'useBatchnorm', 'seed', 'dtype']);
      if (!Array.isArray(s.hiddenSizeList) || s.hiddenSizeList.length > 1000) fail(`network spec: hiddenSizeList must be a list of at most 1000 sizes, got ${brief(s.hiddenSizeList)}`);
      const hiddenSizeList = (s.hiddenSizeList as unknown[]).map((h, i) => size(`hiddenSizeList[${i}]`, h));
      if (!(ACTIVATIONS as readonly unknown[]).includes(s.activation)) fail(`network spec: activation must be one of ${ACTIVATIONS.join(', ')}, got ${brief(s.activation)}`);
      const init = s.weightInitStd;
      if (!(typeof init === 'number' && Number.isFinite(init) && init >= 0) && !(typeof init === 'string' && WEIGHT_INIT_NAMES.includes(init))) {
        fail(`network spec: weightInitStd must be a number ≥ 0 or one of ${WEIGHT_INIT_NAMES.join(', ')}, got ${brief(init)}`);
      }
      const lambda = s.weightDecayLambda;
      if (typeof lambda !== 'number' || !Number.isFinite(lambda) || lambda < 0) fail(`network spec: weightDecayLambda must be a finite number ≥ 0, got ${brief(lambda)}`);
      const useDropout = s.useDropout ?? false;
      const useBatchnorm = s.useBatchnorm ?? false;
      if (typeof useDropout !== 'boolean' || typeof useBatchnorm !== 'boolean') fail('network spec: useDropout and useBatchnorm must be true or false');
      if (s.type === 'MultiLayerNet' && (useDropout || useBatchnorm)) fail('network spec: a MultiLayerNet has no Dropout or BatchNorm (that is a MultiLayerNetExtend)');
      const dropoutRatio = s.dropoutRatio ?? 0.5;
      if (typeof dropoutRatio !== 'number' || !(dropoutRatio >= 0 && dropoutRatio < 1)) fail(`network spec: dropoutRatio must be in [0, 1), got ${brief(dropoutRatio)}`);
      const spec: MultiLayerNetSpec = {
        type: s.type, inputSize: size('inputSize', s.inputSize), hiddenSizeList, outputSize: size('outputSize', s.outputSize),
        activation: s.activation as MultiLayerNetSpec['activation'], weightInitStd: init as MultiLayerNetSpec['weightInitStd'], weightDecayLambda: lambda as number,
        useDropout: useDropout as boolean, dropoutRatio: dropoutRatio as number, useBatchnorm: useBatchnorm as boolean, seed: seed as number, dtype,
      };
      return spec;
    }
    case 'SimpleConvNet': {
      exactly(['type', 'inputDim', 'convParam', 'hiddenSize', 'outputSize', 'weightInitStd', 'seed', 'dtype']);
      return checked(() => resolveSimpleConvNet({ ...(s as object), dtype, seed: seed as number }), fail);
    }
    case 'DeepConvNet': {
      exactly(['type', 'inputDim', 'convParams', 'hiddenSize', 'outputSize', 'dropoutRatio', 'seed', 'dtype']);
      return checked(() => resolveDeepConvNet({ ...(s as object), dtype, seed: seed as number }), fail);
    }
    default:
      return fail(`network spec: type must be one of ${NETWORK_TYPES.join(', ')}, got ${brief(s.type)}`);
  }
}

/**
 * A conv net's spec is checked by the constructor's own checks (which also refuse sizes
 * above 65536 per side); their message goes to `fail`, which names the file. Every field
 * must be present: a file's spec is the one it was written with, defaults and all.
 */
function checked<T>(resolve: () => T, fail: (problem: string) => never): T {
  try {
    return resolve();
  } catch (error) {
    // The constructor's message may quote the file's own text: made printable, as every message is.
    return fail(`network spec: ${printable(error instanceof Error ? error.message.replace(/^\w+: /, '') : String(error), 200)}`);
  }
}


/** A short, printable rendering of a JSON value for a message. */
function brief(v: unknown): string {
  if (v === undefined) return 'nothing (the field is missing)';
  const text = JSON.stringify(v) ?? String(v);
  const cut = text.length > 40 ? `${text.slice(0, 40)}…` : text;
  return cut.replace(/[^\x20-\x7e\u00a0-\uffff]/g, '?');
}
