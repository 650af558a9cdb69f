// The one contract between the tensor front end and a compute backend.
//
// Kernels follow the stdlib-js BLAS style: flat typed arrays, explicit sizes, and an
// output buffer passed in. Every kernel must write every element of its output (tests
// poison outputs before each call to prove it) and must never write to its inputs.
// Matrices are row-major; `ld*` is the row stride in elements and `*Offset` the element
// offset of the first entry, so a kernel can work on a block of a larger buffer.
//
// Long-lived storage that kernels use every step (parameters, gradients, datasets, layer
// buffers) comes from the backend itself (`alloc`): the WebAssembly backend hands out
// views of its linear memory so that its kernels run on them without copying. Tensors
// that user code makes are ordinary heap arrays, which the garbage collector reclaims
// even inside a synchronous loop. Every kernel accepts any Float64Array/Float32Array; a
// backend copies foreign arrays in and out as it needs to.

export type DType = 'float64' | 'float32';
export type FloatArray = Float64Array | Float32Array;

/**
 * One sweep of an fh×fw window over a batch of NCHW images, for convolution and pooling:
 * input [n, c, h, w], zero padding `pad` on every side, step `stride` on both axes, giving
 * oh×ow window positions. Built and checked by convGeometry (conv_geometry.ts).
 */
export interface ConvGeometry {
  readonly n: number;
  readonly c: number;
  readonly h: number;
  readonly w: number;
  readonly fh: number;
  readonly fw: number;
  readonly stride: number;
  readonly pad: number;
  readonly oh: number; // (h + 2·pad − fh) / stride + 1, rounded down
  readonly ow: number; // (w + 2·pad − fw) / stride + 1, rounded down
}

/** Widest row compressBytes takes, and widest op(A) gemmSparseBytes reads: columns are Uint16. */
export const MAX_SPARSE_COLUMNS = 65536;

export interface Backend {
  readonly name: string;

  /**
   * Zero-filled storage for `length` elements of `dtype`, which this backend's kernels use
   * without copying. It may be reclaimed only after the array is unreachable and the event
   * loop has turned, so a backend may hand out plain heap storage past a budget.
   */
  alloc(dtype: DType, length: number): FloatArray;
  /** Gives storage from `alloc` back; using the array afterwards is undefined. Optional to call. */
  free(array: FloatArray): void;

  /**
   * C = op(A)·op(B) + beta·C, with op(X) = Xᵀ when trans* is true, never materialised.
   * op(A): m×k, op(B): k×n, C: m×n. A is stored m×k (lda ≥ k) or, transposed, k×m (lda ≥ m).
   * beta is 0 (overwrite; C's old contents are ignored, even NaN) or 1 (accumulate).
   * Entries of op(A) that are exactly zero may be skipped, as the reference BLAS dgemm
   * does: a NaN or ∞ in B facing a 0 in A may or may not reach C. For finite inputs every
   * backend gives the same result within rounding.
   */
  gemm(
    transA: boolean, transB: boolean, m: number, n: number, k: number,
    a: FloatArray, aOffset: number, lda: number,
    b: FloatArray, bOffset: number, ldb: number,
    beta: 0 | 1, c: FloatArray, cOffset: number, ldc: number,
  ): void;

  /** out[i,j] = x[i,j] + bias[j]; x, out: rows×cols (contiguous), bias: cols. out may be x. */
  addRowVector(rows: number, cols: number, x: FloatArray, bias: FloatArray, out: FloatArray): void;
  /** out[j] = Σ_i x[i,j]; x: rows×cols, out: cols. */
  sumRows(rows: number, cols: number, x: FloatArray, out: FloatArray): void;

  /**
   * out = x <= 0 ? 0 : x, the book's mask (x <= 0): NaN stays NaN, so non-finite
   * weights or inputs reach the loss instead of being hidden as 0; −0 gives +0. n elements. out may be x.
   */
  reluForward(n: number, x: FloatArray, out: FloatArray): void;
  /** dx = y <= 0 ? 0 : dout (y is the forward output; where y is NaN, dout passes, as the book's mask does). dx may be dout. */
  reluBackward(n: number, dout: FloatArray, y: FloatArray, dx: FloatArray): void;
  /** out = 1 / (1 + exp(-x)). out may be x. */
  sigmoidForward(n: number, x: FloatArray, out: FloatArray): void;
  /** dx = dout · (1 − y) · y (y is the forward output). dx may be dout. */
  sigmoidBackward(n: number, dout: FloatArray, y: FloatArray, dx: FloatArray): void;

  /** Row-wise softmax, stabilised by subtracting each row's max. x, y: rows×cols. y may be x. */
  softmaxRows(rows: number, cols: number, x: FloatArray, y: FloatArray): void;
  /**
   * Σ over rows of −log(y[i, t_i] + 1e-7): the book's cross-entropy, summed, not averaged.
   * labels: one class index per row (Int32Array of length rows).
   */
  crossEntropyLabels(rows: number, cols: number, y: FloatArray, labels: Int32Array): number;
  /** Σ −t·log(y + 1e-7) over all elements, for one-hot (or soft) targets t: rows×cols. */
  crossEntropyOneHot(rows: number, cols: number, y: FloatArray, t: FloatArray): number;
  /**
   * The exact gradient of crossEntropyLabels through the softmax, times scale:
   * dx[i,j] = scale · y_t/(y_t + 1e-7) · (y[i,j] − [j = t_i]), with y_t = y[i, t_i].
   * The factor is (y − t)'s only change from the book; it makes backward the derivative of
   * the loss that forward actually computes, 1e-7 included. dx may be y.
   */
  softmaxCrossEntropyBackwardLabels(
    rows: number, cols: number, y: FloatArray, labels: Int32Array, scale: number, dx: FloatArray,
  ): void;
  /**
   * The exact gradient of crossEntropyOneHot through the softmax, times scale:
   * with w = t·y/(y + 1e-7) per element, dx[i,j] = scale · (y[i,j] · Σ_k w[i,k] − w[i,j]).
   * For one-hot t this is the labels formula above; for δ → 0 it is scale · (y − t). dx may be y.
   */
  softmaxCrossEntropyBackwardOneHot(
    rows: number, cols: number, y: FloatArray, t: FloatArray, scale: number, dx: FloatArray,
  ): void;

  /** out[i, :] = src[indices[i], :] for i < indices.length; src: ?×cols, out: indices.length×cols. */
  gatherRows(indices: Int32Array, cols: number, src: FloatArray, out: FloatArray): void;
  /**
   * Zero-filled storage for `length` bytes (a dataset's pixels, kept as bytes rather than
   * floats), which gatherBytes and bytesToFloats read without copying.
   */
  allocBytes(length: number): Uint8Array; // keep this array itself: a subarray of it does not keep the memory alive
  /**
   * out[i, j] = src[indices[i]·cols + j] · scale for i < indices.length, j < cols: rows of
   * bytes gathered as floats (a mini-batch of pixels). Each value is the float64 product
   * byte · scale rounded once to out's type, exactly what `out[k] = byte * scale` stores in
   * JavaScript, so every backend gives the same bits. An index outside the rows src holds
   * (src.length / cols, rounded down) throws a RangeError.
   */
  gatherBytes(indices: Int32Array, cols: number, src: Uint8Array, scale: number, out: FloatArray): void;
  /**
   * gemm(transA, false, …) with op(A) held as bytes: op(A)[i, p] = byte · scale rounded to
   * C's type, what bytesToFloats stores, and the same result as converting A and calling
   * gemm, zeros of A skipped, without the float copy (a dataset's images fed straight to a
   * network's first layer: MNIST's are 81% zeros). A is stored m×k (lda ≥ k) or, when
   * transA, k×m (lda ≥ m), lda counting bytes; B is k×n, C m×n, of one float type; beta 0
   * or 1 as in gemm. scale must be finite.
   */
  gemmBytes(
    transA: boolean, m: number, n: number, k: number,
    a: Uint8Array, aOffset: number, lda: number, scale: number,
    b: FloatArray, bOffset: number, ldb: number,
    beta: 0 | 1, c: FloatArray, cOffset: number, ldc: number,
  ): void;
  /**
   * gemmBytes with op(A) taken from a byte matrix kept as its nonzero entries, row by row
   * (CSR), as compressBytes writes it: stored row r holds values[e] at column columns[e] for
   * offsets[r] ≤ e < offsets[r + 1], and 0 in every other column. Only the rows `rows` are
   * taken, in that order and never copied (a mini-batch or a scoring block of a dataset
   * compressed once): op(A) is those rows (m = rows.length; k columns) or, when transA, their
   * transpose (k = rows.length; m columns). Each element of C sums its products in op(A)'s
   * order, from 0 (beta 0) or from C (beta 1): for row i of op(A), the entries of stored row
   * rows[i] as stored; when transA, the taken rows in the order given and, within one, its
   * entries as stored. With ascending columns (compressBytes' order) that is gemmBytes' order
   * on the same bytes, so C is gemmBytes' bits. A row index outside 0..offsets.length − 2, or
   * an entry whose column is not below op(A)'s column count (transA: m; else k), throws a
   * RangeError (C is then unspecified). B is k×n, C m×n, of one float type; scale finite, as
   * in gemmBytes. Typed views over allocBytes' storage do not keep it alive: keep its array.
   */
  gemmSparseBytes(
    transA: boolean, m: number, n: number, k: number,
    rows: Int32Array, offsets: Int32Array, columns: Uint16Array, values: Uint8Array, scale: number,
    b: FloatArray, bOffset: number, ldb: number,
    beta: 0 | 1, c: FloatArray, cOffset: number, ldc: number,
  ): void;
  /**
   * The first pass of compressing a rows×cols block of bytes (src from srcOffset, row stride
   * cols ≤ 65536): offsets[0] = 0 and offsets[r + 1] = offsets[r] + the nonzero bytes of row
   * r, for r < rows. Returns offsets[rows], the size compressBytes' arrays need.
   */
  nonzeroOffsets(rows: number, cols: number, src: Uint8Array, srcOffset: number, offsets: Int32Array): number;
  /**
   * The second pass: each row's nonzero bytes, in ascending column order, into
   * columns/values from offsets[r] (the offsets nonzeroOffsets wrote for the same block;
   * offsets that do not match its bytes throw a RangeError).
   */
  compressBytes(rows: number, cols: number, src: Uint8Array, srcOffset: number, offsets: Int32Array, columns: Uint16Array, values: Uint8Array): void;
  /** out[i] = src[srcOffset + i] · scale for i < n, rounded as gatherBytes does (a block of rows to score). */
  bytesToFloats(n: number, src: Uint8Array, srcOffset: number, scale: number, out: FloatArray): void;
  /** out[i] = index of the first maximum of row i; x: rows×cols. */
  argmaxRows(rows: number, cols: number, x: FloatArray, out: Int32Array): void;
  /** y += alpha · x; n elements (the SGD update). */
  axpy(n: number, alpha: number, x: FloatArray, y: FloatArray): void;
  /**
   * One Adam step over n elements, in this order for each i:
   *   m[i] ← m[i] + rest1·(grad[i] − m[i]);  v[i] ← v[i] + rest2·(grad[i]² − v[i]);
   *   param[i] ← param[i] − lrT·m[i] / (√v[i] + eps),
   * where the last line reads m[i] and v[i] back AFTER they were stored, i.e. rounded to the
   * array's type. Every operation is done in float64 on the stored values (float32 ones
   * promoted exactly), with no fused multiply-add, and each result is rounded once, when it
   * is stored. That is exactly what the plain JavaScript loop does (it computes in double
   * and rounds on each typed-array store), so every backend gives the SAME BITS as that
   * loop, float32 included, however it splits the elements across threads. This must stay
   * so: shipped trained weights are reproduced bit for bit by their training command.
   * grad is only read; param, m and v are updated in place (all of the same type, ≥ n long).
   */
  adamUpdate(
    n: number, lrT: number, rest1: number, rest2: number, eps: number,
    param: FloatArray, grad: FloatArray, m: FloatArray, v: FloatArray,
  ): void;

  /**
   * The book's im2col: one row per window position, one column per (channel, fy, fx).
   * x: [n, c, h, w]; col: [n·oh·ow, c·fh·fw], row (i, y, x) in that order; entries that
   * fall in the padding are 0.
   */
  im2col(g: ConvGeometry, x: FloatArray, col: FloatArray): void;
  /**
   * The adjoint of im2col: dx[i, ch, y, x] = the sum of every col entry that im2col copied
   * from that pixel (0 for a pixel no window covers). col: [n·oh·ow, c·fh·fw]; dx: [n, c, h, w].
   */
  col2im(g: ConvGeometry, col: FloatArray, dx: FloatArray): void;
  /**
   * out[b, j, i] = x[b, i, j]: x [batch, rows, cols] → out [batch, cols, rows]. Turns a
   * convolution's [n, oh·ow, fn] product into NCHW [n, fn, oh·ow] and dout back. out ≠ x.
   */
  transposeBatch(batch: number, rows: number, cols: number, x: FloatArray, out: FloatArray): void;
  /**
   * Max pooling: out[i, ch, y, x] = the max of the window at (y, x), over pixels inside the
   * image only (padding never wins, as in PyTorch; needs pad ≤ fh/2 and fw/2 so every window
   * holds a pixel). A NaN in a window is its max. argmax gets the first maximum's index in
   * its image plane (row · w + column). x: [n, c, h, w]; out, argmax: [n, c, oh, ow].
   */
  maxPoolForward(g: ConvGeometry, x: FloatArray, out: FloatArray, argmax: Int32Array): void;
  /**
   * dx[i, ch, p] = Σ of dout over the windows of plane (i, ch) whose argmax is p (0 where
   * none). dout, argmax: [n, c, oh, ow]; dx: [n, c, h, w].
   */
  maxPoolBackward(g: ConvGeometry, dout: FloatArray, argmax: Int32Array, dx: FloatArray): void;
}
