import type { DType } from '../backend/backend.js';
import { Affine } from '../layers/affine.js';
import { Convolution } from '../layers/convolution.js';
import { Dropout } from '../layers/dropout.js';
import type { Layer } from '../layers/layer.js';
import { Pooling } from '../layers/pooling.js';
import { Relu } from '../layers/relu.js';
import { SoftmaxWithLoss } from '../layers/softmax_with_loss.js';
import { Random } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { asImages, CONV_EVAL_BATCH, checkConvParam, checkInputDim, pooledSize, type ConvParam, type InputDim } from './conv_images.js';
import type { Network } from './network.js';
import { checkDType } from '../util/options.js';
import { checkOptions, Sequential } from './sequential.js';

export interface DeepConvNetOptions {
  inputDim?: InputDim;
  /** The six convolutions' conv_param_1 … conv_param_6. */
  convParams?: ConvParam[];
  hiddenSize?: number;
  outputSize?: number;
  dropoutRatio?: number;
  seed?: number;
  dtype?: DType;
}

export interface DeepConvNetSpec {
  type: 'DeepConvNet';
  inputDim: InputDim;
  convParams: ConvParam[];
  hiddenSize: number;
  outputSize: number;
  dropoutRatio: number;
  seed: number;
  dtype: DType;
}

/** ch08/deep_convnet.py's conv_param_1 … conv_param_6: 3×3 filters, the fourth padded by 2 so 14 → 16 → 8 → 4. */
export const BOOK_DEEP_CONV_PARAMS: readonly ConvParam[] = [
  { filterNum: 16, filterSize: 3, pad: 1, stride: 1 },
  { filterNum: 16, filterSize: 3, pad: 1, stride: 1 },
  { filterNum: 32, filterSize: 3, pad: 1, stride: 1 },
  { filterNum: 32, filterSize: 3, pad: 2, stride: 1 },
  { filterNum: 64, filterSize: 3, pad: 1, stride: 1 },
  { filterNum: 64, filterSize: 3, pad: 1, stride: 1 },
];

const OPTIONS = ['inputDim', 'convParams', 'hiddenSize', 'outputSize', 'dropoutRatio', 'seed', 'dtype'];

/**
 * The book's DeepConvNet (ch08/deep_convnet.py), 99.38% on MNIST in the book:
 * (conv → relu → conv → relu → pool) × 3 → Affine → Relu → Dropout → Affine → Dropout →
 * SoftmaxWithLoss, He initialisation, parameters W1 … W8, b1 … b8 (W1–W6 the filters).
 * predict takes images [N, C, H, W] or rows of C·H·W values.
 */
export class DeepConvNet extends Sequential implements Network {
  readonly inputDim: InputDim;
  private readonly resolved: DeepConvNetSpec;

  constructor(options: DeepConvNetOptions = {}) {
    checkOptions('DeepConvNet', options, OPTIONS);
    const spec = resolveDeepConvNet(options);
    super(buildDeepConvNetLayers(spec), new SoftmaxWithLoss(), { evalBatchSize: CONV_EVAL_BATCH });
    this.inputDim = spec.inputDim;
    this.resolved = spec;
  }

  override predict(x: Tensor, trainFlg = false): Tensor {
    return super.predict(asImages('DeepConvNet', x, this.inputDim), trainFlg);
  }

  spec(): DeepConvNetSpec {
    return structuredClone(this.resolved);
  }
}

export function resolveDeepConvNet(options: DeepConvNetOptions): DeepConvNetSpec {
  const { inputDim = [1, 28, 28], convParams = BOOK_DEEP_CONV_PARAMS, hiddenSize = 50, outputSize = 10, dropoutRatio = 0.5, seed = 42, dtype = 'float64' } = options;
  const dim = checkInputDim('DeepConvNet', inputDim);
  if (!Array.isArray(convParams) || convParams.length !== 6) throw new RangeError(`DeepConvNet: convParams must list six conv_params, got ${Array.isArray(convParams) ? convParams.length : String(convParams)}`);
  deepConvNetSweep(dim, convParams);
  for (const [name, v] of [['hiddenSize', hiddenSize], ['outputSize', outputSize]] as const) {
    if (!Number.isSafeInteger(v) || v < 1) throw new RangeError(`DeepConvNet: ${name} must be a positive integer, got ${v}`);
  }
  if (!(typeof dropoutRatio === 'number' && dropoutRatio >= 0 && dropoutRatio < 1)) throw new RangeError(`DeepConvNet: dropoutRatio must be in [0, 1), got ${String(dropoutRatio)}`);
  if (!Number.isSafeInteger(seed)) throw new RangeError(`DeepConvNet: seed must be an integer, got ${seed}`);
  checkDType('DeepConvNet', dtype);
  return {
    type: 'DeepConvNet', inputDim: dim, convParams: convParams.map(({ filterNum, filterSize, pad, stride }) => ({ filterNum, filterSize, pad, stride })),
    hiddenSize, outputSize, dropoutRatio, seed, dtype,
  };
}

/** Channels, height and width after each convolution (pooling after the 2nd, 4th and 6th); refuses a sweep that runs out of image. */
function deepConvNetSweep(dim: InputDim, convParams: readonly ConvParam[]): InputDim[] {
  let [c, h, w] = dim;
  const sizes: InputDim[] = [];
  convParams.forEach((p, i) => {
    [h, w] = checkConvParam('DeepConvNet', `convParams[${i}]`, p, h, w);
    c = p.filterNum;
    if (i % 2 === 1) {
      [h, w] = [pooledSize(h), pooledSize(w)];
      if (h === 0 || w === 0) throw new RangeError(`DeepConvNet: the image is too small for the pooling after convolution ${i + 1}`);
    }
    sizes.push([c, h, w]);
  });
  return sizes;
}

/** The shape of each parameter, W1 … b8, from the spec alone. */
export function deepConvNetShapes(spec: DeepConvNetSpec): Record<string, number[]> {
  const shapes: Record<string, number[]> = {};
  let channels = spec.inputDim[0];
  spec.convParams.forEach((p, i) => {
    shapes[`W${i + 1}`] = [p.filterNum, channels, p.filterSize, p.filterSize];
    shapes[`b${i + 1}`] = [p.filterNum];
    channels = p.filterNum;
  });
  const [c, h, w] = deepConvNetSweep(spec.inputDim, spec.convParams)[5]!;
  shapes.W7 = [c * h * w, spec.hiddenSize];
  shapes.b7 = [spec.hiddenSize];
  shapes.W8 = [spec.hiddenSize, spec.outputSize];
  shapes.b8 = [spec.outputSize];
  return shapes;
}

/**
 * He initialisation, √(2 / inputs per unit) (the book's pre_node_nums: C·3·3 for a filter,
 * the flattened size for W7), drawn W1 … W8 in order from one generator; each Dropout
 * then gets a generator seeded from the same stream.
 */
function buildDeepConvNetLayers(spec: DeepConvNetSpec): Layer[] {
  const rng = new Random(spec.seed);
  const shapes = deepConvNetShapes(spec);
  const weight = (name: string): Tensor => {
    const shape = shapes[name]!;
    const fanIn = shape.length === 4 ? shape[1]! * shape[2]! * shape[3]! : shape[0]!;
    const W = Tensor.randn(shape, rng, spec.dtype, 'backend');
    const scale = Math.sqrt(2.0 / fanIn);
    for (let k = 0; k < W.size; k++) W.data[k] = scale * W.data[k]!;
    return W;
  };
  const weights = Array.from({ length: 8 }, (_, i) => weight(`W${i + 1}`));
  const bias = (i: number): Tensor => Tensor.zeros(shapes[`b${i + 1}`]!, spec.dtype, 'backend');
  const layers: Layer[] = [];
  spec.convParams.forEach(({ pad, stride }, i) => {
    layers.push(new Convolution(weights[i]!, bias(i), { stride, pad }), new Relu());
    if (i % 2 === 1) layers.push(new Pooling(2, 2, { stride: 2 }));
  });
  layers.push(new Affine(weights[6]!, bias(6)), new Relu(), new Dropout(spec.dropoutRatio, new Random(rng.nextUint32())));
  layers.push(new Affine(weights[7]!, bias(7)), new Dropout(spec.dropoutRatio, new Random(rng.nextUint32())));
  return layers;
}
