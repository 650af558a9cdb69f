import { EXTEND_OPTIONS, MultiLayerNet, type MultiLayerNetExtendOptions } from './multi_layer_net.js';

/**
 * The book's MultiLayerNetExtend: MultiLayerNet with optional BatchNormalization after each
 * hidden Affine (gamma1 beta1 …, running statistics in buffers()) and optional Dropout after
 * each activation. predict and loss are in test mode unless trainFlg; gradient trains.
 */
export class MultiLayerNetExtend extends MultiLayerNet {
  readonly useDropout: boolean;
  readonly useBatchnorm: boolean;

  constructor(inputSize: number, hiddenSizeList: readonly number[], outputSize: number, options: MultiLayerNetExtendOptions = {}) {
    super(inputSize, hiddenSizeList, outputSize, options, { type: 'MultiLayerNetExtend', options: EXTEND_OPTIONS });
    this.useDropout = this.resolved.useDropout;
    this.useBatchnorm = this.resolved.useBatchnorm;
  }
}
