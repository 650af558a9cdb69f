// Bytes (dataset pixels, 0..255) to floats: out = T(f64(byte) · scale). Each value is
// computed in f64 and rounded once to T, exactly as JavaScript's `floats[i] = byte * scale`
// does, so float32 results are the same bits as that loop's (an f32 product would not be).

// Four bytes widened to i32 lanes → four floats at out.
@inline
function store4<T>(q: v128, scale: v128, out: usize): void {
  const a = f64x2.mul(f64x2.convert_low_i32x4_u(q), scale);
  const b = f64x2.mul(f64x2.convert_low_i32x4_u(v128.shuffle<i32>(q, q, 2, 3, 0, 1)), scale);
  if (sizeof<T>() == 8) {
    v128.store(out, a);
    v128.store(out, b, 16);
  } else {
    v128.store(out, v128.shuffle<i32>(f32x4.demote_f64x2_zero(a), f32x4.demote_f64x2_zero(b), 0, 1, 4, 5));
  }
}

// 16 bytes at src → 16 floats at out.
@inline
function convert16<T>(src: usize, s: v128, out: usize): void {
  const size = <usize>sizeof<T>();
  const v = v128.load(src);
  const lo = i16x8.extend_low_i8x16_u(v);
  const hi = i16x8.extend_high_i8x16_u(v);
  store4<T>(i32x4.extend_low_i16x8_u(lo), s, out);
  store4<T>(i32x4.extend_high_i16x8_u(lo), s, out + 4 * size);
  store4<T>(i32x4.extend_low_i16x8_u(hi), s, out + 8 * size);
  store4<T>(i32x4.extend_high_i16x8_u(hi), s, out + 12 * size);
}

// out[0..n) = src[0..n) · scale.
export function bytesToFloats<T>(n: i32, src: usize, scale: f64, out: usize): void {
  const size = <usize>sizeof<T>();
  const s = f64x2.splat(scale);
  let i = 0;
  for (; i + 16 <= n; i += 16) convert16<T>(src + <usize>i, s, out + <usize>i * size);
  for (; i < n; i++) store<T>(out + <usize>i * size, <T>(<f64>load<u8>(src + <usize>i) * scale));
}

/** Rows gatherBytes reads ahead, AHEAD at a time (a power of two: see touch). */
const AHEAD: i32 = 32;

// Reads one byte of each cache line of a row. Wasm has no prefetch, and a load that misses
// holds up every later instruction's retirement until it completes, so one missing row at
// a time (as the conversion reads them) exposes a memory latency per row or two; touching
// the next AHEAD rows' lines together lets their misses overlap. The values go unused but
// the loads stay: a load may trap, so neither Binaryen nor V8 removes one.
@inline
function touch(row: usize, cols: i32): void {
  for (let j = 0; j < cols; j += 64) load<u8>(row + <usize>j);
  if (cols > 0) load<u8>(row + <usize>(cols - 1));
}

// out[i, :] = src[indices[i], :] · scale; indices: count i32; src: ?×cols bytes; out: count×cols.
// The source rows are scattered over a dataset far larger than the caches: the next rows'
// lines are touched AHEAD rows at a time, and rows are converted two at a time, interleaved.
export function gatherBytes<T>(count: i32, indices: usize, cols: i32, src: usize, scale: f64, out: usize): void {
  const size = <usize>sizeof<T>();
  const rowBytes = <usize>cols * size;
  const s = f64x2.splat(scale);
  const wide = cols & ~15;
  let i = 0;
  for (let t = 0; t < min(count, AHEAD); t++) touch(src + <usize>load<i32>(indices + (<usize>t << 2)) * <usize>cols, cols);
  for (; i + 1 < count; i += 2) {
    if ((i & (AHEAD - 1)) == 0) {
      for (let t = i + AHEAD; t < min(count, i + 2 * AHEAD); t++) touch(src + <usize>load<i32>(indices + (<usize>t << 2)) * <usize>cols, cols);
    }
    const s0 = src + <usize>load<i32>(indices + (<usize>i << 2)) * <usize>cols;
    const s1 = src + <usize>load<i32>(indices + (<usize>i << 2), 4) * <usize>cols;
    const d0 = out + <usize>i * rowBytes;
    const d1 = d0 + rowBytes;
    for (let j = 0; j < wide; j += 16) {
      convert16<T>(s0 + <usize>j, s, d0 + <usize>j * size);
      convert16<T>(s1 + <usize>j, s, d1 + <usize>j * size);
    }
    for (let j = wide; j < cols; j++) {
      store<T>(d0 + <usize>j * size, <T>(<f64>load<u8>(s0 + <usize>j) * scale));
      store<T>(d1 + <usize>j * size, <T>(<f64>load<u8>(s1 + <usize>j) * scale));
    }
  }
  if (i < count) bytesToFloats<T>(cols, src + <usize>load<i32>(indices + (<usize>i << 2)) * <usize>cols, scale, out + <usize>i * rowBytes);
}
