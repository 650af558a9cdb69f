// How much memory a computation will need, estimated from its sizes before anything is
// allocated, so that an impossible size is refused at once, naming it, instead of
// growing the process for minutes and dying with an allocator's message.

import type { DType } from '../backend/backend.js';
import { totalMemoryBytes } from './machine.js';

/**
 * The longest typed array every supported Node can make (V8 refuses 2^32 + 1 elements on
 * Node 20; later versions allow more), hence the longest tensor.
 */
export const MAX_TYPED_ARRAY_LENGTH = 2 ** 32;

/** All tensors of the wasm backend live in one WebAssembly memory, at most 65536 pages of 64 KiB. */
export const WASM_MEMORY_BYTES = 2 ** 32;

export interface MemoryLimit {
  bytes: number;
  /** Says what the limit is, e.g. "the 4 GiB the wasm backend can address". */
  what: string;
}

/** What a computation on the named backend can use: the machine's memory, and the wasm memory's size on wasm. */
export function memoryLimit(backendName: string, machineBytes: number = totalMemoryBytes()): MemoryLimit {
  const machine: MemoryLimit = { bytes: machineBytes, what: `the ${formatBytes(machineBytes)} of memory this machine has` };
  if (backendName === 'wasm' && WASM_MEMORY_BYTES < machineBytes) return { bytes: WASM_MEMORY_BYTES, what: `the ${formatBytes(WASM_MEMORY_BYTES)} the wasm backend can address` };
  return machine;
}

export function bytesPerElement(dtype: DType): number {
  return dtype === 'float32' ? 4 : 8;
}

export interface TwoLayerSizes {
  inputs: number;
  hidden: number;
  /** Every hidden layer's size, for a deeper network (MultiLayerNet); `hidden` is then ignored. */
  hiddenSizes?: readonly number[];
  classes: number;
  /** Rows per forward/backward pass (the mini-batch or the gradient check's samples). */
  batch: number;
  /** Rows of data held in memory (training and test sets together). */
  dataRows: number;
  /** Rows per block when accuracy is scored (0: no scoring). */
  evalRows: number;
  /** Copies of the parameters alive at once: 2 when training (weights and gradients). */
  paramCopies: number;
  dtype: DType;
}

export interface MemoryEstimate {
  bytes: number;
  /** Elements of the largest single tensor. */
  largestTensor: number;
  /** Bytes of the weights alone (one copy). */
  weightBytes: number;
}

/**
 * Bytes a TwoLayerNet computation needs, from the layers' own buffers: data, parameters
 * (and their gradients), the mini-batch, and two buffers per layer output and its
 * gradient, sized for the larger of the batch and the scoring block.
 */
export function twoLayerBytes(s: TwoLayerSizes): MemoryEstimate {
  const size = bytesPerElement(s.dtype);
  const hidden = s.hiddenSizes ?? [s.hidden];
  const widths = [s.inputs, ...hidden, s.classes];
  let weights = 0;
  let largestWeight = 0;
  for (let i = 1; i < widths.length; i++) {
    weights += widths[i - 1]! * widths[i]! + widths[i]!;
    largestWeight = Math.max(largestWeight, widths[i - 1]! * widths[i]!);
  }
  // A deeper net's hidden layers may each have BatchNorm and Dropout too: twice the buffers.
  const outputs = (s.hiddenSizes ? 2 : 1) * hidden.reduce((a, b) => a + b, 0) + s.classes;
  const widest = Math.max(...widths.slice(1));
  const rows = Math.max(s.batch, s.evalRows);
  const activations = 2 * rows * outputs + 2 * s.batch * outputs;
  const elements = s.dataRows * s.inputs + s.paramCopies * weights + s.batch * s.inputs + activations;
  const labels = 4 * (s.dataRows + 2 * s.batch);
  return {
    bytes: elements * size + labels,
    largestTensor: Math.max(largestWeight, s.batch * s.inputs, rows * widest),
    weightBytes: weights * size,
  };
}

/** Whether `estimate` fits within `limit`, in bytes and in the longest tensor allowed. */
export function fits(estimate: MemoryEstimate, limit: MemoryLimit): boolean {
  return estimate.bytes <= limit.bytes && estimate.largestTensor <= MAX_TYPED_ARRAY_LENGTH;
}

/** Why `estimate` does not fit, e.g. "needs about 12 GiB, more than the 4 GiB the wasm backend can address". */
export function whyNotFits(estimate: MemoryEstimate, limit: MemoryLimit): string {
  if (estimate.bytes <= limit.bytes) {
    return `needs a tensor of ${estimate.largestTensor} values, more than the ${MAX_TYPED_ARRAY_LENGTH} a typed array can hold`;
  }
  return `needs about ${formatBytes(estimate.bytes)}, more than ${limit.what}`;
}

export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} bytes` : `${value >= 100 || Number.isInteger(value) ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

/** A network sized by its parameter count and the buffer elements its layers keep per input row. */
export interface LayeredSizes {
  weights: number;
  largestWeight: number;
  /** Elements of layer buffers per row of a batch (outputs, gradients, im2col windows). */
  perRow: number;
  /** Elements of the largest single buffer per row (a convolution's im2col windows). */
  largestPerRow: number;
  inputs: number;
  batch: number;
  dataRows: number;
  evalRows: number;
  paramCopies: number;
  dtype: DType;
}

/** Bytes a conv net computation needs: data, parameter copies, the batch, and every layer buffer at the larger of batch and scoring block. */
export function layeredBytes(s: LayeredSizes): MemoryEstimate {
  const rows = Math.max(s.batch, s.evalRows);
  const elements = s.dataRows * s.inputs + s.paramCopies * s.weights + s.batch * s.inputs + rows * s.perRow;
  return {
    bytes: elements * bytesPerElement(s.dtype) + 4 * (s.dataRows + 2 * s.batch),
    largestTensor: Math.max(s.largestWeight, rows * s.largestPerRow),
    weightBytes: s.weights * bytesPerElement(s.dtype),
  };
}
