// The WebAssembly module's exports (src/backend/wasm/assembly/index.ts), as the host sees
// them. Pointers are byte addresses; booleans travel as 0/1.

type Gemm = (
  transA: number, transB: number, k: number, a: number, lda: number, b: number, ldb: number,
  beta: number, c: number, ldc: number, i0: number, i1: number, j0: number, j1: number, scratch: number,
) => void;

/** gemm's arguments for B not transposed, skipping op(A)'s zeros (assembly/sparse.ts). */
type GemmSparse = (
  transA: number, k: number, a: number, lda: number, b: number, ldb: number,
  beta: number, c: number, ldc: number, i0: number, i1: number, j0: number, j1: number, scratch: number,
) => void;

/** gemmSparse with op(A) held as bytes, a_ip = byte · scale (assembly/sparse_bytes.ts); lda counts bytes. */
type GemmBytes = (
  transA: number, k: number, a: number, lda: number, scale: number, b: number, ldb: number,
  beta: number, c: number, ldc: number, i0: number, i1: number, j0: number, j1: number, scratch: number,
) => void;

/**
 * gemmSparseBytes' product over rows i0..i1 of C (assembly/sparse_csr.ts): NN when transA
 * is 0, C's rows from taken rows i0..i1; TN when 1, C's rows (pixels) i0..i1 from all
 * `count` taken rows. limit: entries readable at columns/values; width: op(A)'s columns.
 * Returns 1 when an entry's column is ≥ width (C is then partly written), else 0.
 */
type GemmCsr = (
  transA: number, count: number, rows: number, offsets: number, columns: number, values: number, limit: number, scale: number, width: number,
  b: number, ldb: number, beta: number, c: number, ldc: number, n: number, i0: number, i1: number, scratch: number,
) => number;

export interface TypedKernels {
  gemm: Gemm;
  gemmCsr: GemmCsr;
  gemmSparse: GemmSparse;
  gemmBytes: GemmBytes;
  /** Zeros in a rows×cols block (row stride ld), or a partial count: ≥ target exactly when the block has ≥ target. */
  countZeros(rows: number, cols: number, a: number, ld: number, target: number): number;
  addRowVector(rows: number, cols: number, x: number, bias: number, out: number): void;
  sumRows(rows: number, cols: number, x: number, out: number): void;
  reluForward(n: number, x: number, out: number): void;
  reluBackward(n: number, dout: number, y: number, dx: number): void;
  sigmoidForward(n: number, x: number, out: number): void;
  sigmoidBackward(n: number, dout: number, y: number, dx: number): void;
  softmaxRows(rows: number, cols: number, x: number, y: number): void;
  crossEntropyLabels(rows: number, cols: number, y: number, labels: number): number;
  crossEntropyOneHot(n: number, y: number, t: number): number;
  sceBackwardLabels(rows: number, cols: number, y: number, labels: number, scale: number, dx: number): void;
  sceBackwardOneHot(rows: number, cols: number, y: number, t: number, scale: number, dx: number): void;
  gatherRows(count: number, indices: number, cols: number, src: number, out: number): void;
  /** out[i, :] = src[indices[i], :] · scale, src rows of cols bytes (assembly/bytes.ts). */
  gatherBytes(count: number, indices: number, cols: number, src: number, scale: number, out: number): void;
  /** out[0..n) = src[0..n) · scale, src bytes. */
  bytesToFloats(n: number, src: number, scale: number, out: number): void;
  argmaxRows(rows: number, cols: number, x: number, out: number): void;
  axpy(n: number, alpha: number, x: number, y: number): void;
  /** Adam's step over elements i0..i1 of param, grad, m, v (assembly/optim.ts). */
  adamUpdate(i0: number, i1: number, lrT: number, rest1: number, rest2: number, eps: number, param: number, grad: number, m: number, v: number): void;
  // Convolution and pooling (assembly/conv.ts), over images i0..i1 of the batch.
  im2col: ConvKernel;
  col2im: ConvKernel;
  transposeBatch(rows: number, cols: number, b0: number, b1: number, x: number, out: number): void;
  maxPoolForward(
    c: number, h: number, w: number, fh: number, fw: number, stride: number, pad: number, oh: number, ow: number,
    i0: number, i1: number, x: number, out: number, argmax: number,
  ): void;
  maxPoolBackward(c: number, h: number, w: number, oh: number, ow: number, i0: number, i1: number, dout: number, argmax: number, dx: number): void;
}

/** im2col (x → col) and col2im (col → dx): the geometry, images i0..i1, source, destination. */
type ConvKernel = (
  c: number, h: number, w: number, fh: number, fw: number, stride: number, pad: number, oh: number, ow: number,
  i0: number, i1: number, from: number, to: number,
) => void;

export interface ModuleExports {
  heapBase(): number;
  /** Zero bytes in a rows×cols block (row stride ld), or a partial count: ≥ target exactly when the block has ≥ target. */
  countZeroBytes(rows: number, cols: number, a: number, ld: number, target: number): number;
  gemmScratchBytes(): number;
  /** Int32 offsets of a rows×cols block's nonzero bytes (offsets[0] = 0); returns their total, as an unsigned 32-bit count. */
  nonzeroOffsets(rows: number, cols: number, src: number, offsets: number): number;
  /** Each row's nonzero bytes into columns (Uint16) and values from offsets[r]; the first row they do not fill exactly, or −1. */
  compressBytes(rows: number, cols: number, src: number, offsets: number, columns: number, values: number): number;
  /** Position of the first of n int32s outside 0..limit − 1, or −1 when all are inside. */
  firstOutside(n: number, values: number, limit: number): number;
}

const KERNEL_NAMES = [
  'gemm', 'gemmSparse', 'gemmBytes', 'gemmCsr', 'countZeros', 'addRowVector', 'sumRows', 'reluForward', 'reluBackward', 'sigmoidForward',
  'sigmoidBackward', 'softmaxRows', 'crossEntropyLabels', 'crossEntropyOneHot', 'sceBackwardLabels',
  'sceBackwardOneHot', 'gatherRows', 'gatherBytes', 'bytesToFloats', 'argmaxRows', 'axpy', 'adamUpdate', 'im2col', 'col2im', 'transposeBatch', 'maxPoolForward',
  'maxPoolBackward',
] as const satisfies readonly (keyof TypedKernels)[];

/** Picks the `<name>_f64` or `<name>_f32` exports into one table per element type. */
export function kernelsFor(exports: WebAssembly.Exports, suffix: 'f64' | 'f32'): TypedKernels {
  const table: Record<string, unknown> = {};
  for (const name of KERNEL_NAMES) {
    const fn = exports[`${name}_${suffix}`];
    if (typeof fn !== 'function') throw new Error(`nabla wasm backend: the module lacks ${name}_${suffix}`);
    table[name] = fn;
  }
  return table as unknown as TypedKernels;
}
