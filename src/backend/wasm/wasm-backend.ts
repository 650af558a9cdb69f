// The Backend contract on top of the wasm kernels: checks and marshals arguments, picks
// the f64 or f32 table, and hands GEMMs to the thread pool.

import type { Backend, ConvGeometry, DType, FloatArray } from '../backend.js';
import { checkPoolPadding, convGeometry } from '../conv_geometry.js';
import { checkAdamArgs } from '../reference/adam.js';
import { checkByteBlock, checkByteRows, checkGemmBytes } from '../reference/bytes.js';
import { referenceBackend } from '../reference/index.js';
import { checkByteMatrix, checkCompressTarget, checkGemmSparseBytes, columnError } from '../reference/sparse_bytes.js';
import type { TypedKernels } from './exports.js';
import { Marshal } from './marshal.js';
import type { ConvCall, ThreadPool } from './pool.js';
import type { Runtime } from './runtime.js';

export interface WasmBackend extends Backend {
  readonly name: 'wasm';
  /** Threads a large GEMM is split across, the calling thread included. */
  readonly threads: number;
  /**
   * Splits use at most n threads from now on (clamped to 1..threads), leaving the other
   * cores to the caller's own work; returns the count applied. Results never depend on it.
   */
  useThreads(n: number): number;
  /** GEMMs run so far by this backend object on each path, for tests and benchmarks. */
  readonly gemmPaths: Readonly<GemmPathCounts>;
  /** Row gathers from this backend's memory run so far, whole on the calling thread or split across the pool. */
  readonly gatherPaths: Readonly<GatherPathCounts>;
  /** Convolution kernels (im2col, col2im, transposeBatch, max pooling) run so far in wasm, whole or split by images. */
  readonly convPaths: Readonly<ConvPathCounts>;
  /** Adam updates run so far in wasm, whole or split into ranges of elements. */
  readonly adamPaths: Readonly<ConvPathCounts>;
  /** Byte-to-float conversions (bytesToFloats) run so far in wasm, whole or split into ranges. */
  readonly bytesPaths: Readonly<ConvPathCounts>;
  /** gemmSparseBytes products run so far in wasm (gemmPaths.csr), whole or split into bands of C's rows. */
  readonly csrPaths: Readonly<ConvPathCounts>;
}

export interface ConvPathCounts {
  whole: number;
  split: number;
}

export interface GatherPathCounts {
  whole: number;
  split: number;
}

export interface GemmPathCounts {
  /** Register-blocked kernel over every entry of op(A). */
  dense: number;
  /** Zero-skipping kernel (assembly/sparse.ts). */
  sparse: number;
  /** gemmBytes: the zero-skipping kernel reading A as bytes (assembly/sparse_bytes.ts). */
  bytes: number;
  /** gemmSparseBytes: op(A)'s rows as CSR, taken by index (assembly/sparse_csr.ts). */
  csr: number;
}

/**
 * op(A) at least this fraction zeros (B not transposed, n ≥ SPARSE_MIN_COLUMNS) takes the
 * zero-skipping kernel. Measured single-threaded on the training shapes (n = 50, k = 784 and
 * 100) with zeros scattered at random, the sparse kernel's worst case: it breaks even with the
 * dense one at about 50% zeros in float64 and 57% in float32 (the dense f32 kernel does four
 * lanes per instruction). Zeros in runs, as in MNIST (81%), only favour it more: 2.1–2.7×.
 */
export const SPARSE_ZERO_FRACTION = { float64: 0.5, float32: 0.6 } as const;
/**
 * Narrower products stay dense: each gathered entry of A costs a fixed overhead that a few
 * columns do not repay (n = 10 with 70% zeros still runs 0.7–1.0× the dense speed).
 */
export const SPARSE_MIN_COLUMNS = 16;
/**
 * The share of zeros is measured on at most this many stored rows of A, evenly strided
 * (sparseSample): counting all of A cost 7% of a float32 training run (10000×784 in each
 * evaluation), and a few thousand entries estimate a share to a few percent, all the
 * decision needs. The sample depends on the shape alone, so the decision stays a function
 * of the data: the same call takes the same path on every thread count.
 */
export const SPARSE_SAMPLE_ROWS = 16;

/** The stored rows of A whose zeros decide the path: rows 0, stride, 2·stride, … (count of them). */
export function sparseSample(storedRows: number): { stride: number; count: number } {
  const stride = Math.max(1, Math.ceil(storedRows / SPARSE_SAMPLE_ROWS));
  return { stride, count: Math.ceil(storedRows / stride) };
}

/**
 * Whether a product takes the zero-skipping kernel, and its cost for the pool's threading
 * decision, from a count of op(A)'s zeros in sparseSample's rows: one rule for floats and
 * bytes, so a byte product takes the kernel that the same values as floats would.
 *   countZeros(rows, cols, rowStride, target): the sampled rows' zeros, or a partial count
 *   that is ≥ target exactly when they reach it
 */
function sparseChoice(
  transA: boolean, m: number, n: number, k: number, lda: number, f32: boolean,
  countZeros: (rows: number, cols: number, rowStride: number, target: number) => number,
): { sparse: boolean; work: number } {
  const dense = { sparse: false, work: m * n * Math.max(k, 1) };
  if (k === 0 || n < SPARSE_MIN_COLUMNS) return dense;
  const rows = transA ? k : m, cols = transA ? m : k;
  const sample = sparseSample(rows);
  const target = Math.ceil(SPARSE_ZERO_FRACTION[f32 ? 'float32' : 'float64'] * sample.count * cols);
  const zeros = countZeros(sample.count, cols, lda * sample.stride, target);
  if (zeros < target) return dense;
  // The pool sees the sparse cost, not m·n·k, which would split products too cheap to
  // repay the hand-off. zeros may be a partial count of the sample: scaled up, it bounds
  // the nonzeros' multiply-adds, plus the gathering.
  return { sparse: true, work: Math.round(m * k * (1 - zeros / (sample.count * cols))) * n + m * k };
}

// Byte storage is a view of float32 storage from alloc (budget, zeroing and reclaiming
// included); the view keeps its words alive, so they are reclaimed only with it. One map
// for the process, as the memory is: a backend object replaced by setBackend or initWasm
// must not take the bytes' owners with it.
const byteOwners = new WeakMap<Uint8Array, Float32Array>();

export function makeWasmBackend(rt: Runtime, pool: ThreadPool): WasmBackend {
  /** The kernel table for arrays of one float type, or undefined when they are mixed. */
  const tableFor = (...arrays: FloatArray[]): TypedKernels | undefined => {
    if (arrays.every((a) => a instanceof Float64Array)) return rt.f64;
    if (arrays.every((a) => a instanceof Float32Array)) return rt.f32;
    return undefined;
  };
  /** Runs `body` with a fresh Marshal, copying outputs back only when it succeeds. */
  const marshalled = <R>(body: (m: Marshal) => R): R => {
    const m = new Marshal(rt);
    let result: R;
    try {
      result = body(m);
    } catch (error) {
      m.release();
      throw error;
    }
    m.finish();
    return result;
  };

  const gemmPaths: GemmPathCounts = { dense: 0, sparse: 0, bytes: 0, csr: 0 };
  const gatherPaths: GatherPathCounts = { whole: 0, split: 0 };
  const convPaths: ConvPathCounts = { whole: 0, split: 0 };
  const adamPaths: ConvPathCounts = { whole: 0, split: 0 };
  const bytesPaths: ConvPathCounts = { whole: 0, split: 0 };
  const csrPaths: ConvPathCounts = { whole: 0, split: 0 };
  /** Runs a checked convolution kernel on the pool and counts its path. */
  const conv = (call: ConvCall, bytes: number): void => {
    if (pool.conv(call, bytes)) convPaths.split++;
    else convPaths.whole++;
  };

  return {
    name: 'wasm',
    get threads() {
      return pool.activeThreads;
    },
    useThreads: (n: number) => pool.useThreads(n),
    gemmPaths,
    gatherPaths,
    convPaths,
    adamPaths,
    bytesPaths,
    csrPaths,

    alloc: (dtype: DType, length: number) => rt.alloc(dtype, length),
    free: (array: FloatArray) => rt.free(array),

    gemm(transA, transB, m, n, k, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc) {
      if (m <= 0 || n <= 0) return;
      const table = tableFor(a, b, c);
      if (!table) {
        referenceBackend.gemm(transA, transB, m, n, k, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
        return;
      }
      // op(A) is m×k, stored (transposed: k×m) with row stride lda; likewise B and C.
      const aLength = k > 0 ? extent(transA ? k : m, transA ? m : k, lda, 'A') : 0;
      const bLength = k > 0 ? extent(transB ? n : k, transB ? k : n, ldb, 'B') : 0;
      const cLength = extent(m, n, ldc, 'C');
      checkRange(a, aOffset, aLength, 'A');
      checkRange(b, bOffset, bLength, 'B');
      checkRange(c, cOffset, cLength, 'C');
      marshalled((ms) => {
        const f32 = table === rt.f32;
        const aPtr = ms.input(a, aOffset, aLength);
        // Decided here, once per call and from op(A)'s data alone, so that every thread
        // count takes the same path and gives the same bits. Counting reads a strided
        // sample of at most SPARSE_SAMPLE_ROWS stored rows (fewer entries: it stops once
        // the answer is known).
        const { sparse, work } = transB
          ? { sparse: false, work: m * n * Math.max(k, 1) }
          : sparseChoice(transA, m, n, k, lda, f32, (rows, cols, stride, target) => table.countZeros(rows, cols, aPtr, stride, target));
        if (sparse) gemmPaths.sparse++;
        else gemmPaths.dense++;
        pool.gemm({
          f32, sparse, transA, transB, m, n, k,
          a: aPtr, lda,
          b: ms.input(b, bOffset, bLength), ldb,
          beta, c: ms.output(c, cOffset, cLength), ldc,
        }, work);
      });
    },

    addRowVector(rows, cols, x, bias, out) {
      const t = tableFor(x, bias, out);
      if (!t) return referenceBackend.addRowVector(rows, cols, x, bias, out);
      const n = rows * cols;
      marshalled((ms) => t.addRowVector(rows, cols, ms.input(x, 0, n), ms.input(bias, 0, cols), ms.output(out, 0, n)));
    },
    sumRows(rows, cols, x, out) {
      const t = tableFor(x, out);
      if (!t) return referenceBackend.sumRows(rows, cols, x, out);
      marshalled((ms) => t.sumRows(rows, cols, ms.input(x, 0, rows * cols), ms.output(out, 0, cols)));
    },

    reluForward(n, x, out) {
      const t = tableFor(x, out);
      if (!t) return referenceBackend.reluForward(n, x, out);
      marshalled((ms) => t.reluForward(n, ms.input(x, 0, n), ms.output(out, 0, n)));
    },
    reluBackward(n, dout, y, dx) {
      const t = tableFor(dout, y, dx);
      if (!t) return referenceBackend.reluBackward(n, dout, y, dx);
      marshalled((ms) => t.reluBackward(n, ms.input(dout, 0, n), ms.input(y, 0, n), ms.output(dx, 0, n)));
    },
    sigmoidForward(n, x, out) {
      const t = tableFor(x, out);
      if (!t) return referenceBackend.sigmoidForward(n, x, out);
      marshalled((ms) => t.sigmoidForward(n, ms.input(x, 0, n), ms.output(out, 0, n)));
    },
    sigmoidBackward(n, dout, y, dx) {
      const t = tableFor(dout, y, dx);
      if (!t) return referenceBackend.sigmoidBackward(n, dout, y, dx);
      marshalled((ms) => t.sigmoidBackward(n, ms.input(dout, 0, n), ms.input(y, 0, n), ms.output(dx, 0, n)));
    },

    softmaxRows(rows, cols, x, y) {
      const t = tableFor(x, y);
      if (!t) return referenceBackend.softmaxRows(rows, cols, x, y);
      const n = rows * cols;
      marshalled((ms) => t.softmaxRows(rows, cols, ms.input(x, 0, n), ms.output(y, 0, n)));
    },
    crossEntropyLabels(rows, cols, y, labels) {
      const t = tableFor(y);
      if (!t) return referenceBackend.crossEntropyLabels(rows, cols, y, labels);
      checkLabels(labels, rows, cols);
      return marshalled((ms) => t.crossEntropyLabels(rows, cols, ms.input(y, 0, rows * cols), ms.input(labels, 0, rows)));
    },
    crossEntropyOneHot(rows, cols, y, target) {
      const t = tableFor(y, target);
      if (!t) return referenceBackend.crossEntropyOneHot(rows, cols, y, target);
      const n = rows * cols;
      return marshalled((ms) => t.crossEntropyOneHot(n, ms.input(y, 0, n), ms.input(target, 0, n)));
    },
    softmaxCrossEntropyBackwardLabels(rows, cols, y, labels, scale, dx) {
      const t = tableFor(y, dx);
      if (!t) return referenceBackend.softmaxCrossEntropyBackwardLabels(rows, cols, y, labels, scale, dx);
      checkLabels(labels, rows, cols);
      const n = rows * cols;
      marshalled((ms) => t.sceBackwardLabels(rows, cols, ms.input(y, 0, n), ms.input(labels, 0, rows), scale, ms.output(dx, 0, n)));
    },
    softmaxCrossEntropyBackwardOneHot(rows, cols, y, target, scale, dx) {
      const t = tableFor(y, target, dx);
      if (!t) return referenceBackend.softmaxCrossEntropyBackwardOneHot(rows, cols, y, target, scale, dx);
      const n = rows * cols;
      marshalled((ms) => t.sceBackwardOneHot(rows, cols, ms.input(y, 0, n), ms.input(target, 0, n), scale, ms.output(dx, 0, n)));
    },

    gatherRows(indices, cols, src, out) {
      const t = tableFor(src, out);
      const count = indices.length;
      // A foreign source is gathered here: copying a whole dataset in to pick a batch
      // from it would cost far more than the gather itself.
      if (!t || !rt.owns(src)) return referenceGather(indices, cols, src, out);
      const rows = Math.floor(src.length / Math.max(cols, 1));
      for (let i = 0; i < count; i++) {
        const row = indices[i]!;
        if (!(row >= 0 && row < rows)) throw new RangeError(`gatherRows: index ${row} outside 0..${rows - 1}`);
      }
      const split = marshalled((ms) => pool.gather({
        f32: t === rt.f32, count, cols,
        indices: ms.input(indices, 0, count), src: ms.input(src, 0, rows * cols), out: ms.output(out, 0, count * cols),
      }));
      if (split) gatherPaths.split++;
      else gatherPaths.whole++;
    },
    allocBytes(length: number) {
      if (!Number.isInteger(length) || length < 0) throw new RangeError(`allocBytes: bad length ${length}`);
      const words = rt.alloc('float32', Math.ceil(length / 4)) as Float32Array;
      const bytes = new Uint8Array(words.buffer, words.byteOffset, length);
      byteOwners.set(bytes, words);
      return bytes;
    },
    gatherBytes(indices, cols, src, scale, out) {
      checkByteRows('gatherBytes', indices, cols, src, out);
      const t = tableFor(out);
      // Bytes outside this memory (a heap array past the budget) are converted here:
      // copying a whole dataset in to pick a batch from it would cost far more.
      if (!t || !rt.owns(src)) return referenceBackend.gatherBytes(indices, cols, src, scale, out);
      const count = indices.length;
      if (count === 0 || cols === 0) return;
      const rows = Math.floor(src.length / cols);
      marshalled((ms) => t.gatherBytes(count, ms.input(indices, 0, count), cols, ms.input(src, 0, rows * cols), scale, ms.overwrite(out, 0, count * cols)));
    },
    gemmBytes(transA, m, n, k, a, aOffset, lda, scale, b, bOffset, ldb, beta, c, cOffset, ldc) {
      checkGemmBytes(transA, m, n, k, a, aOffset, lda, scale, b, bOffset, ldb, c, cOffset, ldc);
      const table = tableFor(b, c)!; // one float type: checked
      if (m === 0 || n === 0) return;
      const rows = transA ? k : m, cols = transA ? m : k;
      const aLength = k > 0 ? extent(rows, cols, lda, 'A') : 0;
      const f32 = table === rt.f32;
      // gemm on the converted floats skips zeros only when it finds enough of them in its
      // sample, and the bytes' zeros are the floats' zeros: the same rule takes the same
      // kernel, so the bits are those of the float path whichever way it goes. Bytes
      // outside this memory take the float path too (converted as they are copied in).
      const choice = rt.owns(a)
        ? sparseChoice(transA, m, n, k, lda, f32, (sampled, width, stride, target) => rt.countZeroBytes(sampled, width, a.byteOffset + aOffset, stride, target))
        : { sparse: false, work: 0 };
      if (!choice.sparse) {
        const floats = rt.alloc(f32 ? 'float32' : 'float64', aLength);
        try {
          this.bytesToFloats(aLength, a, aOffset, scale, floats);
          this.gemm(transA, false, m, n, k, floats, 0, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
        } finally {
          rt.free(floats);
        }
        return;
      }
      gemmPaths.bytes++;
      const bLength = k > 0 ? extent(k, n, ldb, 'B') : 0;
      const cLength = extent(m, n, ldc, 'C');
      marshalled((ms) => {
        pool.gemm({
          f32, sparse: true, bytes: true, scale, transA, transB: false, m, n, k,
          a: ms.input(a, aOffset, aLength), lda,
          b: ms.input(b, bOffset, bLength), ldb,
          beta, c: ms.output(c, cOffset, cLength), ldc,
        }, choice.work);
      });
    },
    gemmSparseBytes(transA, m, n, k, rows, offsets, columns, values, scale, b, bOffset, ldb, beta, c, cOffset, ldc) {
      checkGemmSparseBytes(transA, m, n, k, rows, offsets, columns, values, scale, b, bOffset, ldb, c, cOffset, ldc);
      const table = tableFor(b, c);
      // An empty C has nothing to compute, only columns to check.
      if (!table || m === 0 || n === 0) {
        referenceBackend.gemmSparseBytes(transA, m, n, k, rows, offsets, columns, values, scale, b, bOffset, ldb, beta, c, cOffset, ldc);
        return;
      }
      let entries = 0;
      for (let i = 0; i < rows.length; i++) entries += offsets[rows[i]! + 1]! - offsets[rows[i]!]!;
      // A CSR outside this memory (a dataset's, compressed once) is not copied in whole for
      // each batch: only the taken rows' entries are, as a CSR of their own.
      const csr = rt.owns(offsets) && rt.owns(columns) && rt.owns(values)
        ? { rows, offsets, columns, values }
        : takenRows(rows, offsets, columns, values, entries);
      const bLength = k > 0 ? extent(k, n, ldb, 'B') : 0;
      const cLength = extent(m, n, ldc, 'C');
      gemmPaths.csr++;
      marshalled((ms) => {
        const { split, bad } = pool.csr({
          f32: table === rt.f32, transA, m, n, k,
          rows: ms.input(csr.rows), offsets: ms.input(csr.offsets), columns: ms.input(csr.columns), values: ms.input(csr.values),
          limit: Math.min(csr.columns.length, csr.values.length), scale,
          b: bLength > 0 ? ms.input(b, bOffset, bLength) : 0, ldb, beta, c: ms.output(c, cOffset, cLength), ldc,
        }, entries * n + rows.length);
        if (split) csrPaths.split++;
        else csrPaths.whole++;
        // Thrown here, C is not copied back: its contents are unspecified after a bad column.
        if (bad) throw firstColumnError(rows, offsets, columns, transA ? m : k);
      });
    },
    nonzeroOffsets(rows, cols, src, srcOffset, offsets) {
      checkByteMatrix('nonzeroOffsets', rows, cols, src, srcOffset, offsets);
      // A block outside this memory is counted here: copying a dataset in costs as much as counting it.
      if (!rt.owns(src)) return referenceBackend.nonzeroOffsets(rows, cols, src, srcOffset, offsets);
      return marshalled((ms) => rt.nonzeroOffsets(rows, cols, ms.input(src, srcOffset, rows * cols), ms.overwrite(offsets, 0, rows + 1)));
    },
    compressBytes(rows, cols, src, srcOffset, offsets, columns, values) {
      checkByteMatrix('compressBytes', rows, cols, src, srcOffset, offsets);
      checkCompressTarget(rows, offsets, columns, values);
      if (!rt.owns(src)) return referenceBackend.compressBytes(rows, cols, src, srcOffset, offsets, columns, values);
      const total = offsets[rows]!;
      marshalled((ms) => {
        const bad = rt.compressBytes(
          rows, cols, ms.input(src, srcOffset, rows * cols), ms.input(offsets, 0, rows + 1),
          ms.overwrite(columns, 0, total), ms.overwrite(values, 0, total),
        );
        if (bad >= 0) throw offsetsError(bad, cols, src, srcOffset, offsets);
      });
    },
    bytesToFloats(n, src, srcOffset, scale, out) {
      checkByteBlock('bytesToFloats', n, src, srcOffset, out);
      const t = tableFor(out);
      if (!t || n === 0) return referenceBackend.bytesToFloats(n, src, srcOffset, scale, out);
      const split = marshalled((ms) => pool.bytes({ f32: t === rt.f32, n, src: ms.input(src, srcOffset, n), scale, out: ms.overwrite(out, 0, n) }));
      if (split) bytesPaths.split++;
      else bytesPaths.whole++;
    },
    argmaxRows(rows, cols, x, out) {
      const t = tableFor(x);
      if (!t) return referenceBackend.argmaxRows(rows, cols, x, out);
      marshalled((ms) => t.argmaxRows(rows, cols, ms.input(x, 0, rows * cols), ms.output(out, 0, rows)));
    },
    axpy(n, alpha, x, y) {
      const t = tableFor(x, y);
      if (!t) return referenceBackend.axpy(n, alpha, x, y);
      marshalled((ms) => t.axpy(n, alpha, ms.input(x, 0, n), ms.output(y, 0, n)));
    },

    adamUpdate(n, lrT, rest1, rest2, eps, param, grad, m, v) {
      checkAdamArgs(n, param, grad, m, v); // before wasm touches memory unchecked
      const t = tableFor(param, grad, m, v);
      if (!t) return referenceBackend.adamUpdate(n, lrT, rest1, rest2, eps, param, grad, m, v);
      if (n === 0) return;
      const split = marshalled((ms) => pool.adam({
        f32: t === rt.f32, n, lrT, rest1, rest2, eps,
        param: ms.output(param, 0, n), grad: ms.input(grad, 0, n), m: ms.output(m, 0, n), v: ms.output(v, 0, n),
      }));
      if (split) adamPaths.split++;
      else adamPaths.whole++;
    },

    // Convolution kernels: sizes are checked against the geometry before wasm touches
    // anything, since it reads and writes memory unchecked.
    im2col(g, x, col) {
      const { shape, input, output } = convSizes('im2col', g);
      checkLength('im2col', 'x', x, input);
      checkLength('im2col', 'col', col, output);
      const t = tableFor(x, col);
      if (!t) return referenceBackend.im2col(g, x, col);
      if (output === 0) return;
      marshalled((ms) => conv(
        { f32: t === rt.f32, op: 'im2col', n: g.n, shape, a: ms.input(x, 0, input), b: ms.overwrite(col, 0, output), c: 0 },
        (input + output) * x.BYTES_PER_ELEMENT,
      ));
    },
    col2im(g, col, dx) {
      const { shape, input, output } = convSizes('col2im', g);
      checkLength('col2im', 'col', col, output);
      checkLength('col2im', 'dx', dx, input);
      const t = tableFor(col, dx);
      if (!t) return referenceBackend.col2im(g, col, dx);
      if (input === 0) return;
      marshalled((ms) => conv(
        { f32: t === rt.f32, op: 'col2im', n: g.n, shape, a: ms.input(col, 0, output), b: ms.overwrite(dx, 0, input), c: 0 },
        (input + output) * col.BYTES_PER_ELEMENT,
      ));
    },
    transposeBatch(batch, rows, cols, x, out) {
      for (const [name, value] of [['batch', batch], ['rows', rows], ['cols', cols]] as const) {
        if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`transposeBatch: ${name} must be an integer ≥ 0, got ${value}`);
      }
      const length = checkSize('transposeBatch', batch * rows * cols);
      checkLength('transposeBatch', 'x', x, length);
      checkLength('transposeBatch', 'out', out, length);
      const t = tableFor(x, out);
      if (!t) return referenceBackend.transposeBatch(batch, rows, cols, x, out);
      if (length === 0) return;
      const shape = { c: 1, h: rows, w: cols, fh: 1, fw: 1, stride: 1, pad: 0, oh: 1, ow: 1 };
      marshalled((ms) => conv(
        { f32: t === rt.f32, op: 'transposeBatch', n: batch, shape, a: ms.input(x, 0, length), b: ms.overwrite(out, 0, length), c: 0 },
        (2 * length * x.BYTES_PER_ELEMENT) / 4, // moved about 4× faster per byte than the others (CONV_THRESHOLD_BYTES)
      ));
    },
    maxPoolForward(g, x, out, argmax) {
      const { shape, input, pooled } = convSizes('maxPoolForward', g);
      checkPoolPadding('maxPoolForward', g);
      checkLength('maxPoolForward', 'x', x, input);
      checkLength('maxPoolForward', 'out', out, pooled);
      checkLength('maxPoolForward', 'argmax', argmax, pooled);
      const t = tableFor(x, out);
      if (!t) return referenceBackend.maxPoolForward(g, x, out, argmax);
      if (pooled === 0) return;
      marshalled((ms) => conv(
        {
          f32: t === rt.f32, op: 'maxPoolForward', n: g.n, shape,
          a: ms.input(x, 0, input), b: ms.overwrite(out, 0, pooled), c: ms.overwrite(argmax, 0, pooled),
        },
        (input + pooled) * x.BYTES_PER_ELEMENT + 4 * pooled,
      ));
    },
    maxPoolBackward(g, dout, argmax, dx) {
      const { shape, input, pooled } = convSizes('maxPoolBackward', g);
      checkPoolPadding('maxPoolBackward', g);
      checkLength('maxPoolBackward', 'dout', dout, pooled);
      checkLength('maxPoolBackward', 'argmax', argmax, pooled);
      checkLength('maxPoolBackward', 'dx', dx, input);
      const t = tableFor(dout, dx);
      if (!t) {
        checkArgmax(argmax, firstOutside(argmax, pooled, g.h * g.w), g.h * g.w);
        return referenceBackend.maxPoolBackward(g, dout, argmax, dx);
      }
      if (input === 0) return;
      marshalled((ms) => {
        const argmaxPtr = ms.input(argmax, 0, pooled);
        // Checked in wasm, after the copy in: one SIMD pass instead of a JS loop, and an
        // entry pointing outside its plane would otherwise be a write anywhere in memory.
        checkArgmax(argmax, rt.firstOutside(pooled, argmaxPtr, g.h * g.w), g.h * g.w);
        conv(
          { f32: t === rt.f32, op: 'maxPoolBackward', n: g.n, shape, a: ms.input(dout, 0, pooled), b: argmaxPtr, c: ms.overwrite(dx, 0, input) },
          (input + pooled) * dx.BYTES_PER_ELEMENT + 4 * pooled,
        );
      });
    },
  };
}

/**
 * Checks a geometry as convGeometry does (a hand-made one may be inconsistent) and returns
 * the element counts its arrays need: input (x or dx: n·c·h·w), output (col: n·oh·ow·c·fh·fw)
 * and pooled (out, argmax, dout: n·c·oh·ow).
 */
function convSizes(where: string, g: ConvGeometry): { shape: ConvCall['shape']; input: number; output: number; pooled: number } {
  const checked = convGeometry(where, g);
  if (g.oh !== checked.oh || g.ow !== checked.ow) {
    throw new RangeError(`${where}: the geometry says ${g.oh}×${g.ow} windows, but a ${g.fh}×${g.fw} window with stride ${g.stride} and pad ${g.pad} makes ${checked.oh}×${checked.ow} on a ${g.h}×${g.w} image`);
  }
  const { n, c, h, w, fh, fw, stride, pad, oh, ow } = checked;
  return {
    shape: { c, h, w, fh, fw, stride, pad, oh, ow },
    input: checkSize(where, n * c * h * w),
    output: checkSize(where, n * oh * ow * c * fh * fw),
    pooled: checkSize(where, n * c * oh * ow),
  };
}

/** The kernels index in int32: no array they see can be this long, nor fit the 4 GiB memory. */
function checkSize(where: string, elements: number): number {
  if (!(elements < 2 ** 31)) throw new RangeError(`${where}: ${elements} elements is too many (at most 2³¹ − 1)`);
  return elements;
}

function checkLength(where: string, name: string, array: FloatArray | Int32Array, needed: number): void {
  if (array.length < needed) throw new RangeError(`${where}: ${name} has ${array.length} elements, needs ${needed}`);
}

/** Throws when `at` (the first argmax entry outside its plane, or −1) names one. */
function checkArgmax(argmax: Int32Array, at: number, plane: number): void {
  if (at >= 0) throw new RangeError(`maxPoolBackward: argmax[${at}] is ${argmax[at]}, outside its plane's 0..${plane - 1}`);
}

function firstOutside(argmax: Int32Array, count: number, plane: number): number {
  for (let i = 0; i < count; i++) if (!(argmax[i]! >= 0 && argmax[i]! < plane)) return i;
  return -1;
}

/** Elements spanned by a rows×cols matrix with row stride ld. */
function extent(rows: number, cols: number, ld: number, name: string): number {
  if (ld < cols) throw new RangeError(`gemm: ld${name.toLowerCase()} ${ld} is less than the ${cols} columns of ${name}`);
  return rows > 0 && cols > 0 ? (rows - 1) * ld + cols : 0;
}

function checkRange(array: FloatArray, offset: number, length: number, name: string): void {
  if (offset < 0 || offset + length > array.length) {
    throw new RangeError(`gemm: ${name} needs elements ${offset}..${offset + length - 1}, but has ${array.length}`);
  }
}

// Wasm reads memory unchecked, so a bad label would read a neighbour instead of failing.
function checkLabels(labels: Int32Array, rows: number, cols: number): void {
  if (labels.length < rows) throw new RangeError(`labels: need ${rows}, got ${labels.length}`);
  for (let i = 0; i < rows; i++) {
    const label = labels[i]!;
    if (!(label >= 0 && label < cols)) throw new RangeError(`labels: ${label} at row ${i} is outside 0..${cols - 1}`);
  }
}

/** The taken rows' entries as a CSR of their own (rows 0, 1, …), for a CSR outside wasm memory. */
function takenRows(
  rows: Int32Array, offsets: Int32Array, columns: Uint16Array, values: Uint8Array, entries: number,
): { rows: Int32Array; offsets: Int32Array; columns: Uint16Array; values: Uint8Array } {
  const own = { rows: new Int32Array(rows.length), offsets: new Int32Array(rows.length + 1), columns: new Uint16Array(entries), values: new Uint8Array(entries) };
  let at = 0;
  for (let i = 0; i < rows.length; i++) {
    const start = offsets[rows[i]!]!, end = offsets[rows[i]! + 1]!;
    own.columns.set(columns.subarray(start, end), at);
    own.values.set(values.subarray(start, end), at);
    at += end - start;
    own.rows[i] = i;
    own.offsets[i + 1] = at;
  }
  return own;
}

/** The error the reference throws for the first entry, in op(A)'s order, whose column is ≥ width (the kernels stop at any). */
function firstColumnError(rows: Int32Array, offsets: Int32Array, columns: Uint16Array, width: number): Error {
  for (const r of rows) {
    for (let e = offsets[r]!; e < offsets[r + 1]!; e++) if (columns[e]! >= width) return columnError(r, columns[e]!, width);
  }
  return new Error('nabla wasm backend: gemmSparseBytes reported a column past the width, but none is');
}

/** The reference's error for row r, whose nonzeros do not fill offsets[r]..offsets[r + 1]. */
function offsetsError(r: number, cols: number, src: Uint8Array, srcOffset: number, offsets: Int32Array): RangeError {
  let nonzeros = 0;
  for (let j = 0; j < cols; j++) if (src[srcOffset + r * cols + j] !== 0) nonzeros++;
  return nonzeros > offsets[r + 1]! - offsets[r]!
    ? new RangeError(`compressBytes: row ${r} has more nonzeros than its offsets leave room for: not the offsets nonzeroOffsets wrote`)
    : new RangeError(`compressBytes: row ${r} has fewer nonzeros than its offsets say: not the offsets nonzeroOffsets wrote`);
}

function referenceGather(indices: Int32Array, cols: number, src: FloatArray, out: FloatArray): void {
  for (let i = 0; i < indices.length; i++) {
    const from = indices[i]! * cols;
    out.set(src.subarray(from, from + cols) as never, i * cols);
  }
}
