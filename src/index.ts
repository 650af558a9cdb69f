// nabla's public API: tensors → backends → layers → networks → training.
export type { Backend, ConvGeometry, DType, FloatArray } from './backend/backend.js';
export { convGeometry } from './backend/conv_geometry.js';
export { BACKEND_NAMES, createBackend, getBackend, referenceBackend, setBackend, type BackendName } from './backend/index.js';

export { Tensor, type NestedArray, type Placement } from './tensor/tensor.js';
export { Random } from './tensor/random.js';
export * as ops from './tensor/ops.js';
export { matmul, add, sub, mul, div, exp, log, sum, mean, max, argmax, transpose, gatherRows, allClose } from './tensor/ops.js';

export type { Layer } from './layers/layer.js';
export { MulLayer, type Value } from './layers/mul_layer.js';
export { AddLayer } from './layers/add_layer.js';
export { Relu } from './layers/relu.js';
export { Sigmoid } from './layers/sigmoid.js';
export { Affine } from './layers/affine.js';
export { SoftmaxWithLoss, type Labels } from './layers/softmax_with_loss.js';

export { numericalGradient, NUMERICAL_H } from './gradient/numerical_gradient.js';
export { gradientCheck, compareGradients, type GradientDifference } from './gradient/gradient_check.js';

export type { Param } from './layers/param.js';
export { Dropout, type DropoutState } from './layers/dropout.js';
export { BatchNormalization } from './layers/batch_normalization.js';
export { Tanh } from './layers/tanh.js';
export { Softmax } from './layers/softmax.js';
export { Convolution, type ConvolutionOptions } from './layers/convolution.js';
export { Pooling, type PoolingOptions } from './layers/pooling.js';

export type { Optimizer, OptimizerName, OptimizerState } from './optim/optimizer.js';
export { SGD } from './optim/sgd.js';
export { Momentum } from './optim/momentum.js';
export { Nesterov } from './optim/nesterov.js';
export { AdaGrad } from './optim/adagrad.js';
export { RMSprop } from './optim/rmsprop.js';
export { Adam } from './optim/adam.js';
export { createOptimizer, OPTIMIZER_NAMES, type OptimizerOptions } from './optim/create_optimizer.js';

export { weightInitScale, WEIGHT_INIT_NAMES, type WeightInit } from './nets/weight_init.js';
export { Sequential, type LossLayer, type SequentialOptions } from './nets/sequential.js';
export { MultiLayerNet, ACTIVATIONS, type Activation, type MultiLayerNetOptions, type MultiLayerNetExtendOptions, type MultiLayerNetSpec } from './nets/multi_layer_net.js';
export { MultiLayerNetExtend } from './nets/multi_layer_net_extend.js';
export { specInputSize, type Network, type TrainableNetwork, type NetworkSpec, type ConvNetSpec } from './nets/network.js';
export { SimpleConvNet, type SimpleConvNetOptions, type SimpleConvNetSpec } from './nets/simple_conv_net.js';
export { DeepConvNet, BOOK_DEEP_CONV_PARAMS, type DeepConvNetOptions, type DeepConvNetSpec } from './nets/deep_conv_net.js';
export type { ConvParam, InputDim } from './nets/conv_images.js';
export { buildNetwork, describeNetwork, specTensorShapes, NETWORK_TYPES } from './nets/network_spec.js';

export { TwoLayerNet, PARAM_NAMES, type Params, type ParamName, type TwoLayerNetOptions, type TwoLayerNetSpec } from './nets/two_layer_net.js';

export { BatchSampler } from './train/batch_sampler.js';
export {
  train, iterationsPerEpoch, TrainingDivergedError,
  type TrainConfig, type TrainData, type TrainCallbacks, type TrainResult, type TrainState, type EpochResult, type IterationInfo,
} from './train/train.js';

export { loadMnist, oneHot, defaultMnistDir, MNIST_FILES, type LoadMnistOptions, type MnistData } from './data/mnist.js';
export { parseIdx, DataFormatError, type IdxArray } from './data/idx.js';

export { Trainer } from './train/train.js';
export { saveCheckpoint, loadCheckpoint, type Checkpoint, type RunSetup, type SavedTrainConfig } from './train/checkpoint.js';
export { saveNetwork, loadNetwork, type LoadedNetwork } from './io/model.js';
export { encodeSafetensors, decodeSafetensors, readSafetensorsFile, writeSafetensorsFile, SafetensorsError, type SafetensorsTensor, type SafetensorsContents } from './io/safetensors.js';
export { lineChart, accuracyChart, lossChart, smooth, type Series, type LineChartOptions } from './plot/svg.js';
export { toMnistInput } from './data/digit_image.js';
export { decodePng, decodeJpeg, decodeImage, readImageFile, ImageFormatError, MAX_IMAGE_PIXELS, MAX_IMAGE_SIDE, type GrayImage } from './data/image_file.js';
export { encodePng, digitGridSvg } from './data/digit_grid.js';
export { NABLA_VERSION } from './version.js';

// DeZero-style autograd (Variable, Function, backward, createGraph), also at 'nabla/autograd'.
export * as autograd from './autograd/index.js';
