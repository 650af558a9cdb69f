import { formatShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';

/** Images per forward pass when a conv net scores a dataset: the book's accuracy(batch_size=100). */
export const CONV_EVAL_BATCH = 100;

/** [channels, height, width] of one input image, the book's input_dim. */
export type InputDim = [number, number, number];

/** The book's conv_param: filter count and size, padding and stride of one Convolution. */
export interface ConvParam {
  filterNum: number;
  filterSize: number;
  pad: number;
  stride: number;
}

/**
 * x as a batch of images [N, C, H, W]: an image batch as it is, or flat rows of C·H·W values
 * (what loadMnist gives by default, and what the trainer and the CLI pass) viewed as images
 * without a copy.
 */
export function asImages(who: string, x: Tensor, [c, h, w]: InputDim): Tensor {
  if (x.rank === 4 && x.shape[1] === c && x.shape[2] === h && x.shape[3] === w) return x;
  if (x.rank === 2 && x.shape[1] === c * h * w) return x.reshape(x.shape[0]!, c, h, w);
  throw new RangeError(`${who}: input ${formatShape(x.shape)} is neither images [batch, ${c}, ${h}, ${w}] nor rows [batch, ${c * h * w}]`);
}

/** Output side of a window sweep: (size + 2·pad − filter) / stride + 1, rounded down. */
export function sweptSize(size: number, filter: number, pad: number, stride: number): number {
  return Math.floor((size + 2 * pad - filter) / stride) + 1;
}

export function checkInputDim(who: string, inputDim: unknown): InputDim {
  if (!Array.isArray(inputDim) || inputDim.length !== 3 || inputDim.some((d) => !Number.isSafeInteger(d) || d < 1 || d > 1 << 16)) {
    throw new RangeError(`${who}: inputDim must be [channels, height, width] of positive integers up to 65536, got ${JSON.stringify(inputDim)}`);
  }
  return [...inputDim] as InputDim;
}

/** Checks one conv_param against the image it sweeps; returns the output height and width. */
export function checkConvParam(who: string, what: string, p: ConvParam, h: number, w: number): [number, number] {
  if (p === null || typeof p !== 'object') throw new TypeError(`${who}: ${what} must be an object {filterNum, filterSize, pad, stride}`);
  for (const [name, min] of [['filterNum', 1], ['filterSize', 1], ['pad', 0], ['stride', 1]] as const) {
    const v = p[name];
    if (!Number.isSafeInteger(v) || v < min || v > 1 << 16) throw new RangeError(`${who}: ${what}.${name} must be an integer in [${min}, 65536], got ${JSON.stringify(v)}`);
  }
  if (p.filterSize > h + 2 * p.pad || p.filterSize > w + 2 * p.pad) {
    throw new RangeError(`${who}: ${what}: a ${p.filterSize}×${p.filterSize} filter does not fit a ${h}×${w} image with padding ${p.pad}`);
  }
  return [sweptSize(h, p.filterSize, p.pad, p.stride), sweptSize(w, p.filterSize, p.pad, p.stride)];
}

/** Side after the nets' 2×2, stride-2 max pooling; 0 when the image is too small for a window. */
export function pooledSize(size: number): number {
  return size < 2 ? 0 : sweptSize(size, 2, 0, 2);
}
