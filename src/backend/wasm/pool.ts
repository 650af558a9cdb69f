// Runs one GEMM (or one large row gather or convolution kernel) on several threads: the main thread and
// `threads - 1` workers split C into bands of rows or columns (never K, so every element
// is summed in the same order however many threads there are) and claim them dynamically,
// which keeps a busy or late worker from holding the main thread up. The call stays
// synchronous: main takes tasks too, then waits until the last one is done.
//
// Hand-off is cheap for short jobs: a worker that finishes watches the control block for
// WORKER_SPIN_MS before it sleeps in Atomics.wait, and main watches for the last task for
// MAIN_SPIN_MS before it does, so back-to-back GEMMs (a training step's) pay no wake-ups.
// Watching is bounded, so an idle process sleeps in Atomics.wait again, and it is off when
// there are more threads than cores, where a watching thread would hold up a working one.

import type { Block } from './allocator.js';
import type { WasmHost } from './host.js';
import {
  CONTROL_INTS, csrFailed, DONE, drain, FAILED, REMAIN, runConv, runCsr, spinWhileEqual, WAKE, writeAdam, writeBytes, writeConv, writeCsr,
  writeGather, writeJob, type AdamJob, type BytesJob, type ConvJob, type CsrJob, type GatherJob, type GemmJob,
} from './protocol.js';
import type { Runtime } from './runtime.js';

/**
 * Below this many multiply-adds (m·n·k, or the sparse path's estimate) a GEMM runs on the
 * calling thread alone. With workers watching for jobs a hand-off costs about 5 µs; on 2
 * threads dense GEMMs of 250k multiply-adds broke even in float32 (1.1×, 1.3× in float64)
 * and 500k gained 1.3–1.4×. The training batch's sparse products (about 800k: 100 MNIST
 * rows by 784 with ~19% nonzeros, by 50 columns) gain 1.65–1.8×.
 */
export const THREADING_THRESHOLD = 1 << 19;
/**
 * A row gather copying at least this many bytes is split across the threads. Measured on
 * 2 threads, random 784-wide rows of the 60000-row training set: 200 KB copies broke even
 * (0.85–1.0×), 313 KB gained 1.05–1.15× (a float32 training batch, 100 rows), 627 KB
 * 1.25–1.4× (a float64 batch) and 1.25 MB 1.45–1.55×.
 */
export const GATHER_THRESHOLD_BYTES = 1 << 18;
/** Bands per thread in a split gather, so a late worker leaves main less to wait for (1 and 4 measured the same). */
const GATHER_TASKS_PER_THREAD = 2;
/**
 * A convolution kernel (im2col, col2im, max pooling) moving at least this many bytes (reads
 * plus writes) is split across the threads by images. One thread moves about 10 GB/s
 * through them (im2col of a float32 [100,16,28,28] batch: 50 MB in about 5 ms), so 512 KiB
 * is about 50 µs of work, against a hand-off measured at 6–7 µs at best (a split
 * 256 KiB transpose: 3 µs whole, 9 µs split) and tens of µs when a worker must be woken:
 * enough that a split gains even with a late worker. The training batch's calls (4–100 MB)
 * ran 1.8–2.0× faster on 2 threads with a core free (on a box whose cores were busy with
 * other work, a split only waited for one). transposeBatch moves its bytes about 4× faster
 * (cache-blocked, no branches), so it counts a quarter of them.
 */
export const CONV_THRESHOLD_BYTES = 1 << 19;
/** Bands of images per thread in a split convolution kernel, so a late worker leaves main less to wait for. */
const CONV_TASKS_PER_THREAD = 2;
/**
 * An Adam update of at least this many elements is split across the threads into ranges.
 * It is compute-bound (a division and a square root per element: about 1.45 ns each on one
 * thread, f64 and f32 alike). Measured on 2 threads with alloc'd arrays: 16k elements ran the
 * same split or whole, 32k broke even in float32 (1.0×, 1.3–1.9× in float64), 64k gained
 * 1.25–1.85× and 128k and more 1.9–2.0× (SimpleConvNet's 432k-element W2).
 */
export const ADAM_THRESHOLD = 1 << 16;
/** Ranges per thread in a split Adam update, so a late worker leaves main less to wait for. */
const ADAM_TASKS_PER_THREAD = 2;
/**
 * A block of bytes converted to floats (bytesToFloats) of at least this many elements is
 * split across the threads into ranges: an evaluation block of 10000 MNIST rows is 7.8M
 * elements, written as 31–63 MB, where one thread is bound by its own store bandwidth.
 */
export const BYTES_THRESHOLD = 1 << 17;
/** Ranges per thread in a split conversion, so a late worker leaves main less to wait for. */
const BYTES_TASKS_PER_THREAD = 2;
/** Work per task when a GEMM is large enough to be split finer than one task per thread. */
const TASK_WORK = 1 << 23;
/** Bands are whole micro-tiles: 4 rows, or 8 columns (f32 tiles; two f64 tiles). */
const ROW_ALIGN = 4;
const COL_ALIGN = 8;
/**
 * How long a worker watches for the next job after one. A training step publishes a job
 * every few hundred microseconds; between epochs the evaluation's elementwise work leaves
 * gaps of a few milliseconds.
 */
export const WORKER_SPIN_MS = 4;
/** How long main watches for a worker's last task before it sleeps. */
const MAIN_SPIN_MS = 1;

export type GemmCall = Omit<GemmJob, 'byRows' | 'chunk'>;
export type GatherCall = Omit<GatherJob, 'chunk'>;
export type ConvCall = Omit<ConvJob, 'chunk'>;
export type AdamCall = Omit<AdamJob, 'chunk'>;
export type BytesCall = Omit<BytesJob, 'chunk'>;
export type CsrCall = Omit<CsrJob, 'chunk'>;

export class ThreadPool {
  /** Threads started: the calling thread and threads − 1 workers. */
  readonly threads: number;
  /**
   * Threads a split may use (≤ threads): fewer when the caller runs other work on the
   * cores left (a training run scoring its evaluations on a thread of its own). With 1,
   * every kernel runs on the calling thread and the workers sleep.
   */
  private active: number;
  private readonly control: Block;
  private readonly scratch: Block[] = [];
  private ctl: Int32Array | undefined;
  private readonly mainSpinMs: number;
  /** Whether main may sleep while workers finish; where it may not (a page), it watches instead. */
  private readonly canBlock: boolean;

  constructor(private readonly rt: Runtime, threads: number, host: WasmHost) {
    // Workers need the memory shared; a page that is not cross-origin isolated has none.
    this.threads = rt.shared ? threads : 1;
    this.active = this.threads;
    this.canBlock = host.canBlock();
    const spin = this.threads <= host.cores();
    this.mainSpinMs = spin ? MAIN_SPIN_MS : 0;
    // One scratch area per thread (packed panels of B); blocks are never given back, as
    // the pool lives as long as the process.
    for (let t = 0; t < this.threads; t++) this.scratch.push(rt.allocateBlock(rt.scratchBytes));
    this.control = rt.allocateBlock(CONTROL_INTS * 4);
    new Int32Array(rt.buffer(), this.control.ptr, CONTROL_INTS).fill(0);
    for (let t = 1; t < this.threads; t++) {
      host.spawnWorker({
        module: rt.module, memory: rt.memory, control: this.control.ptr, scratch: this.scratch[t]!.ptr,
        spinMs: spin ? WORKER_SPIN_MS : 0,
      });
    }
  }

  /** Threads splits use from now on: n clamped to 1..threads. Returns the count applied. */
  useThreads(n: number): number {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`useThreads: expected a positive integer, got ${n}`);
    this.active = Math.min(n, this.threads);
    return this.active;
  }

  /** Threads splits use now (see useThreads). */
  get activeThreads(): number {
    return this.active;
  }

  /**
   * Runs one GEMM. `work` is its cost in multiply-adds, m·n·k unless the caller knows
   * better (the sparse path does far fewer); it only decides how many tasks to make.
   */
  gemm(call: GemmCall, work = call.m * call.n * Math.max(call.k, 1)): void {
    if (this.active === 1 || work < THREADING_THRESHOLD) {
      this.runWhole(call);
      return;
    }
    // Split the longer side of C, measured in micro-tiles. The sparse kernel gathers each
    // row's nonzeros once per task, so it splits by rows whenever there are enough.
    const byRows = call.m / ROW_ALIGN >= (call.sparse ? this.active : call.n / COL_ALIGN);
    const extent = byRows ? call.m : call.n;
    const align = byRows ? ROW_ALIGN : COL_ALIGN;
    const wanted = Math.min(this.active * 4, Math.max(this.active, Math.floor(work / TASK_WORK)));
    const chunk = Math.ceil(extent / wanted / align) * align;
    const total = Math.ceil(extent / chunk);
    if (total < 2) {
      this.runWhole(call);
      return;
    }

    const ctl = this.controlView();
    writeJob(ctl, { ...call, byRows, chunk });
    this.run(ctl, total, 'a GEMM');
  }

  /**
   * Copies the rows `call.indices` of src into out (indices already checked). Returns
   * whether it was split across threads: each thread copies bands of output rows, so the
   * threads' cache misses on the scattered source rows overlap. A copy is the same bytes
   * however it is split.
   */
  gather(call: GatherCall): boolean {
    const bytes = call.count * call.cols * (call.f32 ? 4 : 8);
    // Bands are whole pairs of rows: the kernel copies two rows at a time.
    const chunk = 2 * Math.ceil(call.count / (2 * this.active * GATHER_TASKS_PER_THREAD));
    const total = chunk > 0 ? Math.ceil(call.count / chunk) : 0;
    if (this.active === 1 || bytes < GATHER_THRESHOLD_BYTES || total < 2) {
      const kernels = call.f32 ? this.rt.f32 : this.rt.f64;
      kernels.gatherRows(call.count, call.indices, call.cols, call.src, call.out);
      return false;
    }
    const ctl = this.controlView();
    writeGather(ctl, { ...call, chunk });
    this.run(ctl, total, 'a gather');
    return true;
  }

  /**
   * Runs one convolution kernel over call.n images, whole here or split by images when it
   * moves at least CONV_THRESHOLD_BYTES; returns whether it was split. Arguments are
   * already checked: the kernels read and write memory unchecked.
   */
  conv(call: ConvCall, bytes: number): boolean {
    const chunk = Math.ceil(call.n / (this.active * CONV_TASKS_PER_THREAD));
    const total = chunk > 0 ? Math.ceil(call.n / chunk) : 0;
    if (this.active === 1 || bytes < CONV_THRESHOLD_BYTES || total < 2) {
      runConv(call.f32 ? this.rt.f32 : this.rt.f64, call, 0, call.n);
      return false;
    }
    const ctl = this.controlView();
    writeConv(ctl, { ...call, chunk });
    this.run(ctl, total, `a ${call.op}`);
    return true;
  }

  /**
   * Runs one Adam update (arguments already checked), whole here or split into ranges of
   * elements when it has at least ADAM_THRESHOLD; returns whether it was split.
   */
  adam(call: AdamCall): boolean {
    // Ranges are whole pairs of elements, the kernel's vector width.
    const chunk = 2 * Math.ceil(call.n / (2 * this.active * ADAM_TASKS_PER_THREAD));
    const total = chunk > 0 ? Math.ceil(call.n / chunk) : 0;
    if (this.active === 1 || call.n < ADAM_THRESHOLD || total < 2) {
      const kernels = call.f32 ? this.rt.f32 : this.rt.f64;
      kernels.adamUpdate(0, call.n, call.lrT, call.rest1, call.rest2, call.eps, call.param, call.grad, call.m, call.v);
      return false;
    }
    const ctl = this.controlView();
    writeAdam(ctl, { ...call, chunk });
    this.run(ctl, total, 'an Adam update');
    return true;
  }

  /**
   * Converts call.n bytes to floats (arguments already checked), whole here or split into
   * ranges when there are at least BYTES_THRESHOLD; returns whether it was split.
   */
  bytes(call: BytesCall): boolean {
    // Ranges are whole runs of 16, the kernel's vector step.
    const chunk = 16 * Math.ceil(call.n / (16 * this.active * BYTES_TASKS_PER_THREAD));
    const total = chunk > 0 ? Math.ceil(call.n / chunk) : 0;
    if (this.active === 1 || call.n < BYTES_THRESHOLD || total < 2) {
      (call.f32 ? this.rt.f32 : this.rt.f64).bytesToFloats(call.n, call.src, call.scale, call.out);
      return false;
    }
    const ctl = this.controlView();
    writeBytes(ctl, { ...call, chunk });
    this.run(ctl, total, 'a byte conversion');
    return true;
  }

  /**
   * Runs one CSR product (gemmSparseBytes; rows and offsets already checked) of `work`
   * multiply-adds, whole here or split into bands of C's rows as a sparse GEMM is. A TN
   * band walks every taken row for the entries in its pixels, so TN makes one band per
   * thread. Returns whether it was split, and whether an entry's column was past op(A)'s
   * width (C is then partly written).
   */
  csr(call: CsrCall, work: number): { split: boolean; bad: boolean } {
    const wanted = call.transA ? this.active : Math.min(this.active * 4, Math.max(this.active, Math.floor(work / TASK_WORK)));
    const chunk = Math.ceil(call.m / wanted / ROW_ALIGN) * ROW_ALIGN;
    const total = chunk > 0 ? Math.ceil(call.m / chunk) : 0;
    if (this.active === 1 || work < THREADING_THRESHOLD || total < 2) {
      const bad = runCsr(call.f32 ? this.rt.f32 : this.rt.f64, call, 0, call.m, this.scratch[0]!.ptr);
      return { split: false, bad };
    }
    const ctl = this.controlView();
    writeCsr(ctl, { ...call, chunk });
    this.run(ctl, total, 'a sparse byte product');
    return { split: true, bad: csrFailed(ctl) };
  }

  /** Publishes the job written to ctl as `total` tasks, takes tasks too, and waits for the rest. */
  private run(ctl: Int32Array, total: number, what: string): void {
    const mainScratch = this.scratch[0]!.ptr;
    Atomics.store(ctl, DONE, 0);
    Atomics.store(ctl, FAILED, 0);
    Atomics.store(ctl, REMAIN, total); // publishes the job: claims after this see it
    Atomics.add(ctl, WAKE, 1);
    Atomics.notify(ctl, WAKE); // cheap when every worker is watching rather than sleeping
    drain(ctl, this.rt.f64, this.rt.f32, mainScratch);
    for (let done = Atomics.load(ctl, DONE); done < total; done = Atomics.load(ctl, DONE)) {
      if (!spinWhileEqual(ctl, DONE, done, this.mainSpinMs) && this.canBlock) Atomics.wait(ctl, DONE, done);
    }
    if (Atomics.load(ctl, FAILED) !== 0) throw new Error(`nabla wasm backend: ${what} task failed in a worker thread`);
  }

  /** The whole of C on the calling thread. */
  private runWhole(call: GemmCall): void {
    const kernels = call.f32 ? this.rt.f32 : this.rt.f64;
    const scratch = this.scratch[0]!.ptr;
    if (call.bytes) {
      kernels.gemmBytes(+call.transA, call.k, call.a, call.lda, call.scale!, call.b, call.ldb, call.beta, call.c, call.ldc, 0, call.m, 0, call.n, scratch);
    } else if (call.sparse) {
      kernels.gemmSparse(+call.transA, call.k, call.a, call.lda, call.b, call.ldb, call.beta, call.c, call.ldc, 0, call.m, 0, call.n, scratch);
    } else {
      kernels.gemm(
        +call.transA, +call.transB, call.k, call.a, call.lda, call.b, call.ldb,
        call.beta, call.c, call.ldc, 0, call.m, 0, call.n, scratch,
      );
    }
  }

  // The control block never moves, but memory.grow leaves old views covering only the old
  // size; this one was made when the block was allocated, so it stays valid.
  private controlView(): Int32Array {
    this.ctl ??= new Int32Array(this.rt.buffer(), this.control.ptr, CONTROL_INTS);
    return this.ctl;
  }
}
