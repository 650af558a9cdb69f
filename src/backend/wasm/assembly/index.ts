// The module's exports: every kernel instantiated for f64 and f32. All pointers are byte
// addresses in the shared memory the host imports; the host owns all allocation.

import * as g from './gemm';
import * as e from './elementwise';
import * as s from './sparse';
import * as cv from './conv';
import * as o from './optim';
import * as by from './bytes';
import * as sb from './sparse_bytes';
import * as csr from './sparse_csr';
import { KC, NC, MR, nr } from './simd';

/** First byte the host allocator may use: static data and nothing else lies below. */
export function heapBase(): usize {
  return __heap_base;
}

/** Bytes of per-thread scratch gemm needs: packed B, then one MR×NR tile (the sparse and CSR paths need no more). */
export function gemmScratchBytes(): i32 {
  return max(max(KC * NC * 8 + MR * nr<f64>() * 8, s.SPARSE_SCRATCH_BYTES), csr.CSR_SCRATCH_BYTES);
}

export function gemm_f64(
  transA: bool, transB: bool, k: i32, a: usize, lda: i32, b: usize, ldb: i32,
  beta: i32, c: usize, ldc: i32, i0: i32, i1: i32, j0: i32, j1: i32, scratch: usize,
): void {
  g.gemmBlock<f64>(transA, transB, k, a, lda, b, ldb, beta, c, ldc, i0, i1, j0, j1, scratch);
}
export function gemm_f32(
  transA: bool, transB: bool, k: i32, a: usize, lda: i32, b: usize, ldb: i32,
  beta: i32, c: usize, ldc: i32, i0: i32, i1: i32, j0: i32, j1: i32, scratch: usize,
): void {
  g.gemmBlock<f32>(transA, transB, k, a, lda, b, ldb, beta, c, ldc, i0, i1, j0, j1, scratch);
}

export function gemmSparse_f64(
  transA: bool, k: i32, a: usize, lda: i32, b: usize, ldb: i32,
  beta: i32, c: usize, ldc: i32, i0: i32, i1: i32, j0: i32, j1: i32, scratch: usize,
): void {
  s.gemmSparseBlock<f64>(transA, k, a, lda, b, ldb, beta, c, ldc, i0, i1, j0, j1, scratch);
}
export function gemmSparse_f32(
  transA: bool, k: i32, a: usize, lda: i32, b: usize, ldb: i32,
  beta: i32, c: usize, ldc: i32, i0: i32, i1: i32, j0: i32, j1: i32, scratch: usize,
): void {
  s.gemmSparseBlock<f32>(transA, k, a, lda, b, ldb, beta, c, ldc, i0, i1, j0, j1, scratch);
}
export function gemmBytes_f64(
  transA: bool, k: i32, a: usize, lda: i32, scale: f64, b: usize, ldb: i32,
  beta: i32, c: usize, ldc: i32, i0: i32, i1: i32, j0: i32, j1: i32, scratch: usize,
): void {
  sb.gemmBytesBlock<f64>(transA, k, a, lda, scale, b, ldb, beta, c, ldc, i0, i1, j0, j1, scratch);
}
export function gemmBytes_f32(
  transA: bool, k: i32, a: usize, lda: i32, scale: f64, b: usize, ldb: i32,
  beta: i32, c: usize, ldc: i32, i0: i32, i1: i32, j0: i32, j1: i32, scratch: usize,
): void {
  sb.gemmBytesBlock<f32>(transA, k, a, lda, scale, b, ldb, beta, c, ldc, i0, i1, j0, j1, scratch);
}
// op(A) as CSR rows taken by index (sparse_csr.ts): NN computes C's rows i0..i1, TN its
// rows (pixels) i0..i1 from every taken row. count: the taken rows (TN; NN reads i0..i1 of
// them); width: op(A)'s columns. Returns 1 at a column ≥ width, else 0.
export function gemmCsr_f64(
  transA: bool, count: i32, rows: usize, offsets: usize, columns: usize, values: usize, limit: i32, scale: f64, width: i32,
  b: usize, ldb: i32, beta: i32, c: usize, ldc: i32, n: i32, i0: i32, i1: i32, scratch: usize,
): i32 {
  return transA
    ? csr.gemmCsrTN<f64>(count, rows, offsets, columns, values, scale, width, b, ldb, beta, c, ldc, n, i0, i1, scratch)
    : csr.gemmCsrNN<f64>(rows, offsets, columns, values, limit, scale, width, b, ldb, beta, c, ldc, n, i0, i1, scratch);
}
export function gemmCsr_f32(
  transA: bool, count: i32, rows: usize, offsets: usize, columns: usize, values: usize, limit: i32, scale: f64, width: i32,
  b: usize, ldb: i32, beta: i32, c: usize, ldc: i32, n: i32, i0: i32, i1: i32, scratch: usize,
): i32 {
  return transA
    ? csr.gemmCsrTN<f32>(count, rows, offsets, columns, values, scale, width, b, ldb, beta, c, ldc, n, i0, i1, scratch)
    : csr.gemmCsrNN<f32>(rows, offsets, columns, values, limit, scale, width, b, ldb, beta, c, ldc, n, i0, i1, scratch);
}
/** The CSR of a rows×cols block of bytes: offsets (returns their total), then columns and values (returns the first row the offsets do not fit, or −1). */
export function nonzeroOffsets(rows: i32, cols: i32, src: usize, offsets: usize): u32 { return csr.nonzeroOffsets(rows, cols, src, offsets); }
export function compressBytes(rows: i32, cols: i32, src: usize, offsets: usize, columns: usize, values: usize): i32 { return csr.compressBytes(rows, cols, src, offsets, columns, values); }
/** Zero bytes of a block, or a partial count: ≥ target exactly when the block has ≥ target (one export: bytes have no element type). */
export function countZeroBytes(rows: i32, cols: i32, a: usize, ld: i32, target: i32): i32 { return sb.countZeroBytes(rows, cols, a, ld, target); }
export function countZeros_f64(rows: i32, cols: i32, a: usize, ld: i32, target: i32): i32 { return s.countZeros<f64>(rows, cols, a, ld, target); }
export function countZeros_f32(rows: i32, cols: i32, a: usize, ld: i32, target: i32): i32 { return s.countZeros<f32>(rows, cols, a, ld, target); }

export function addRowVector_f64(rows: i32, cols: i32, x: usize, bias: usize, out: usize): void { e.addRowVector<f64>(rows, cols, x, bias, out); }
export function addRowVector_f32(rows: i32, cols: i32, x: usize, bias: usize, out: usize): void { e.addRowVector<f32>(rows, cols, x, bias, out); }
export function sumRows_f64(rows: i32, cols: i32, x: usize, out: usize): void { e.sumRows<f64>(rows, cols, x, out); }
export function sumRows_f32(rows: i32, cols: i32, x: usize, out: usize): void { e.sumRows<f32>(rows, cols, x, out); }
export function reluForward_f64(n: i32, x: usize, out: usize): void { e.reluForward<f64>(n, x, out); }
export function reluForward_f32(n: i32, x: usize, out: usize): void { e.reluForward<f32>(n, x, out); }
export function reluBackward_f64(n: i32, dout: usize, y: usize, dx: usize): void { e.reluBackward<f64>(n, dout, y, dx); }
export function reluBackward_f32(n: i32, dout: usize, y: usize, dx: usize): void { e.reluBackward<f32>(n, dout, y, dx); }
export function sigmoidForward_f64(n: i32, x: usize, out: usize): void { e.sigmoidForward<f64>(n, x, out); }
export function sigmoidForward_f32(n: i32, x: usize, out: usize): void { e.sigmoidForward<f32>(n, x, out); }
export function sigmoidBackward_f64(n: i32, dout: usize, y: usize, dx: usize): void { e.sigmoidBackward<f64>(n, dout, y, dx); }
export function sigmoidBackward_f32(n: i32, dout: usize, y: usize, dx: usize): void { e.sigmoidBackward<f32>(n, dout, y, dx); }
export function softmaxRows_f64(rows: i32, cols: i32, x: usize, y: usize): void { e.softmaxRows<f64>(rows, cols, x, y); }
export function softmaxRows_f32(rows: i32, cols: i32, x: usize, y: usize): void { e.softmaxRows<f32>(rows, cols, x, y); }
export function crossEntropyLabels_f64(rows: i32, cols: i32, y: usize, labels: usize): f64 { return e.crossEntropyLabels<f64>(rows, cols, y, labels); }
export function crossEntropyLabels_f32(rows: i32, cols: i32, y: usize, labels: usize): f64 { return e.crossEntropyLabels<f32>(rows, cols, y, labels); }
export function crossEntropyOneHot_f64(n: i32, y: usize, t: usize): f64 { return e.crossEntropyOneHot<f64>(n, y, t); }
export function crossEntropyOneHot_f32(n: i32, y: usize, t: usize): f64 { return e.crossEntropyOneHot<f32>(n, y, t); }
export function sceBackwardLabels_f64(rows: i32, cols: i32, y: usize, labels: usize, scale: f64, dx: usize): void { e.softmaxCrossEntropyBackwardLabels<f64>(rows, cols, y, labels, scale, dx); }
export function sceBackwardLabels_f32(rows: i32, cols: i32, y: usize, labels: usize, scale: f64, dx: usize): void { e.softmaxCrossEntropyBackwardLabels<f32>(rows, cols, y, labels, scale, dx); }
export function sceBackwardOneHot_f64(rows: i32, cols: i32, y: usize, t: usize, scale: f64, dx: usize): void { e.softmaxCrossEntropyBackwardOneHot<f64>(rows, cols, y, t, scale, dx); }
export function sceBackwardOneHot_f32(rows: i32, cols: i32, y: usize, t: usize, scale: f64, dx: usize): void { e.softmaxCrossEntropyBackwardOneHot<f32>(rows, cols, y, t, scale, dx); }
export function gatherRows_f64(count: i32, indices: usize, cols: i32, src: usize, out: usize): void { e.gatherRows<f64>(count, indices, cols, src, out); }
export function gatherRows_f32(count: i32, indices: usize, cols: i32, src: usize, out: usize): void { e.gatherRows<f32>(count, indices, cols, src, out); }
// Pixels as bytes (bytes.ts): a batch of rows, or a block, converted to floats.
export function gatherBytes_f64(count: i32, indices: usize, cols: i32, src: usize, scale: f64, out: usize): void { by.gatherBytes<f64>(count, indices, cols, src, scale, out); }
export function gatherBytes_f32(count: i32, indices: usize, cols: i32, src: usize, scale: f64, out: usize): void { by.gatherBytes<f32>(count, indices, cols, src, scale, out); }
export function bytesToFloats_f64(n: i32, src: usize, scale: f64, out: usize): void { by.bytesToFloats<f64>(n, src, scale, out); }
export function bytesToFloats_f32(n: i32, src: usize, scale: f64, out: usize): void { by.bytesToFloats<f32>(n, src, scale, out); }
export function argmaxRows_f64(rows: i32, cols: i32, x: usize, out: usize): void { e.argmaxRows<f64>(rows, cols, x, out); }
export function argmaxRows_f32(rows: i32, cols: i32, x: usize, out: usize): void { e.argmaxRows<f32>(rows, cols, x, out); }
export function axpy_f64(n: i32, alpha: f64, x: usize, y: usize): void { e.axpy<f64>(n, alpha, x, y); }
export function axpy_f32(n: i32, alpha: f64, x: usize, y: usize): void { e.axpy<f32>(n, alpha, x, y); }

// Adam's step over elements i0..i1 (optim.ts): the same bits as the JS loop, any split.
export function adamUpdate_f64(i0: i32, i1: i32, lrT: f64, rest1: f64, rest2: f64, eps: f64, param: usize, grad: usize, m: usize, v: usize): void { o.adamUpdate<f64>(i0, i1, lrT, rest1, rest2, eps, param, grad, m, v); }
export function adamUpdate_f32(i0: i32, i1: i32, lrT: f64, rest1: f64, rest2: f64, eps: f64, param: usize, grad: usize, m: usize, v: usize): void { o.adamUpdate<f32>(i0, i1, lrT, rest1, rest2, eps, param, grad, m, v); }

// Convolution and pooling (conv.ts): geometry c, h, w, fh, fw, stride, pad, oh, ow, then images i0..i1.
export function im2col_f64(c: i32, h: i32, w: i32, fh: i32, fw: i32, stride: i32, pad: i32, oh: i32, ow: i32, i0: i32, i1: i32, x: usize, col: usize): void { cv.im2col<f64>(c, h, w, fh, fw, stride, pad, oh, ow, i0, i1, x, col); }
export function col2im_f64(c: i32, h: i32, w: i32, fh: i32, fw: i32, stride: i32, pad: i32, oh: i32, ow: i32, i0: i32, i1: i32, col: usize, dx: usize): void { cv.col2im<f64>(c, h, w, fh, fw, stride, pad, oh, ow, i0, i1, col, dx); }
export function transposeBatch_f64(rows: i32, cols: i32, b0: i32, b1: i32, x: usize, out: usize): void { cv.transposeBatch<f64>(rows, cols, b0, b1, x, out); }
export function maxPoolForward_f64(c: i32, h: i32, w: i32, fh: i32, fw: i32, stride: i32, pad: i32, oh: i32, ow: i32, i0: i32, i1: i32, x: usize, out: usize, argmax: usize): void { cv.maxPoolForward<f64>(c, h, w, fh, fw, stride, pad, oh, ow, i0, i1, x, out, argmax); }
export function maxPoolBackward_f64(c: i32, h: i32, w: i32, oh: i32, ow: i32, i0: i32, i1: i32, dout: usize, argmax: usize, dx: usize): void { cv.maxPoolBackward<f64>(c, h, w, oh, ow, i0, i1, dout, argmax, dx); }
export function im2col_f32(c: i32, h: i32, w: i32, fh: i32, fw: i32, stride: i32, pad: i32, oh: i32, ow: i32, i0: i32, i1: i32, x: usize, col: usize): void { cv.im2col<f32>(c, h, w, fh, fw, stride, pad, oh, ow, i0, i1, x, col); }
export function col2im_f32(c: i32, h: i32, w: i32, fh: i32, fw: i32, stride: i32, pad: i32, oh: i32, ow: i32, i0: i32, i1: i32, col: usize, dx: usize): void { cv.col2im<f32>(c, h, w, fh, fw, stride, pad, oh, ow, i0, i1, col, dx); }
export function transposeBatch_f32(rows: i32, cols: i32, b0: i32, b1: i32, x: usize, out: usize): void { cv.transposeBatch<f32>(rows, cols, b0, b1, x, out); }
export function maxPoolForward_f32(c: i32, h: i32, w: i32, fh: i32, fw: i32, stride: i32, pad: i32, oh: i32, ow: i32, i0: i32, i1: i32, x: usize, out: usize, argmax: usize): void { cv.maxPoolForward<f32>(c, h, w, fh, fw, stride, pad, oh, ow, i0, i1, x, out, argmax); }
export function maxPoolBackward_f32(c: i32, h: i32, w: i32, oh: i32, ow: i32, i0: i32, i1: i32, dout: usize, argmax: usize, dx: usize): void { cv.maxPoolBackward<f32>(c, h, w, oh, ow, i0, i1, dout, argmax, dx); }
/** Position of the first of n int32s outside 0..limit − 1, or −1 (checks argmax before a scatter). */
export function firstOutside(n: i32, values: usize, limit: i32): i32 { return cv.firstOutside(n, values, limit); }
