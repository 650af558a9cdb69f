// The convolution and pooling kernels of the contract, generic over f64/f32. Each works on
// whole images i0..i1 of the batch, which share nothing, so the host can hand disjoint
// ranges to different threads and get the same bits however it splits. Every kernel does
// the reference's arithmetic in the reference's order (src/backend/reference/conv.ts), so
// results match it bit for bit, sums included.
//
// A window's row of fw pixels (a run) is contiguous in both the image and im2col's row, so
// the kernels move whole runs with v128s. im2col copies a run in whole vectors, spilling
// up to L − 1 elements past its end into the run written next (the call's last run does
// not spill, so no thread writes past its own images). Reads stay inside the image row
// they start in, or, for col, inside the call's rows.

import { lanes } from './simd';

// col[(i·oh + oy)·ow + ox, (ch·fh + ky)·fw + kx] = x[i, ch, oy·stride − pad + ky, ox·stride − pad + kx], 0 in the padding.
export function im2col<T>(
  c: i32, h: i32, w: i32, fh: i32, fw: i32, stride: i32, pad: i32, oh: i32, ow: i32,
  i0: i32, i1: i32, x: usize, col: usize,
): void {
  const size = <usize>sizeof<T>();
  const L = lanes<T>();
  const cols = c * fh * fw;
  const plane = h * w;
  const span = (fw + L - 1) / L * L; // elements one run covers in whole vectors
  const zero = v128.splat<T>(0);
  for (let i = i0; i < i1; i++) {
    const image = x + <usize>(i * c * plane) * size;
    let row = col + <usize>(i * oh * ow) * <usize>cols * size;
    for (let oy = 0; oy < oh; oy++) {
      const y0 = oy * stride - pad;
      const rowsInside = y0 >= 0 && y0 + fh <= h;
      for (let ox = 0; ox < ow; ox++) {
        const x0 = ox * stride - pad;
        // Runs may spill into the next col row, which this call writes next, except after its last row.
        const spill = i < i1 - 1 || oy < oh - 1 || ox < ow - 1;
        const wideRead = x0 >= 0 && x0 + span <= w;
        if (rowsInside && wideRead && spill) {
          copyRuns<T>(c, fh, fw, w, plane, span, image + <usize>(y0 * w + x0) * size, row);
        } else {
          edgeRow<T>(c, h, w, fh, fw, cols, span, y0, x0, spill, image, row, zero);
        }
        row += <usize>cols * size;
      }
    }
  }
}

// Every run of a window wholly inside the image, in whole vectors: the hot loop.
@inline
function copyRuns<T>(c: i32, fh: i32, fw: i32, w: i32, plane: i32, span: i32, src: usize, dst: usize): void {
  const size = <usize>sizeof<T>();
  const L = lanes<T>();
  const line = <usize>w * size;
  const step = <usize>fw * size;
  for (let ch = 0; ch < c; ch++) {
    let s = src + <usize>(ch * plane) * size;
    if (span == L) {
      for (let ky = 0; ky < fh; ky++, s += line, dst += step) v128.store(dst, v128.load(s));
    } else if (span == 2 * L) {
      for (let ky = 0; ky < fh; ky++, s += line, dst += step) {
        v128.store(dst, v128.load(s));
        v128.store(dst, v128.load(s, 16), 16);
      }
    } else {
      for (let ky = 0; ky < fh; ky++, s += line, dst += step) {
        for (let k = 0; k < span; k += L) v128.store(dst + <usize>k * size, v128.load(s + <usize>k * size));
      }
    }
  }
}

// One col row whose window touches the padding or the row's end, run by run.
@inline
function edgeRow<T>(
  c: i32, h: i32, w: i32, fh: i32, fw: i32, cols: i32, span: i32, y0: i32, x0: i32, spill: bool,
  image: usize, row: usize, zero: v128,
): void {
  const size = <usize>sizeof<T>();
  const L = lanes<T>();
  const plane = h * w;
  const inside = x0 >= 0 && x0 + fw <= w;
  const wideRead = x0 >= 0 && x0 + span <= w;
  let off = 0;
  for (let ch = 0; ch < c; ch++) {
    const channel = image + <usize>(ch * plane) * size;
    for (let ky = 0; ky < fh; ky++, off += fw) {
      const y = y0 + ky;
      const d = row + <usize>off * size;
      const wideWrite = spill || off + span <= cols;
      if (y < 0 || y >= h) {
        if (wideWrite) {
          for (let k = 0; k < span; k += L) v128.store(d + <usize>k * size, zero);
        } else {
          for (let k = 0; k < fw; k++) store<T>(d + <usize>k * size, <T>0);
        }
        continue;
      }
      const line = channel + <usize>(y * w) * size;
      if (wideRead && wideWrite) {
        const s = line + <usize>x0 * size;
        for (let k = 0; k < span; k += L) v128.store(d + <usize>k * size, v128.load(s + <usize>k * size));
      } else if (inside) {
        const s = line + <usize>x0 * size;
        let k = 0;
        for (; k + L <= fw; k += L) v128.store(d + <usize>k * size, v128.load(s + <usize>k * size));
        for (; k < fw; k++) store<T>(d + <usize>k * size, load<T>(s + <usize>k * size));
      } else {
        for (let k = 0; k < fw; k++) {
          const xx = x0 + k;
          store<T>(d + <usize>k * size, xx >= 0 && xx < w ? load<T>(line + <usize>xx * size) : <T>0);
        }
      }
    }
  }
}

// The adjoint of im2col: dx zeroed for images i0..i1, then every col entry added to its
// pixel, visiting col in row order as the reference does, so each pixel's sum runs in the
// same order. A run's last partial vector adds 0 in the lanes past the run (masked): x + 0
// is x for every sum here (a sum that starts at +0 is never −0), so its neighbours keep
// their bits. That vector reads col past the run, which stays inside col except after the
// call's last row.
export function col2im<T>(
  c: i32, h: i32, w: i32, fh: i32, fw: i32, stride: i32, pad: i32, oh: i32, ow: i32,
  i0: i32, i1: i32, col: usize, dx: usize,
): void {
  const size = <usize>sizeof<T>();
  const L = lanes<T>();
  const cols = c * fh * fw;
  const plane = h * w;
  const whole = fw / L * L; // elements of a run in whole vectors
  const span = whole < fw ? whole + L : whole;
  const mask = sizeof<T>() == 8
    ? i64x2(-1, 0)
    : i32x4.lt_s(i32x4(0, 1, 2, 3), i32x4.splat(fw - whole));
  if (i1 > i0) memory.fill(dx + <usize>(i0 * c * plane) * size, 0, <usize>((i1 - i0) * c * plane) * size);
  for (let i = i0; i < i1; i++) {
    const image = dx + <usize>(i * c * plane) * size;
    let row = col + <usize>(i * oh * ow) * <usize>cols * size;
    for (let oy = 0; oy < oh; oy++) {
      const y0 = oy * stride - pad;
      const rowsInside = y0 >= 0 && y0 + fh <= h;
      for (let ox = 0; ox < ow; ox++) {
        const x0 = ox * stride - pad;
        const spill = i < i1 - 1 || oy < oh - 1 || ox < ow - 1;
        const wideWrite = x0 >= 0 && x0 + span <= w;
        if (rowsInside && wideWrite && spill) {
          addRuns<T>(c, fh, fw, w, plane, whole, span, mask, row, image + <usize>(y0 * w + x0) * size);
        } else {
          addEdgeRow<T>(c, h, w, fh, fw, cols, whole, span, mask, y0, x0, spill, row, image);
        }
        row += <usize>cols * size;
      }
    }
  }
}

// Every run of a window wholly inside the image, in whole vectors, the last one masked.
@inline
function addRuns<T>(c: i32, fh: i32, fw: i32, w: i32, plane: i32, whole: i32, span: i32, mask: v128, src: usize, dst: usize): void {
  const size = <usize>sizeof<T>();
  const L = lanes<T>();
  const line = <usize>w * size;
  const step = <usize>fw * size;
  for (let ch = 0; ch < c; ch++) {
    let d = dst + <usize>(ch * plane) * size;
    if (span == L && whole == 0) {
      for (let ky = 0; ky < fh; ky++, d += line, src += step) {
        v128.store(d, v128.add<T>(v128.load(d), v128.and(v128.load(src), mask)));
      }
    } else if (span == 2 * L && whole == L) {
      for (let ky = 0; ky < fh; ky++, d += line, src += step) {
        v128.store(d, v128.add<T>(v128.load(d), v128.load(src)));
        v128.store(d, v128.add<T>(v128.load(d, 16), v128.and(v128.load(src, 16), mask)), 16);
      }
    } else {
      for (let ky = 0; ky < fh; ky++, d += line, src += step) {
        let k = 0;
        for (; k < whole; k += L) {
          const o = <usize>k * size;
          v128.store(d + o, v128.add<T>(v128.load(d + o), v128.load(src + o)));
        }
        if (k < fw) {
          const o = <usize>k * size;
          v128.store(d + o, v128.add<T>(v128.load(d + o), v128.and(v128.load(src + o), mask)));
        }
      }
    }
  }
}

// One col row whose window touches the padding or the row's end, run by run.
@inline
function addEdgeRow<T>(
  c: i32, h: i32, w: i32, fh: i32, fw: i32, cols: i32, whole: i32, span: i32, mask: v128,
  y0: i32, x0: i32, spill: bool, row: usize, image: usize,
): void {
  const size = <usize>sizeof<T>();
  const L = lanes<T>();
  const plane = h * w;
  const inside = x0 >= 0 && x0 + fw <= w;
  const wideWrite = x0 >= 0 && x0 + span <= w;
  let off = 0;
  for (let ch = 0; ch < c; ch++) {
    const channel = image + <usize>(ch * plane) * size;
    for (let ky = 0; ky < fh; ky++, off += fw) {
      const y = y0 + ky;
      if (y < 0 || y >= h) continue;
      const s = row + <usize>off * size;
      const line = channel + <usize>(y * w) * size;
      if (inside) {
        const d = line + <usize>x0 * size;
        let k = 0;
        for (; k < whole; k += L) {
          const o = <usize>k * size;
          v128.store(d + o, v128.add<T>(v128.load(d + o), v128.load(s + o)));
        }
        if (k < fw) {
          if (wideWrite && (spill || off + span <= cols)) {
            const o = <usize>k * size;
            v128.store(d + o, v128.add<T>(v128.load(d + o), v128.and(v128.load(s + o), mask)));
          } else {
            for (; k < fw; k++) {
              const o = <usize>k * size;
              store<T>(d + o, load<T>(d + o) + load<T>(s + o));
            }
          }
        }
      } else {
        for (let k = 0; k < fw; k++) {
          const xx = x0 + k;
          if (xx < 0 || xx >= w) continue;
          const d = line + <usize>xx * size;
          store<T>(d, load<T>(d) + load<T>(s + <usize>k * size));
        }
      }
    }
  }
}

/** Side of the square blocks transposeBatch works through, so a block of x and of out stay in L1. */
const TRANSPOSE_BLOCK: i32 = 32;

// out[b, j, i] = x[b, i, j] for batches b0..b1: x [rows, cols] → out [cols, rows] each.
export function transposeBatch<T>(rows: i32, cols: i32, b0: i32, b1: i32, x: usize, out: usize): void {
  const size = <usize>sizeof<T>();
  const L = lanes<T>();
  for (let b = b0; b < b1; b++) {
    const src = x + <usize>(b * rows * cols) * size;
    const dst = out + <usize>(b * rows * cols) * size;
    for (let ib = 0; ib < rows; ib += TRANSPOSE_BLOCK) {
      const iEnd = min(ib + TRANSPOSE_BLOCK, rows);
      for (let jb = 0; jb < cols; jb += TRANSPOSE_BLOCK) {
        const jEnd = min(jb + TRANSPOSE_BLOCK, cols);
        let i = ib;
        for (; i + L <= iEnd; i += L) {
          let j = jb;
          for (; j + L <= jEnd; j += L) transposeTile<T>(src + <usize>(i * cols + j) * size, cols, dst + <usize>(j * rows + i) * size, rows);
          for (; j < jEnd; j++) {
            for (let ii = i; ii < i + L; ii++) store<T>(dst + <usize>(j * rows + ii) * size, load<T>(src + <usize>(ii * cols + j) * size));
          }
        }
        for (; i < iEnd; i++) {
          for (let j = jb; j < jEnd; j++) store<T>(dst + <usize>(j * rows + i) * size, load<T>(src + <usize>(i * cols + j) * size));
        }
      }
    }
  }
}

// One L×L tile: rows of x (stride ldx elements) become rows of out (stride ldo).
@inline
function transposeTile<T>(x: usize, ldx: i32, out: usize, ldo: i32): void {
  const size = <usize>sizeof<T>();
  const sx = <usize>ldx * size;
  const so = <usize>ldo * size;
  if (sizeof<T>() == 8) {
    const r0 = v128.load(x);
    const r1 = v128.load(x + sx);
    v128.store(out, v128.shuffle<i64>(r0, r1, 0, 2));
    v128.store(out + so, v128.shuffle<i64>(r0, r1, 1, 3));
  } else {
    const r0 = v128.load(x);
    const r1 = v128.load(x + sx);
    const r2 = v128.load(x + 2 * sx);
    const r3 = v128.load(x + 3 * sx);
    const t0 = v128.shuffle<i32>(r0, r1, 0, 4, 1, 5); // a0 b0 a1 b1
    const t1 = v128.shuffle<i32>(r2, r3, 0, 4, 1, 5); // c0 d0 c1 d1
    const t2 = v128.shuffle<i32>(r0, r1, 2, 6, 3, 7); // a2 b2 a3 b3
    const t3 = v128.shuffle<i32>(r2, r3, 2, 6, 3, 7); // c2 d2 c3 d3
    v128.store(out, v128.shuffle<i32>(t0, t1, 0, 1, 4, 5));
    v128.store(out + so, v128.shuffle<i32>(t0, t1, 2, 3, 6, 7));
    v128.store(out + 2 * so, v128.shuffle<i32>(t2, t3, 0, 1, 4, 5));
    v128.store(out + 3 * so, v128.shuffle<i32>(t2, t3, 2, 3, 6, 7));
  }
}

// Max pooling of images i0..i1, as the reference: each window's pixels in (ky, kx) order,
// the first taking the place, a later one replacing it when greater, or when it is NaN and
// the max so far is not. Rows of windows wholly inside the image, with stride 1 or 2, are
// done L windows at a time (lanes of consecutive ox); the rest window by window.
export function maxPoolForward<T>(
  c: i32, h: i32, w: i32, fh: i32, fw: i32, stride: i32, pad: i32, oh: i32, ow: i32,
  i0: i32, i1: i32, x: usize, out: usize, argmax: usize,
): void {
  const size = <usize>sizeof<T>();
  const L = lanes<T>();
  const plane = h * w;
  const vector = stride <= 2;
  for (let p = i0 * c; p < i1 * c; p++) {
    const src = x + <usize>(p * plane) * size;
    for (let oy = 0; oy < oh; oy++) {
      const y0 = oy * stride - pad;
      const o = (p * oh + oy) * ow;
      let ox = 0;
      if (vector && y0 >= 0 && y0 + fh <= h) {
        for (; ox < ow && ox * stride - pad < 0; ox++) poolWindow<T>(h, w, fh, fw, stride, pad, oy, ox, src, out, argmax, o + ox);
        // The vector loads read stride·L elements from each window column: the last one must stay in the row.
        for (; ox + L <= ow && ox * stride - pad + stride * L + fw - 2 < w; ox += L) {
          poolLanes<T>(w, fh, fw, stride, y0, ox * stride - pad, src, out + <usize>(o + ox) * size, argmax + <usize>(o + ox) * 4);
        }
      }
      for (; ox < ow; ox++) poolWindow<T>(h, w, fh, fw, stride, pad, oy, ox, src, out, argmax, o + ox);
    }
  }
}

@inline
function poolWindow<T>(
  h: i32, w: i32, fh: i32, fw: i32, stride: i32, pad: i32, oy: i32, ox: i32,
  src: usize, out: usize, argmax: usize, o: i32,
): void {
  const size = <usize>sizeof<T>();
  let best = -1;
  let max: T = <T>-Infinity;
  for (let ky = 0; ky < fh; ky++) {
    const y = oy * stride - pad + ky;
    if (y < 0 || y >= h) continue;
    for (let kx = 0; kx < fw; kx++) {
      const xx = ox * stride - pad + kx;
      if (xx < 0 || xx >= w) continue;
      const value = load<T>(src + <usize>(y * w + xx) * size);
      if (best < 0 || value > max || (value != value && max == max)) {
        best = y * w + xx;
        max = value;
      }
    }
  }
  store<T>(out + <usize>o * size, max);
  store<i32>(argmax + <usize>o * 4, best);
}

// L windows side by side, at x0, x0 + stride, …, all inside the image.
@inline
function poolLanes<T>(w: i32, fh: i32, fw: i32, stride: i32, y0: i32, x0: i32, src: usize, out: usize, argmax: usize): void {
  const size = <usize>sizeof<T>();
  let max: v128;
  let best: v128;
  if (fh == 2 && fw == 2 && stride == 2) {
    // The usual 2×2 pooling: two loads per image row give both window columns.
    const at = y0 * w + x0;
    const s0 = src + <usize>at * size;
    const s1 = s0 + <usize>w * size;
    const a0 = v128.load(s0), b0 = v128.load(s0, 16), a1 = v128.load(s1), b1 = v128.load(s1, 16);
    const index = laneIndices<T>(at, 2);
    max = evens<T>(a0, b0);
    best = index;
    const one = laneIndices<T>(1, 0), down = laneIndices<T>(w, 0);
    let value = odds<T>(a0, b0);
    let wins = beats<T>(value, max);
    max = v128.bitselect(value, max, wins);
    best = v128.bitselect(laneAdd<T>(index, one), best, wins);
    value = evens<T>(a1, b1);
    wins = beats<T>(value, max);
    max = v128.bitselect(value, max, wins);
    best = v128.bitselect(laneAdd<T>(index, down), best, wins);
    value = odds<T>(a1, b1);
    wins = beats<T>(value, max);
    max = v128.bitselect(value, max, wins);
    best = v128.bitselect(laneAdd<T>(laneAdd<T>(index, down), one), best, wins);
  } else {
    max = v128.splat<T>(0);
    best = v128.splat<i32>(0);
    for (let ky = 0; ky < fh; ky++) {
      for (let kx = 0; kx < fw; kx++) {
        const at = (y0 + ky) * w + x0 + kx;
        const s = src + <usize>at * size;
        const value = stride == 1 ? v128.load(s) : evens<T>(v128.load(s), v128.load(s, 16));
        const index = laneIndices<T>(at, stride);
        if (ky == 0 && kx == 0) {
          max = value;
          best = index;
        } else {
          const wins = beats<T>(value, max);
          max = v128.bitselect(value, max, wins);
          best = v128.bitselect(index, best, wins);
        }
      }
    }
  }
  v128.store(out, max);
  if (sizeof<T>() == 8) {
    v128.store64_lane(argmax, v128.shuffle<i32>(best, best, 0, 2, 0, 2), 0);
  } else {
    v128.store(argmax, best);
  }
}

// Lanes where `value` takes the max's place: greater, or NaN where the max so far is not.
@inline
function beats<T>(value: v128, max: v128): v128 {
  return v128.or(v128.gt<T>(value, max), v128.and(v128.ne<T>(value, value), v128.eq<T>(max, max)));
}

// Elements 0, 2, 4, … and 1, 3, 5, … of the 2L elements in a, b.
@inline
function evens<T>(a: v128, b: v128): v128 {
  if (sizeof<T>() == 8) return v128.shuffle<i64>(a, b, 0, 2);
  return v128.shuffle<i32>(a, b, 0, 2, 4, 6);
}
@inline
function odds<T>(a: v128, b: v128): v128 {
  if (sizeof<T>() == 8) return v128.shuffle<i64>(a, b, 1, 3);
  return v128.shuffle<i32>(a, b, 1, 3, 5, 7);
}

@inline
function laneAdd<T>(a: v128, b: v128): v128 {
  if (sizeof<T>() == 8) return i64x2.add(a, b);
  return i32x4.add(a, b);
}

// at, at + stride, …, one per lane, in lanes as wide as T's (so a comparison's mask selects them).
@inline
function laneIndices<T>(at: i32, stride: i32): v128 {
  if (sizeof<T>() == 8) return i64x2.add(i64x2.splat(<i64>at), i64x2(0, <i64>stride));
  return i32x4.add(i32x4.splat(at), i32x4.mul(i32x4(0, 1, 2, 3), i32x4.splat(stride)));
}

// dx zeroed for images i0..i1, then dx[plane, argmax[o]] += dout[o] in the reference's order.
// The host has checked every argmax entry of the call (firstOutside).
export function maxPoolBackward<T>(c: i32, h: i32, w: i32, oh: i32, ow: i32, i0: i32, i1: i32, dout: usize, argmax: usize, dx: usize): void {
  const size = <usize>sizeof<T>();
  const plane = h * w;
  const outs = oh * ow;
  if (i1 > i0) memory.fill(dx + <usize>(i0 * c * plane) * size, 0, <usize>((i1 - i0) * c * plane) * size);
  for (let p = i0 * c; p < i1 * c; p++) {
    const d = dx + <usize>(p * plane) * size;
    const a = argmax + <usize>(p * outs) * 4;
    const g = dout + <usize>(p * outs) * size;
    for (let o = 0; o < outs; o++) {
      const at = d + <usize>load<i32>(a + <usize>o * 4) * size;
      store<T>(at, load<T>(at) + load<T>(g + <usize>o * size));
    }
  }
}

/** Position of the first of n int32s outside 0..limit − 1, or −1 when all are inside. */
export function firstOutside(n: i32, values: usize, limit: i32): i32 {
  const bound = i32x4.splat(limit);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    // Unsigned: a negative entry reads as ≥ 2³¹, outside too.
    if (v128.any_true(i32x4.ge_u(v128.load(values + <usize>i * 4), bound))) break;
  }
  for (; i < n; i++) {
    if (<u32>load<i32>(values + <usize>i * 4) >= <u32>limit) return i;
  }
  return -1;
}
