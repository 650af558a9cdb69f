// How the main thread hands GEMM tasks to worker threads: a small Int32 control block in
// the shared memory. Shared by the pool (main thread) and the worker script.
//
// A job is a GEMM split into `total` tasks, each a band of rows (or columns) of C, a
// row gather split into bands of output rows, a convolution kernel split into bands of
// images, an Adam update split into ranges of elements, or a CSR product split into bands
// of C's rows (KIND says which). Main
// writes the parameters, resets DONE, then publishes REMAIN = total; every thread claims
// tasks with Atomics.sub(REMAIN) until the count runs out. A claim is valid only when the
// value it took was positive, so a late claim from a finished job (REMAIN ≤ 0) can never
// steal a task, and no thread ever needs to know which job it is on. Parameters are read
// after a valid claim, which orders them after main's publishing store.

import type { ConvGeometry } from '../backend.js';
import type { TypedKernels } from './exports.js';

export const WAKE = 0; // bumped by main to wake sleeping workers
export const REMAIN = 1; // tasks not yet claimed; ≤ 0 when none
export const DONE = 2; // tasks finished in the current job
export const FAILED = 3; // set when a task threw; it still counts as done, so nobody hangs
const DTYPE = 4; // 0: f64, 1: f32
const TRANS_A = 5;
const TRANS_B = 6;
const M = 7;
const N = 8;
const K = 9;
const A = 10;
const LDA = 11;
const B = 12;
const LDB = 13;
const BETA = 14;
const C = 15;
const LDC = 16;
const BY_ROWS = 17;
const CHUNK = 18;
const SPARSE = 19;
const KIND = 20; // JOB_GEMM, JOB_GATHER, JOB_CONV, JOB_ADAM, JOB_BYTES or JOB_CSR
const JOB_GEMM = 0;
const JOB_GATHER = 1;
const JOB_CONV = 2;
const JOB_ADAM = 3;
const JOB_BYTES = 4;
const JOB_CSR = 5;
const CONV_OP = 21; // index of the op in CONV_OPS
const CONV_SHAPE = 22; // 9 slots: c, h, w, fh, fw, stride, pad, oh, ow
const SCALARS = 22; // up to four f64 (Adam's lrT, rest1, rest2, eps; a scale): 8 slots, each f64 as two int32 halves
const BYTES_A = 31; // a GEMM whose A is bytes (its scale is scalar 0)
// A CSR job's scale is scalar 0; the next scalars' slots hold its other arguments.
const CSR_COLUMNS = SCALARS + 2;
const CSR_VALUES = SCALARS + 3;
const CSR_LIMIT = SCALARS + 4;
/** Set by a CSR task that met a column past op(A)'s width; main reads it once all are done. */
const CSR_BAD = SCALARS + 5;
export const CONTROL_INTS = 32; // 128 bytes, two cache lines

export interface GemmJob {
  f32: boolean;
  transA: boolean;
  transB: boolean;
  m: number;
  n: number;
  k: number;
  a: number;
  lda: number;
  b: number;
  ldb: number;
  beta: number;
  c: number;
  ldc: number;
  /** Run the zero-skipping kernel (B not transposed) instead of the dense one. */
  sparse: boolean;
  /** A holds bytes, read as byte · scale (the zero-skipping kernel, B not transposed). */
  bytes?: boolean;
  scale?: number;
  /** Split C into bands of rows (true) or of columns. */
  byRows: boolean;
  /** Rows or columns per task. */
  chunk: number;
}

/**
 * out[i, :] = src[indices[i], :] for i < count, in bands of `chunk` output rows. Indices
 * are checked by the caller; the copy is the same bytes however it is split.
 */
export interface GatherJob {
  f32: boolean;
  count: number;
  cols: number;
  /** Address of count int32 row indices. */
  indices: number;
  src: number;
  out: number;
  /** Output rows per task. */
  chunk: number;
}

export const CONV_OPS = ['im2col', 'col2im', 'transposeBatch', 'maxPoolForward', 'maxPoolBackward'] as const;
export type ConvOp = (typeof CONV_OPS)[number];
/** A geometry without its batch size; transposeBatch keeps its rows and cols in h and w. */
export type ConvShape = Omit<ConvGeometry, 'n'>;

/**
 * One convolution kernel over n images in bands of `chunk` images. Images share nothing,
 * so every band is computed as it would be in a whole call, and any split gives the same bits.
 */
export interface ConvJob {
  f32: boolean;
  op: ConvOp;
  n: number;
  shape: ConvShape;
  /** Addresses of the kernel's arrays in its argument order (a third only for pooling). */
  a: number;
  b: number;
  c: number;
  /** Images per task. */
  chunk: number;
}

/**
 * Adam's update of n elements (Backend.adamUpdate) in ranges of `chunk` elements. Elements
 * are independent, so any split gives the same bits.
 */
export interface AdamJob {
  f32: boolean;
  n: number;
  lrT: number;
  rest1: number;
  rest2: number;
  eps: number;
  param: number;
  grad: number;
  m: number;
  v: number;
  /** Elements per task. */
  chunk: number;
}

/**
 * gemmSparseBytes (Backend) split into bands of `chunk` rows of C: NN, rows of op(A) taken
 * by index; TN, pixels, each band walking every taken row. Every element of C is summed by
 * one task in op(A)'s order, so any split gives the same bits. Rows and offsets are checked
 * by the caller; columns by the kernel.
 */
export interface CsrJob {
  f32: boolean;
  transA: boolean;
  /** C's rows: the taken rows (NN) or op(A)'s columns (TN). */
  m: number;
  n: number;
  /** B's rows: op(A)'s columns (NN) or the taken rows (TN). */
  k: number;
  /** Addresses of the taken rows (Int32), offsets (Int32), columns (Uint16) and values (Uint8). */
  rows: number;
  offsets: number;
  columns: number;
  values: number;
  /** Entries readable at columns and values. */
  limit: number;
  scale: number;
  b: number;
  ldb: number;
  beta: number;
  c: number;
  ldc: number;
  /** Rows of C per task. */
  chunk: number;
}

/** Runs `job`'s kernel on rows i0..i1 of C; true when it met a column ≥ op(A)'s width. */
export function runCsr(kernels: TypedKernels, job: Omit<CsrJob, 'chunk' | 'f32'>, i0: number, i1: number, scratch: number): boolean {
  return kernels.gemmCsr(
    +job.transA, job.transA ? job.k : job.m, job.rows, job.offsets, job.columns, job.values, job.limit, job.scale,
    job.transA ? job.m : job.k, job.b, job.ldb, job.beta, job.c, job.ldc, job.n, i0, i1, scratch,
  ) !== 0;
}

// A CSR job reuses the GEMM's slots for its shape and B, C; A and LDA hold the rows and offsets.
export function writeCsr(ctl: Int32Array, job: CsrJob): void {
  ctl[KIND] = JOB_CSR;
  ctl[DTYPE] = job.f32 ? 1 : 0;
  ctl[TRANS_A] = job.transA ? 1 : 0;
  ctl[M] = job.m;
  ctl[N] = job.n;
  ctl[K] = job.k;
  ctl[A] = job.rows;
  ctl[LDA] = job.offsets;
  ctl[B] = job.b;
  ctl[LDB] = job.ldb;
  ctl[BETA] = job.beta;
  ctl[C] = job.c;
  ctl[LDC] = job.ldc;
  ctl[CHUNK] = job.chunk;
  writeScalar(ctl, 0, job.scale);
  ctl[CSR_COLUMNS] = job.columns;
  ctl[CSR_VALUES] = job.values;
  ctl[CSR_LIMIT] = job.limit;
  ctl[CSR_BAD] = 0;
}

/** Whether a task of the CSR job just run met a column ≥ op(A)'s width. */
export function csrFailed(ctl: Int32Array): boolean {
  return Atomics.load(ctl, CSR_BAD) !== 0;
}

function readCsr(ctl: Int32Array): Omit<CsrJob, 'chunk' | 'f32'> {
  // >>> 0 reads a wrapped address back as unsigned.
  return {
    transA: ctl[TRANS_A] === 1, m: ctl[M]!, n: ctl[N]!, k: ctl[K]!,
    rows: ctl[A]! >>> 0, offsets: ctl[LDA]! >>> 0, columns: ctl[CSR_COLUMNS]! >>> 0, values: ctl[CSR_VALUES]! >>> 0, limit: ctl[CSR_LIMIT]!,
    scale: readScalar(ctl, 0), b: ctl[B]! >>> 0, ldb: ctl[LDB]!, beta: ctl[BETA]!, c: ctl[C]! >>> 0, ldc: ctl[LDC]!,
  };
}

// The scalars travel as their exact bits: two int32 halves of each f64, in the slots from
// SCALARS (an Adam job's lrT, rest1, rest2, eps; a bytes job's or a byte GEMM's scale).
const bits64 = new Float64Array(1);
const bits32 = new Int32Array(bits64.buffer);

function writeScalar(ctl: Int32Array, i: number, x: number): void {
  bits64[0] = x;
  ctl[SCALARS + 2 * i] = bits32[0]!;
  ctl[SCALARS + 2 * i + 1] = bits32[1]!;
}

function readScalar(ctl: Int32Array, i: number): number {
  bits32[0] = ctl[SCALARS + 2 * i]!;
  bits32[1] = ctl[SCALARS + 2 * i + 1]!;
  return bits64[0]!;
}

// An Adam job reuses the GEMM's slots for its size and arrays, and the shape's for its scalars.
export function writeAdam(ctl: Int32Array, job: AdamJob): void {
  ctl[KIND] = JOB_ADAM;
  ctl[DTYPE] = job.f32 ? 1 : 0;
  ctl[M] = job.n;
  ctl[A] = job.param;
  ctl[B] = job.grad;
  ctl[C] = job.m;
  ctl[LDA] = job.v;
  ctl[CHUNK] = job.chunk;
  [job.lrT, job.rest1, job.rest2, job.eps].forEach((x, i) => writeScalar(ctl, i, x));
}

/**
 * bytesToFloats over n elements in ranges of `chunk` elements. Each element is converted on
 * its own, so any split gives the same bits.
 */
export interface BytesJob {
  f32: boolean;
  n: number;
  src: number;
  scale: number;
  out: number;
  /** Elements per task. */
  chunk: number;
}

// A bytes job reuses the GEMM's slots for its size and arrays; its scale is scalar 0.
export function writeBytes(ctl: Int32Array, job: BytesJob): void {
  ctl[KIND] = JOB_BYTES;
  ctl[DTYPE] = job.f32 ? 1 : 0;
  ctl[M] = job.n;
  ctl[A] = job.src;
  ctl[C] = job.out;
  ctl[CHUNK] = job.chunk;
  writeScalar(ctl, 0, job.scale);
}


/** Runs `job`'s kernel on images i0..i1. */
export function runConv(kernels: TypedKernels, job: Omit<ConvJob, 'chunk' | 'f32'>, i0: number, i1: number): void {
  const { c, h, w, fh, fw, stride, pad, oh, ow } = job.shape;
  switch (job.op) {
    case 'im2col': return kernels.im2col(c, h, w, fh, fw, stride, pad, oh, ow, i0, i1, job.a, job.b);
    case 'col2im': return kernels.col2im(c, h, w, fh, fw, stride, pad, oh, ow, i0, i1, job.a, job.b);
    case 'transposeBatch': return kernels.transposeBatch(h, w, i0, i1, job.a, job.b);
    case 'maxPoolForward': return kernels.maxPoolForward(c, h, w, fh, fw, stride, pad, oh, ow, i0, i1, job.a, job.b, job.c);
    case 'maxPoolBackward': return kernels.maxPoolBackward(c, h, w, oh, ow, i0, i1, job.a, job.b, job.c);
  }
}

const SHAPE_KEYS = ['c', 'h', 'w', 'fh', 'fw', 'stride', 'pad', 'oh', 'ow'] as const;

// A convolution job reuses the gather's slots for its size, arrays and chunk.
export function writeConv(ctl: Int32Array, job: ConvJob): void {
  ctl[KIND] = JOB_CONV;
  ctl[DTYPE] = job.f32 ? 1 : 0;
  ctl[CONV_OP] = CONV_OPS.indexOf(job.op);
  SHAPE_KEYS.forEach((key, i) => (ctl[CONV_SHAPE + i] = job.shape[key]));
  ctl[M] = job.n;
  ctl[A] = job.a;
  ctl[B] = job.b;
  ctl[C] = job.c;
  ctl[CHUNK] = job.chunk;
}

function readConv(ctl: Int32Array): Omit<ConvJob, 'chunk' | 'f32'> {
  const shape = Object.fromEntries(SHAPE_KEYS.map((key, i) => [key, ctl[CONV_SHAPE + i]!])) as unknown as ConvShape;
  // >>> 0 reads a wrapped address back as unsigned.
  return { op: CONV_OPS[ctl[CONV_OP]!]!, n: ctl[M]!, shape, a: ctl[A]! >>> 0, b: ctl[B]! >>> 0, c: ctl[C]! >>> 0 };
}

export function writeJob(ctl: Int32Array, job: GemmJob): void {
  ctl[KIND] = JOB_GEMM;
  ctl[DTYPE] = job.f32 ? 1 : 0;
  ctl[TRANS_A] = job.transA ? 1 : 0;
  ctl[TRANS_B] = job.transB ? 1 : 0;
  ctl[M] = job.m;
  ctl[N] = job.n;
  ctl[K] = job.k;
  ctl[A] = job.a; // addresses ≥ 2³¹ wrap to negative int32, which wasm reads back as u32
  ctl[LDA] = job.lda;
  ctl[B] = job.b;
  ctl[LDB] = job.ldb;
  ctl[BETA] = job.beta;
  ctl[C] = job.c;
  ctl[LDC] = job.ldc;
  ctl[BY_ROWS] = job.byRows ? 1 : 0;
  ctl[CHUNK] = job.chunk;
  ctl[SPARSE] = job.sparse ? 1 : 0;
  ctl[BYTES_A] = job.bytes ? 1 : 0;
  if (job.bytes) writeScalar(ctl, 0, job.scale ?? Number.NaN);
}

// A gather reuses the GEMM's slots: M rows of N columns, A the indices, B the source, C the output.
export function writeGather(ctl: Int32Array, job: GatherJob): void {
  ctl[KIND] = JOB_GATHER;
  ctl[DTYPE] = job.f32 ? 1 : 0;
  ctl[M] = job.count;
  ctl[N] = job.cols;
  ctl[A] = job.indices;
  ctl[B] = job.src;
  ctl[C] = job.out;
  ctl[CHUNK] = job.chunk;
}

/**
 * Polls ctl[index] with plain atomic loads until it differs from `value` (true) or `ms`
 * milliseconds pass (false). Waking a thread from Atomics.wait takes tens of microseconds,
 * as long as a whole training-batch GEMM, so a thread that expects news soon watches the
 * word for a while before it sleeps. The clock is read only every SPIN_POLLS loads: a
 * load is a few nanoseconds, performance.now() ten times that.
 */
export function spinWhileEqual(ctl: Int32Array, index: number, value: number, ms: number): boolean {
  if (ms <= 0) return false;
  const end = performance.now() + ms;
  for (;;) {
    for (let i = 0; i < SPIN_POLLS; i++) {
      if (Atomics.load(ctl, index) !== value) return true;
    }
    if (performance.now() >= end) return false;
  }
}
const SPIN_POLLS = 256;

/** Claims and runs tasks of the current job until none are left. */
export function drain(ctl: Int32Array, f64: TypedKernels, f32: TypedKernels, scratch: number): void {
  for (;;) {
    const claimed = Atomics.sub(ctl, REMAIN, 1);
    if (claimed <= 0) return;
    const task = claimed - 1;
    const kernels = ctl[DTYPE] === 1 ? f32 : f64;
    const chunk = ctl[CHUNK]!;
    if (ctl[KIND] === JOB_CONV) {
      const job = readConv(ctl);
      const i0 = task * chunk, i1 = Math.min(job.n, i0 + chunk);
      runTask(ctl, () => runConv(kernels, job, i0, i1));
      continue;
    }
    if (ctl[KIND] === JOB_CSR) {
      const job = readCsr(ctl);
      const i0 = task * chunk, i1 = Math.min(job.m, i0 + chunk);
      runTask(ctl, () => {
        if (runCsr(kernels, job, i0, i1, scratch)) Atomics.store(ctl, CSR_BAD, 1);
      });
      continue;
    }
    if (ctl[KIND] === JOB_ADAM) {
      const i0 = task * chunk, i1 = Math.min(ctl[M]!, i0 + chunk);
      const lrT = readScalar(ctl, 0), rest1 = readScalar(ctl, 1), rest2 = readScalar(ctl, 2), eps = readScalar(ctl, 3);
      runTask(ctl, () => kernels.adamUpdate(i0, i1, lrT, rest1, rest2, eps, ctl[A]!, ctl[B]!, ctl[C]!, ctl[LDA]!));
      continue;
    }
    if (ctl[KIND] === JOB_BYTES) {
      const i0 = task * chunk, n = Math.min(ctl[M]!, i0 + chunk) - i0;
      const size = ctl[DTYPE] === 1 ? 4 : 8;
      // >>> 0 reads a wrapped address back as unsigned before offsetting it.
      runTask(ctl, () => kernels.bytesToFloats(n, (ctl[A]! >>> 0) + i0, readScalar(ctl, 0), (ctl[C]! >>> 0) + i0 * size));
      continue;
    }
    if (ctl[KIND] === JOB_GATHER) {
      const i0 = task * chunk, rows = Math.min(ctl[M]!, i0 + chunk) - i0, cols = ctl[N]!;
      const rowBytes = cols * (ctl[DTYPE] === 1 ? 4 : 8);
      // >>> 0 reads a wrapped address back as unsigned before offsetting it.
      runTask(ctl, () => kernels.gatherRows(rows, (ctl[A]! >>> 0) + i0 * 4, cols, ctl[B]!, (ctl[C]! >>> 0) + i0 * rowBytes));
      continue;
    }
    let i0 = 0, i1 = ctl[M]!, j0 = 0, j1 = ctl[N]!;
    if (ctl[BY_ROWS] === 1) {
      i0 = task * chunk;
      i1 = Math.min(i1, i0 + chunk);
    } else {
      j0 = task * chunk;
      j1 = Math.min(j1, j0 + chunk);
    }
    runTask(ctl, () => {
      if (ctl[BYTES_A] === 1) {
        kernels.gemmBytes(
          ctl[TRANS_A]!, ctl[K]!, ctl[A]!, ctl[LDA]!, readScalar(ctl, 0), ctl[B]!, ctl[LDB]!,
          ctl[BETA]!, ctl[C]!, ctl[LDC]!, i0, i1, j0, j1, scratch,
        );
      } else if (ctl[SPARSE] === 1) {
        kernels.gemmSparse(
          ctl[TRANS_A]!, ctl[K]!, ctl[A]!, ctl[LDA]!, ctl[B]!, ctl[LDB]!,
          ctl[BETA]!, ctl[C]!, ctl[LDC]!, i0, i1, j0, j1, scratch,
        );
      } else {
        kernels.gemm(
          ctl[TRANS_A]!, ctl[TRANS_B]!, ctl[K]!, ctl[A]!, ctl[LDA]!, ctl[B]!, ctl[LDB]!,
          ctl[BETA]!, ctl[C]!, ctl[LDC]!, i0, i1, j0, j1, scratch,
        );
      }
    });
  }
}

/** Runs one claimed task; a failure is recorded, and the task counts as done either way. */
function runTask(ctl: Int32Array, task: () => void): void {
  try {
    task();
  } catch {
    Atomics.store(ctl, FAILED, 1);
  } finally {
    Atomics.add(ctl, DONE, 1);
    Atomics.notify(ctl, DONE);
  }
}
