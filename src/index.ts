// nabla's public API: tensors → backends → layers → networks → training. It imports nothing
// from Node, so it runs in a browser, a Web Worker, Node, Deno and Bun; in Node, `import
// 'nabla'` gives node.ts, which adds files, MNIST from disk, PNG and worker threads.
export type { Backend, ConvGeometry, DType, FloatArray } from './backend/backend.js';
export { convGeometry } from './backend/conv_geometry.js';
export { BACKEND_NAMES, backendReport, createBackend, getBackend, referenceBackend, setBackend, type BackendName, type BackendReport } from './backend/index.js';
export { initWasm, type InitWasmOptions } from './backend/init_wasm.js';

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
export { specInputSize, readsBytes, type Network, type TrainableNetwork, type ByteReadingNetwork, type ImageBytes, type NetworkSpec, type ConvNetSpec } from './nets/network.js';
export { SimpleConvNet, type SimpleConvNetOptions, type SimpleConvNetSpec } from './nets/simple_conv_net.js';
export { DeepConvNet, BOOK_DEEP_CONV_PARAMS, type DeepConvNetOptions, type DeepConvNetSpec } from './nets/deep_conv_net.js';
export type { ConvParam, InputDim } from './nets/conv_images.js';
export { buildNetwork, describeNetwork, specTensorShapes, NETWORK_TYPES } from './nets/network_spec.js';

export { TwoLayerNet, PARAM_NAMES, type Params, type ParamName, type TwoLayerNetOptions, type TwoLayerNetSpec } from './nets/two_layer_net.js';

export { BatchSampler } from './train/batch_sampler.js';
export {
  train, iterationsPerEpoch, evaluationSets, TrainingDivergedError,
  type TrainConfig, type TrainData, type TrainCallbacks, type TrainerOptions, type TrainResult, type TrainState, type EpochResult, type IterationInfo,
} from './train/train.js';
export type { BackgroundScorer, Accuracies } from './train/background_scorer.js';

export { parseIdx, DataFormatError, type IdxArray } from './data/idx.js';
export { mnistFromBytes, MNIST_IDX_NAMES, type MnistIdxBytes, type MnistFromBytesOptions, type MnistTensors } from './data/mnist_bytes.js';

export { Trainer } from './train/train.js';
export { ByteImages } from './tensor/byte_images.js';
export { SparseImages, SparseRows, MAX_SPARSE_DENSITY } from './tensor/sparse_images.js';
export { BlockScorer, type TrainImages } from './train/images.js';
export { encodeNetwork, decodeNetwork, type LoadedNetwork } from './io/model.js';
export { encodeSafetensors, decodeSafetensors, SafetensorsError, type SafetensorsTensor, type SafetensorsContents } from './io/safetensors.js';
export { lineChart, accuracyChart, lossChart, smooth, type Series, type LineChartOptions } from './plot/svg.js';
export { toMnistInput } from './data/digit_image.js';
export { rgbaToGray, type GrayImage } from './data/gray_image.js';
export { classify, type Classification } from './eval/classify.js';
export { drawingToMnistInput } from './data/drawn_digit.js';
export { decodeMnistClassifier, classifyDigit } from './eval/mnist_classifier.js';
export { NABLA_VERSION } from './version.js';

// DeZero-style autograd (Variable, Function, backward, createGraph), also at 'nabla/autograd'.
export * as autograd from './autograd/index.js';
