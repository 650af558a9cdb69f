import type { DType } from '../backend/backend.js';
import { Affine } from '../layers/affine.js';
import { BatchNormalization } from '../layers/batch_normalization.js';
import { Dropout } from '../layers/dropout.js';
import { Relu } from '../layers/relu.js';
import { Sigmoid } from '../layers/sigmoid.js';
import { SoftmaxWithLoss } from '../layers/softmax_with_loss.js';
import { Tanh } from '../layers/tanh.js';
import { Random } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import type { Network } from './network.js';
import type { Layer } from '../layers/layer.js';
import { checkOptions, Sequential } from './sequential.js';
import { weightInitScale, type WeightInit } from './weight_init.js';

export type Activation = 'relu' | 'sigmoid' | 'tanh';
export const ACTIVATIONS: readonly Activation[] = ['relu', 'sigmoid', 'tanh'];

export interface MultiLayerNetOptions {
  /** The hidden layers' activation (the book offers relu and sigmoid; tanh is nabla's addition). */
  activation?: Activation;
  /** A standard deviation, or 'he'/'relu' (√(2/n)) or 'xavier'/'sigmoid' (√(1/n)). */
  weightInitStd?: WeightInit;
  weightDecayLambda?: number;
  /** Seed of the weight initialisation (and of Dropout's masks): a run is reproducible from it. */
  seed?: number;
  dtype?: DType;
}

export interface MultiLayerNetExtendOptions extends MultiLayerNetOptions {
  useDropout?: boolean;
  /** The book's dropout_ration. */
  dropoutRatio?: number;
  useBatchnorm?: boolean;
}

/** Everything needed to rebuild the network: JSON, for a model file's metadata. */
export interface MultiLayerNetSpec {
  type: 'MultiLayerNet' | 'MultiLayerNetExtend';
  inputSize: number;
  hiddenSizeList: number[];
  outputSize: number;
  activation: Activation;
  weightInitStd: WeightInit;
  weightDecayLambda: number;
  useDropout: boolean;
  dropoutRatio: number;
  useBatchnorm: boolean;
  seed: number;
  dtype: DType;
}

const BASE_OPTIONS = ['activation', 'weightInitStd', 'weightDecayLambda', 'seed', 'dtype'];
export const EXTEND_OPTIONS = [...BASE_OPTIONS, 'useDropout', 'dropoutRatio', 'useBatchnorm'];

/** Which of the book's two classes is being built: its name, and the options it takes. */
export interface MultiLayerNetKind {
  type: MultiLayerNetSpec['type'];
  options: readonly string[];
}
const BASE_KIND: MultiLayerNetKind = { type: 'MultiLayerNet', options: BASE_OPTIONS };

/**
 * The book's MultiLayerNet: (Affine → activation) for each hidden size, then Affine and
 * SoftmaxWithLoss, with parameters W1 b1 … W(L+1) b(L+1). predict and loss take a trainFlg
 * like MultiLayerNetExtend's; with no Dropout or BatchNormalization it changes nothing.
 */
export class MultiLayerNet extends Sequential implements Network {
  readonly inputSize: number;
  readonly hiddenSizeList: readonly number[];
  readonly outputSize: number;
  protected readonly resolved: MultiLayerNetSpec;

  /** `kind` is for MultiLayerNetExtend: the same network, with Dropout and BatchNorm allowed. */
  constructor(inputSize: number, hiddenSizeList: readonly number[], outputSize: number, options: MultiLayerNetOptions = {}, kind: MultiLayerNetKind = BASE_KIND) {
    checkOptions(kind.type, options, kind.options);
    const spec = resolve(kind.type, inputSize, hiddenSizeList, outputSize, options);
    super(buildLayers(spec), new SoftmaxWithLoss(), { weightDecayLambda: spec.weightDecayLambda });
    this.inputSize = inputSize;
    this.hiddenSizeList = [...hiddenSizeList];
    this.outputSize = outputSize;
    this.resolved = spec;
  }

  spec(): MultiLayerNetSpec {
    return { ...this.resolved, hiddenSizeList: [...this.resolved.hiddenSizeList] };
  }
}

/** Validates the book's arguments and fills in its defaults. */
export function resolve(
  type: MultiLayerNetSpec['type'], inputSize: number, hiddenSizeList: readonly number[], outputSize: number, options: MultiLayerNetExtendOptions,
): MultiLayerNetSpec {
  for (const [name, value] of [['inputSize', inputSize], ['outputSize', outputSize]] as const) {
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`${type}: ${name} must be a positive integer, got ${value}`);
  }
  if (!Array.isArray(hiddenSizeList) || hiddenSizeList.some((h) => !Number.isInteger(h) || h < 1)) {
    throw new RangeError(`${type}: hiddenSizeList must be a list of positive integers, got ${JSON.stringify(hiddenSizeList)}`);
  }
  const {
    activation = 'relu', weightInitStd = 'relu', weightDecayLambda = 0, seed = 42, dtype = 'float64',
    useDropout = false, dropoutRatio = 0.5, useBatchnorm = false,
  } = options;
  if (!ACTIVATIONS.includes(activation)) throw new RangeError(`${type}: activation must be one of ${ACTIVATIONS.join(', ')}, got '${String(activation)}'`);
  weightInitScale(weightInitStd, 1); // refuses an unknown name or a bad std
  if (!Number.isInteger(seed)) throw new RangeError(`${type}: seed must be an integer, got ${seed}`);
  if (dtype !== 'float64' && dtype !== 'float32') throw new RangeError(`${type}: dtype must be float64 or float32, got '${String(dtype)}'`);
  if (typeof useDropout !== 'boolean' || typeof useBatchnorm !== 'boolean') throw new TypeError(`${type}: useDropout and useBatchnorm must be true or false`);
  if (!(dropoutRatio >= 0 && dropoutRatio < 1)) throw new RangeError(`${type}: dropoutRatio must be in [0, 1), got ${dropoutRatio}`);
  return {
    type, inputSize, hiddenSizeList: [...hiddenSizeList], outputSize, activation,
    weightInitStd: typeof weightInitStd === 'string' ? (weightInitStd.toLowerCase() as WeightInit) : weightInitStd,
    weightDecayLambda, useDropout, dropoutRatio, useBatchnorm, seed, dtype,
  };
}

/**
 * The book's layer list: Affine[, BatchNorm], activation[, Dropout] per hidden layer, then
 * Affine. W(i) = scale·randn from one generator in order W1, W2, …, as the book draws them;
 * each Dropout then gets a generator seeded from the same stream.
 */
export function buildLayers(spec: MultiLayerNetSpec): Layer[] {
  const rng = new Random(spec.seed);
  const sizes = [spec.inputSize, ...spec.hiddenSizeList, spec.outputSize];
  const affines = sizes.slice(1).map((size, i) => {
    const W = Tensor.randn([sizes[i]!, size], rng, spec.dtype, 'backend');
    const scale = weightInitScale(spec.weightInitStd, sizes[i]!);
    for (let k = 0; k < W.size; k++) W.data[k] = scale * W.data[k]!;
    return new Affine(W, Tensor.zeros([size], spec.dtype, 'backend'));
  });
  const layers: Layer[] = [];
  spec.hiddenSizeList.forEach((size, i) => {
    layers.push(affines[i]!);
    if (spec.useBatchnorm) layers.push(new BatchNormalization(Tensor.full([size], 1, spec.dtype, 'backend'), Tensor.zeros([size], spec.dtype, 'backend')));
    layers.push(spec.activation === 'relu' ? new Relu() : spec.activation === 'sigmoid' ? new Sigmoid() : new Tanh());
    if (spec.useDropout) layers.push(new Dropout(spec.dropoutRatio, new Random(rng.nextUint32())));
  });
  layers.push(affines[affines.length - 1]!);
  return layers;
}
