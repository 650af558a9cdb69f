import type { Backend, DType, FloatArray } from '../backend.js';
import { adamReference } from './adam.js';
import { col2imReference, im2colReference, maxPoolBackwardReference, maxPoolForwardReference, transposeBatchReference } from './conv.js';
import { gemmReference } from './gemm.js';
import { checkByteBlock, checkByteRows, checkGemmBytes } from './bytes.js';
import { compressBytesReference, gemmSparseBytesReference, nonzeroOffsetsReference } from './sparse_bytes.js';

const CROSS_ENTROPY_DELTA = 1e-7; // the book's guard against log(0)

// The living definition of correct behaviour: every kernel is the plainest loop that
// does the job. Other backends must agree with these within rounding.
export const referenceBackend: Backend = {
  name: 'reference',

  alloc(dtype: DType, length: number): FloatArray {
    return dtype === 'float32' ? new Float32Array(length) : new Float64Array(length);
  },
  free(): void {},

  gemm: gemmReference,

  addRowVector(rows, cols, x, bias, out) {
    for (let i = 0; i < rows; i++) {
      const row = i * cols;
      for (let j = 0; j < cols; j++) out[row + j] = x[row + j]! + bias[j]!;
    }
  },

  sumRows(rows, cols, x, out) {
    for (let j = 0; j < cols; j++) out[j] = 0;
    for (let i = 0; i < rows; i++) {
      const row = i * cols;
      for (let j = 0; j < cols; j++) out[j] += x[row + j]!;
    }
  },

  reluForward(n, x, out) {
    for (let i = 0; i < n; i++) out[i] = x[i]! <= 0 ? 0 : x[i]!;
  },
  reluBackward(n, dout, y, dx) {
    for (let i = 0; i < n; i++) dx[i] = y[i]! <= 0 ? 0 : dout[i]!;
  },

  sigmoidForward(n, x, out) {
    for (let i = 0; i < n; i++) out[i] = 1 / (1 + Math.exp(-x[i]!));
  },
  sigmoidBackward(n, dout, y, dx) {
    for (let i = 0; i < n; i++) dx[i] = dout[i]! * (1 - y[i]!) * y[i]!;
  },

  softmaxRows(rows, cols, x, y) {
    for (let i = 0; i < rows; i++) {
      const row = i * cols;
      let max = -Infinity;
      for (let j = 0; j < cols; j++) if (x[row + j]! > max) max = x[row + j]!;
      let sum = 0;
      for (let j = 0; j < cols; j++) {
        const e = Math.exp(x[row + j]! - max);
        y[row + j] = e;
        sum += e;
      }
      for (let j = 0; j < cols; j++) y[row + j] = y[row + j]! / sum;
    }
  },

  crossEntropyLabels(rows, cols, y, labels) {
    let total = 0;
    for (let i = 0; i < rows; i++) total -= Math.log(y[i * cols + labels[i]!]! + CROSS_ENTROPY_DELTA);
    return total;
  },
  crossEntropyOneHot(rows, cols, y, t) {
    let total = 0;
    for (let i = 0; i < rows * cols; i++) total -= t[i]! * Math.log(y[i]! + CROSS_ENTROPY_DELTA);
    return total;
  },

  softmaxCrossEntropyBackwardLabels(rows, cols, y, labels, scale, dx) {
    for (let i = 0; i < rows; i++) {
      const row = i * cols;
      const label = labels[i]!;
      const yt = y[row + label]!;
      const rowScale = (scale * yt) / (yt + CROSS_ENTROPY_DELTA);
      for (let j = 0; j < cols; j++) dx[row + j] = rowScale * (y[row + j]! - (j === label ? 1 : 0));
    }
  },
  softmaxCrossEntropyBackwardOneHot(rows, cols, y, t, scale, dx) {
    for (let i = 0; i < rows; i++) {
      const row = i * cols;
      let wSum = 0;
      for (let j = 0; j < cols; j++) wSum += (t[row + j]! * y[row + j]!) / (y[row + j]! + CROSS_ENTROPY_DELTA);
      for (let j = 0; j < cols; j++) {
        const w = (t[row + j]! * y[row + j]!) / (y[row + j]! + CROSS_ENTROPY_DELTA);
        dx[row + j] = scale * (y[row + j]! * wSum - w);
      }
    }
  },

  gatherRows(indices, cols, src, out) {
    for (let i = 0; i < indices.length; i++) {
      const from = indices[i]! * cols;
      const to = i * cols;
      for (let j = 0; j < cols; j++) out[to + j] = src[from + j]!;
    }
  },

  allocBytes(length) {
    return new Uint8Array(length);
  },
  gatherBytes(indices, cols, src, scale, out) {
    checkByteRows('gatherBytes', indices, cols, src, out);
    for (let i = 0; i < indices.length; i++) {
      const from = indices[i]! * cols;
      const to = i * cols;
      for (let j = 0; j < cols; j++) out[to + j] = src[from + j]! * scale;
    }
  },
  gemmBytes(transA, m, n, k, a, aOffset, lda, scale, b, bOffset, ldb, beta, c, cOffset, ldc) {
    checkGemmBytes(transA, m, n, k, a, aOffset, lda, scale, b, bOffset, ldb, c, cOffset, ldc);
    // The definition: A's stored rows converted as bytesToFloats would, then gemm.
    const rows = transA ? k : m, cols = transA ? m : k;
    const length = rows > 0 && cols > 0 ? (rows - 1) * lda + cols : 0;
    const floats = c instanceof Float32Array ? new Float32Array(length) : new Float64Array(length);
    for (let i = 0; i < length; i++) floats[i] = a[aOffset + i]! * scale;
    gemmReference(transA, false, m, n, k, floats, 0, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
  },
  gemmSparseBytes: gemmSparseBytesReference,
  nonzeroOffsets: nonzeroOffsetsReference,
  compressBytes: compressBytesReference,
  bytesToFloats(n, src, srcOffset, scale, out) {
    checkByteBlock('bytesToFloats', n, src, srcOffset, out);
    for (let i = 0; i < n; i++) out[i] = src[srcOffset + i]! * scale;
  },

  argmaxRows(rows, cols, x, out) {
    for (let i = 0; i < rows; i++) {
      const row = i * cols;
      let best = 0;
      for (let j = 1; j < cols; j++) if (x[row + j]! > x[row + best]!) best = j;
      out[i] = best;
    }
  },

  axpy(n, alpha, x, y) {
    for (let i = 0; i < n; i++) y[i] += alpha * x[i]!;
  },

  adamUpdate: adamReference,

  im2col: im2colReference,
  col2im: col2imReference,
  transposeBatch: transposeBatchReference,
  maxPoolForward: maxPoolForwardReference,
  maxPoolBackward: maxPoolBackwardReference,
};
