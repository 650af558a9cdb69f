import type { Labels } from '../layers/softmax_with_loss.js';
import type { ByteImages } from '../tensor/byte_images.js';
import type { SparseRows } from '../tensor/sparse_images.js';
import type { Tensor } from '../tensor/tensor.js';
import type { DeepConvNetSpec } from './deep_conv_net.js';
import type { MultiLayerNetSpec } from './multi_layer_net.js';
import type { SimpleConvNetSpec } from './simple_conv_net.js';
import type { TwoLayerNetSpec } from './two_layer_net.js';

/** JSON that rebuilds a network (with fresh weights): what a model file's metadata holds. */
export type NetworkSpec = TwoLayerNetSpec | MultiLayerNetSpec | SimpleConvNetSpec | DeepConvNetSpec;
export type ConvNetSpec = SimpleConvNetSpec | DeepConvNetSpec;
/** A network other than the seed's TwoLayerNet, whose runs describe it by its spec. */
export type RunNetworkSpec = Exclude<NetworkSpec, TwoLayerNetSpec>;

/** Values per input row: a conv net reads each row of C·H·W values as one [C, H, W] image. */
export function specInputSize(spec: NetworkSpec): number {
  return 'inputDim' in spec ? spec.inputDim[0] * spec.inputDim[1] * spec.inputDim[2] : spec.inputSize;
}

/**
 * What the trainer, the gradient check, model files and evaluation need from a network,
 * under the book's names. `params` are updated in place by an optimizer; `gradient`
 * returns tensors under the same names (the layers' own buffers, overwritten by the
 * next call). `trainFlg` is the book's train_flg: Dropout and BatchNormalization act
 * on it, and predict/loss default to test mode.
 */
export interface TrainableNetwork {
  readonly params: Record<string, Tensor>;
  predict(x: Tensor, trainFlg?: boolean): Tensor;
  loss(x: Tensor, t: Labels, trainFlg?: boolean): number;
  accuracy(x: Tensor, t: Labels): number;
  /** Gradients by backpropagation, in training mode. */
  gradient(x: Tensor, t: Labels): Record<string, Tensor>;
  /** The loss that the last gradient() call computed on its way (weight decay included). */
  readonly lastLoss: number;
  numericalGradient?(x: Tensor, t: Labels): Record<string, Tensor>;
  /** Rows per forward pass when scoring many (10000 if absent): bounds the activations' memory. */
  readonly evalBatchSize?: number;
  /** Tensors saved with the model but not learned (BatchNorm's runningMean1 …). */
  buffers?(): Record<string, Tensor>;
  /** State an exact resume restores (Dropout1's generator …), JSON-serialisable. */
  layerStates?(): Record<string, unknown>;
  loadLayerStates?(states: Record<string, unknown>): void;
}

/** Images a network's first Affine layer reads as they are kept: bytes, or rows of nonzero pixels. */
export type ImageBytes = ByteImages | SparseRows;

/**
 * A network whose predict, loss, accuracy and gradient also take images kept as bytes
 * (ByteImages, or SparseRows of a compressed dataset), which its first layer reads without
 * a float copy, when readsBytes() says so. The results are the bits the images converted to
 * floats would give.
 */
export interface ByteReadingNetwork extends TrainableNetwork {
  readsBytes(): boolean;
  predict(x: Tensor | ImageBytes, trainFlg?: boolean): Tensor;
  loss(x: Tensor | ImageBytes, t: Labels, trainFlg?: boolean): number;
  accuracy(x: Tensor | ImageBytes, t: Labels): number;
  gradient(x: Tensor | ImageBytes, t: Labels): Record<string, Tensor>;
}

/** Whether the network takes images as bytes (see ByteReadingNetwork). */
export function readsBytes(network: TrainableNetwork): network is ByteReadingNetwork {
  const reader = network as Partial<ByteReadingNetwork>;
  return typeof reader.readsBytes === 'function' && reader.readsBytes();
}

/** A network that can also describe itself, so a model file can rebuild it. */
export interface Network extends TrainableNetwork {
  spec(): NetworkSpec;
}
