// The non-GEMM kernels of the backend contract, generic over f64/f32. Pointers are bytes;
// counts are elements. Transcendentals are evaluated in f64 for both types, as the JS
// reference does, so float32 results differ from it only by the final rounding.

import { lanes } from './simd';

const CROSS_ENTROPY_DELTA: f64 = 1e-7;

// x, out: rows×cols; bias: cols. out may be x.
export function addRowVector<T>(rows: i32, cols: i32, x: usize, bias: usize, out: usize): void {
  const L = lanes<T>();
  const size = sizeof<T>();
  const vecEnd = cols - L;
  for (let i = 0; i < rows; i++) {
    const row = <usize>i * cols * size;
    let j = 0;
    for (; j <= vecEnd; j += L) {
      const o = row + <usize>j * size;
      v128.store(out + o, v128.add<T>(v128.load(x + o), v128.load(bias + <usize>j * size)));
    }
    for (; j < cols; j++) {
      const o = row + <usize>j * size;
      store<T>(out + o, load<T>(x + o) + load<T>(bias + <usize>j * size));
    }
  }
}

// x: rows×cols; out: cols. Rows are added in order, as the reference does.
export function sumRows<T>(rows: i32, cols: i32, x: usize, out: usize): void {
  const L = lanes<T>();
  const size = sizeof<T>();
  memory.fill(out, 0, <usize>cols * size);
  const vecEnd = cols - L;
  for (let i = 0; i < rows; i++) {
    const row = x + <usize>i * cols * size;
    let j = 0;
    for (; j <= vecEnd; j += L) {
      const o = <usize>j * size;
      v128.store(out + o, v128.add<T>(v128.load(out + o), v128.load(row + o)));
    }
    for (; j < cols; j++) {
      const o = <usize>j * size;
      store<T>(out + o, load<T>(out + o) + load<T>(row + o));
    }
  }
}

// out = x <= 0 ? 0 : x, the book's mask: NaN stays NaN (so it reaches the loss), −0 gives +0. out may be x.
export function reluForward<T>(n: i32, x: usize, out: usize): void {
  const L = lanes<T>();
  const size = sizeof<T>();
  const zero = v128.splat<T>(0);
  let i = 0;
  for (; i <= n - L; i += L) {
    const o = <usize>i * size;
    const v = v128.load(x + o);
    v128.store(out + o, v128.andnot(v, v128.le<T>(v, zero)));
  }
  for (; i < n; i++) {
    const v = load<T>(x + <usize>i * size);
    store<T>(out + <usize>i * size, v <= 0 ? <T>0 : v);
  }
}

// dx = y <= 0 ? 0 : dout, the book's mask (dout passes where y is NaN). dx may be dout.
export function reluBackward<T>(n: i32, dout: usize, y: usize, dx: usize): void {
  const L = lanes<T>();
  const size = sizeof<T>();
  const zero = v128.splat<T>(0);
  let i = 0;
  for (; i <= n - L; i += L) {
    const o = <usize>i * size;
    v128.store(dx + o, v128.andnot(v128.load(dout + o), v128.le<T>(v128.load(y + o), zero)));
  }
  for (; i < n; i++) {
    const o = <usize>i * size;
    store<T>(dx + o, load<T>(y + o) <= 0 ? <T>0 : load<T>(dout + o));
  }
}

export function sigmoidForward<T>(n: i32, x: usize, out: usize): void {
  const size = sizeof<T>();
  for (let i = 0; i < n; i++) {
    const o = <usize>i * size;
    store<T>(out + o, <T>(1.0 / (1.0 + Math.exp(-<f64>load<T>(x + o)))));
  }
}

// dx = dout · (1 − y) · y, evaluated left to right like the reference. dx may be dout.
export function sigmoidBackward<T>(n: i32, dout: usize, y: usize, dx: usize): void {
  const L = lanes<T>();
  const size = sizeof<T>();
  const one = v128.splat<T>(1);
  let i = 0;
  for (; i <= n - L; i += L) {
    const o = <usize>i * size;
    const yv = v128.load(y + o);
    v128.store(dx + o, v128.mul<T>(v128.mul<T>(v128.load(dout + o), v128.sub<T>(one, yv)), yv));
  }
  for (; i < n; i++) {
    const o = <usize>i * size;
    const yv = load<T>(y + o);
    store<T>(dx + o, load<T>(dout + o) * (<T>1 - yv) * yv);
  }
}

// x, y: rows×cols; y may be x.
export function softmaxRows<T>(rows: i32, cols: i32, x: usize, y: usize): void {
  const size = sizeof<T>();
  for (let i = 0; i < rows; i++) {
    const row = <usize>i * cols * size;
    let max = -Infinity;
    for (let j = 0; j < cols; j++) {
      const v = <f64>load<T>(x + row + <usize>j * size);
      if (v > max) max = v;
    }
    let sum: f64 = 0;
    for (let j = 0; j < cols; j++) {
      const o = row + <usize>j * size;
      const e = Math.exp(<f64>load<T>(x + o) - max);
      store<T>(y + o, <T>e);
      sum += e;
    }
    for (let j = 0; j < cols; j++) {
      const o = y + row + <usize>j * size;
      store<T>(o, <T>(<f64>load<T>(o) / sum));
    }
  }
}

// y: rows×cols; labels: rows i32.
export function crossEntropyLabels<T>(rows: i32, cols: i32, y: usize, labels: usize): f64 {
  const size = sizeof<T>();
  let total: f64 = 0;
  for (let i = 0; i < rows; i++) {
    const label = load<i32>(labels + (<usize>i << 2));
    total -= Math.log(<f64>load<T>(y + (<usize>i * cols + label) * size) + CROSS_ENTROPY_DELTA);
  }
  return total;
}

// y, t: n elements.
export function crossEntropyOneHot<T>(n: i32, y: usize, t: usize): f64 {
  const size = sizeof<T>();
  let total: f64 = 0;
  for (let i = 0; i < n; i++) {
    const o = <usize>i * size;
    total -= <f64>load<T>(t + o) * Math.log(<f64>load<T>(y + o) + CROSS_ENTROPY_DELTA);
  }
  return total;
}

// The exact gradient of crossEntropyLabels through the softmax, times scale (see the
// contract): dx = scale · y_t/(y_t + δ) · (y − onehot(labels)). y, dx: rows×cols;
// labels: rows i32 (checked by the host). dx may be y.
export function softmaxCrossEntropyBackwardLabels<T>(
  rows: i32, cols: i32, y: usize, labels: usize, scale: f64, dx: usize,
): void {
  const L = lanes<T>();
  const size = sizeof<T>();
  for (let i = 0; i < rows; i++) {
    const row = <usize>i * cols * size;
    const label = load<i32>(labels + (<usize>i << 2));
    // Read before the row is overwritten: dx may be y.
    const yt = <f64>load<T>(y + row + <usize>label * size);
    const rowScale = (scale * yt) / (yt + CROSS_ENTROPY_DELTA);
    const atLabel = <T>(rowScale * (yt - 1.0));
    const s = v128.splat<T>(<T>rowScale);
    let j = 0;
    for (; j <= cols - L; j += L) {
      const o = row + <usize>j * size;
      v128.store(dx + o, v128.mul<T>(s, v128.load(y + o)));
    }
    for (; j < cols; j++) {
      const o = row + <usize>j * size;
      store<T>(dx + o, <T>(rowScale * <f64>load<T>(y + o)));
    }
    store<T>(dx + row + <usize>label * size, atLabel);
  }
}

// The exact gradient of crossEntropyOneHot through the softmax, times scale: with
// w = t·y/(y + δ), dx = scale · (y · Σ_row w − w). y, t, dx: rows×cols; dx may be y
// (each element is read before it is written).
export function softmaxCrossEntropyBackwardOneHot<T>(
  rows: i32, cols: i32, y: usize, t: usize, scale: f64, dx: usize,
): void {
  const size = sizeof<T>();
  for (let i = 0; i < rows; i++) {
    const row = <usize>i * cols * size;
    let wSum: f64 = 0;
    for (let j = 0; j < cols; j++) {
      const o = row + <usize>j * size;
      const yv = <f64>load<T>(y + o);
      wSum += (<f64>load<T>(t + o) * yv) / (yv + CROSS_ENTROPY_DELTA);
    }
    for (let j = 0; j < cols; j++) {
      const o = row + <usize>j * size;
      const yv = <f64>load<T>(y + o);
      const w = (<f64>load<T>(t + o) * yv) / (yv + CROSS_ENTROPY_DELTA);
      store<T>(dx + o, <T>(scale * (yv * wSum - w)));
    }
  }
}

// out[i, :] = src[indices[i], :]; indices: count i32; src: ?×cols; out: count×cols.
// Rows are copied two at a time, 64 bytes of each per step, through v128 registers: the
// source rows are scattered over a dataset far larger than the caches, and two streams in
// flight keep twice the cache misses outstanding. (memory.copy on shared memory runs one
// row at a time through the engine's out-of-line copy.) out must not overlap src: the
// contract has no in-place gather.
export function gatherRows<T>(count: i32, indices: usize, cols: i32, src: usize, out: usize): void {
  const rowBytes = <usize>cols * sizeof<T>();
  const wide = rowBytes & ~(<usize>63); // bytes of each row copied 64 at a time
  let i = 0;
  for (; i + 1 < count; i += 2) {
    const s0 = src + <usize>load<i32>(indices + (<usize>i << 2)) * rowBytes;
    const s1 = src + <usize>load<i32>(indices + (<usize>i << 2), 4) * rowBytes;
    const d0 = out + <usize>i * rowBytes;
    const d1 = d0 + rowBytes;
    for (let o: usize = 0; o < wide; o += 64) {
      const a0 = v128.load(s0 + o), a1 = v128.load(s0 + o, 16), a2 = v128.load(s0 + o, 32), a3 = v128.load(s0 + o, 48);
      const b0 = v128.load(s1 + o), b1 = v128.load(s1 + o, 16), b2 = v128.load(s1 + o, 32), b3 = v128.load(s1 + o, 48);
      v128.store(d0 + o, a0); v128.store(d0 + o, a1, 16); v128.store(d0 + o, a2, 32); v128.store(d0 + o, a3, 48);
      v128.store(d1 + o, b0); v128.store(d1 + o, b1, 16); v128.store(d1 + o, b2, 32); v128.store(d1 + o, b3, 48);
    }
    copyTail(s0 + wide, d0 + wide, rowBytes - wide);
    copyTail(s1 + wide, d1 + wide, rowBytes - wide);
  }
  if (i < count) {
    const s0 = src + <usize>load<i32>(indices + (<usize>i << 2)) * rowBytes;
    const d0 = out + <usize>i * rowBytes;
    for (let o: usize = 0; o < wide; o += 64) {
      v128.store(d0 + o, v128.load(s0 + o)); v128.store(d0 + o, v128.load(s0 + o, 16), 16);
      v128.store(d0 + o, v128.load(s0 + o, 32), 32); v128.store(d0 + o, v128.load(s0 + o, 48), 48);
    }
    copyTail(s0 + wide, d0 + wide, rowBytes - wide);
  }
}

// The last bytes (< 64, a whole number of elements, so a multiple of 4) of a row.
@inline
function copyTail(s: usize, d: usize, bytes: usize): void {
  let o: usize = 0;
  for (; o + 16 <= bytes; o += 16) v128.store(d + o, v128.load(s + o));
  for (; o < bytes; o += 4) store<u32>(d + o, load<u32>(s + o));
}

// out[i] = first index of row i's maximum; x: rows×cols; out: rows i32.
export function argmaxRows<T>(rows: i32, cols: i32, x: usize, out: usize): void {
  const size = sizeof<T>();
  for (let i = 0; i < rows; i++) {
    const row = x + <usize>i * cols * size;
    let best = 0;
    let bestValue = load<T>(row);
    for (let j = 1; j < cols; j++) {
      const v = load<T>(row + <usize>j * size);
      if (v > bestValue) {
        best = j;
        bestValue = v;
      }
    }
    store<i32>(out + (<usize>i << 2), best);
  }
}

// y += alpha · x; n elements.
export function axpy<T>(n: i32, alpha: f64, x: usize, y: usize): void {
  const L = lanes<T>();
  const size = sizeof<T>();
  const a = v128.splat<T>(<T>alpha);
  let i = 0;
  for (; i <= n - L; i += L) {
    const o = <usize>i * size;
    v128.store(y + o, v128.add<T>(v128.load(y + o), v128.mul<T>(a, v128.load(x + o))));
  }
  for (; i < n; i++) {
    const o = <usize>i * size;
    store<T>(y + o, load<T>(y + o) + <T>alpha * load<T>(x + o));
  }
}
