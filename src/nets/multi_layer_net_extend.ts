import { SoftmaxWithLoss } from '../layers/softmax_with_loss.js';
import { buildLayers, EXTEND_OPTIONS, resolve, type MultiLayerNetExtendOptions, type MultiLayerNetSpec } from './multi_layer_net.js';
import type { Network } from './network.js';
import { checkOptions, Sequential } from './sequential.js';

/**
 * The book's MultiLayerNetExtend: MultiLayerNet with optional BatchNormalization after each
 * hidden Affine (gamma1 beta1 …, running statistics in buffers()) and optional Dropout after
 * each activation. predict and loss are in test mode unless trainFlg; gradient trains.
 */
export class MultiLayerNetExtend extends Sequential implements Network {
  readonly inputSize: number;
  readonly hiddenSizeList: readonly number[];
  readonly outputSize: number;
  readonly useDropout: boolean;
  readonly useBatchnorm: boolean;
  private readonly resolved: MultiLayerNetSpec;

  constructor(inputSize: number, hiddenSizeList: readonly number[], outputSize: number, options: MultiLayerNetExtendOptions = {}) {
    checkOptions('MultiLayerNetExtend', options, EXTEND_OPTIONS);
    const spec = resolve('MultiLayerNetExtend', inputSize, hiddenSizeList, outputSize, options);
    super(buildLayers(spec), new SoftmaxWithLoss(), { weightDecayLambda: spec.weightDecayLambda });
    this.inputSize = inputSize;
    this.hiddenSizeList = [...hiddenSizeList];
    this.outputSize = outputSize;
    this.useDropout = spec.useDropout;
    this.useBatchnorm = spec.useBatchnorm;
    this.resolved = spec;
  }

  spec(): MultiLayerNetSpec {
    return { ...this.resolved, hiddenSizeList: [...this.resolved.hiddenSizeList] };
  }
}
