import type { DType } from '../backend/backend.js';
import { Affine } from '../layers/affine.js';
import { Convolution } from '../layers/convolution.js';
import { Pooling } from '../layers/pooling.js';
import { Relu } from '../layers/relu.js';
import { SoftmaxWithLoss } from '../layers/softmax_with_loss.js';
import { Random } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { asImages, CONV_EVAL_BATCH, checkConvParam, checkInputDim, pooledSize, type ConvParam, type InputDim } from './conv_images.js';
import type { Network } from './network.js';
import { checkDType } from '../util/options.js';
import { checkOptions, Sequential } from './sequential.js';

export interface SimpleConvNetOptions {
  inputDim?: InputDim;
  convParam?: ConvParam;
  hiddenSize?: number;
  outputSize?: number;
  weightInitStd?: number;
  seed?: number;
  dtype?: DType;
}

/** Everything needed to rebuild the network: JSON, for a model file's metadata. */
export interface SimpleConvNetSpec {
  type: 'SimpleConvNet';
  inputDim: InputDim;
  convParam: ConvParam;
  hiddenSize: number;
  outputSize: number;
  weightInitStd: number;
  seed: number;
  dtype: DType;
}

const OPTIONS = ['inputDim', 'convParam', 'hiddenSize', 'outputSize', 'weightInitStd', 'seed', 'dtype'];

/**
 * The book's SimpleConvNet (ch07/simple_convnet.py): Convolution → Relu → 2×2 max pool →
 * Affine → Relu → Affine → SoftmaxWithLoss, parameters W1 b1 (the filters) … W3 b3.
 * predict takes images [N, C, H, W] or rows of C·H·W values.
 */
export class SimpleConvNet extends Sequential implements Network {
  readonly inputDim: InputDim;
  private readonly resolved: SimpleConvNetSpec;

  constructor(options: SimpleConvNetOptions = {}) {
    checkOptions('SimpleConvNet', options, OPTIONS);
    const spec = resolveSimpleConvNet(options);
    super(buildSimpleConvNetLayers(spec), new SoftmaxWithLoss(), { evalBatchSize: CONV_EVAL_BATCH });
    this.inputDim = spec.inputDim;
    this.resolved = spec;
  }

  override predict(x: Tensor, trainFlg = false): Tensor {
    return super.predict(asImages('SimpleConvNet', x, this.inputDim), trainFlg);
  }

  spec(): SimpleConvNetSpec {
    return structuredClone(this.resolved);
  }
}

/** The book's defaults, filled in and checked. */
export function resolveSimpleConvNet(options: SimpleConvNetOptions): SimpleConvNetSpec {
  const {
    inputDim = [1, 28, 28], convParam = { filterNum: 30, filterSize: 5, pad: 0, stride: 1 },
    hiddenSize = 100, outputSize = 10, weightInitStd = 0.01, seed = 42, dtype = 'float64',
  } = options;
  const dim = checkInputDim('SimpleConvNet', inputDim);
  const [oh, ow] = checkConvParam('SimpleConvNet', 'convParam', convParam, dim[1], dim[2]);
  if (pooledSize(oh) === 0 || pooledSize(ow) === 0) throw new RangeError(`SimpleConvNet: the ${oh}×${ow} convolution output is too small for 2×2 pooling`);
  for (const [name, v] of [['hiddenSize', hiddenSize], ['outputSize', outputSize]] as const) {
    if (!Number.isSafeInteger(v) || v < 1) throw new RangeError(`SimpleConvNet: ${name} must be a positive integer, got ${v}`);
  }
  if (typeof weightInitStd !== 'number' || !Number.isFinite(weightInitStd) || weightInitStd < 0) throw new RangeError(`SimpleConvNet: weightInitStd must be a finite number ≥ 0, got ${String(weightInitStd)}`);
  if (!Number.isSafeInteger(seed)) throw new RangeError(`SimpleConvNet: seed must be an integer, got ${seed}`);
  checkDType('SimpleConvNet', dtype);
  const { filterNum, filterSize, pad, stride } = convParam;
  return { type: 'SimpleConvNet', inputDim: dim, convParam: { filterNum, filterSize, pad, stride }, hiddenSize, outputSize, weightInitStd, seed, dtype };
}

/** The shape of each parameter, W1 … b3, from the spec alone. */
export function simpleConvNetShapes(spec: SimpleConvNetSpec): Record<string, number[]> {
  const [c, h, w] = spec.inputDim;
  const { filterNum, filterSize, pad, stride } = spec.convParam;
  const pooled = filterNum * pooledSize(Math.floor((h + 2 * pad - filterSize) / stride) + 1) * pooledSize(Math.floor((w + 2 * pad - filterSize) / stride) + 1);
  return {
    W1: [filterNum, c, filterSize, filterSize], b1: [filterNum],
    W2: [pooled, spec.hiddenSize], b2: [spec.hiddenSize],
    W3: [spec.hiddenSize, spec.outputSize], b3: [spec.outputSize],
  };
}

/** W = weightInitStd·randn, drawn W1, W2, W3 in order from one generator, as the book does; b = 0. */
function buildSimpleConvNetLayers(spec: SimpleConvNetSpec) {
  const rng = new Random(spec.seed);
  const shapes = simpleConvNetShapes(spec);
  const weight = (name: string): Tensor => {
    const W = Tensor.randn(shapes[name]!, rng, spec.dtype, 'backend');
    for (let k = 0; k < W.size; k++) W.data[k] = spec.weightInitStd * W.data[k]!;
    return W;
  };
  const bias = (name: string): Tensor => Tensor.zeros(shapes[name]!, spec.dtype, 'backend');
  const { pad, stride } = spec.convParam;
  return [
    new Convolution(weight('W1'), bias('b1'), { stride, pad }),
    new Relu(),
    new Pooling(2, 2, { stride: 2 }),
    new Affine(weight('W2'), bias('b2')),
    new Relu(),
    new Affine(weight('W3'), bias('b3')),
  ];
}
