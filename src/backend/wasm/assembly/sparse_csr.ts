// The byte products of sparse_bytes.ts with op(A)'s rows kept as their nonzeros (CSR: per
// stored row r, entries offsets[r]..offsets[r + 1] of u16 columns and u8 values) and taken
// by index: a batch of a dataset compressed once reads ~150 entries per MNIST row instead of
// scanning 784 bytes, and needs no gathered copy. Each value is T(f64(byte) · scale), as
// bytesToFloats stores it; an entry whose value is 0 is skipped, as the reference skips it.
// Every element of C sums its products in op(A)'s order (NN: a row's entries as stored;
// TN: the taken rows in the order given, then each row's entries) through the same
// applyRow passes as gemmBytesBlock, so with ascending columns C is gemmBytes' bits.
//
// Columns are checked as they are read (an entry past op(A)'s width would address memory
// outside B or C): the products return 1 at the first one, having written nothing through
// it, and the host throws. Row indices and offsets are the host's to check beforehand.
//
// Also the two passes that build the CSR from a block of bytes.

import { applyRow, entryBytes } from './sparse';
import { KC, NC } from './simd';

/**
 * Bytes of per-thread scratch the CSR products use: what every thread already holds for
 * gemm's packed panels of B (KC × NC float64), so nothing grows. It holds a TN batch of
 * ~24k entries (f64; 48k in f32) in one pass: a 100-row MNIST batch has ~15k.
 */
export const CSR_SCRATCH_BYTES: i32 = KC * NC * 8;
/** Entries of one NN row gathered per pass (plus 8 records of slack: groups of eight are written whole). */
const LIST_CAP: i32 = 8192;
/** Taken rows whose CSR lines are touched together, this many rows ahead of their use. */
const AHEAD: i32 = 16;
/** TN pixels (rows of C) handled per walk of the entries: their starts and cursors take 128 KiB. */
const PIXEL_CAP: i32 = 16384;

// Reads one byte of each cache line of the CSR rows rows[t0..t1) (their offsets, columns and
// values) so that their misses overlap: a batch's rows lie scattered over the dataset, and
// each row's loads would otherwise wait on its offsets' miss, then its entries', one row at
// a time. Returns the bytes read, summed, for the caller to keep, so the loads stay.
@inline
function touchRows(rows: usize, t0: i32, t1: i32, offsets: usize, columns: usize, values: usize): u32 {
  let sum: u32 = 0;
  for (let t = t0; t < t1; t++) {
    const row = <usize>load<i32>(rows + (<usize>t << 2));
    const e0 = <usize>load<u32>(offsets + (row << 2));
    const e1 = <usize>load<u32>(offsets + (row << 2), 4);
    for (let q = (columns + (e0 << 1)) & ~(<usize>63); q < columns + (e1 << 1); q += 64) sum += load<u8>(q);
    for (let q = (values + e0) & ~(<usize>63); q < values + e1; q += 64) sum += load<u8>(q);
  }
  return sum;
}

// Eight CSR entries (columns at cp, values at vp) as eight list records at r: B's row
// b + column · ldb, and T(f64(byte) · scale), computed as sparse_bytes.ts pairOf/quadOf do.
@inline
function listEight<T>(r: usize, cp: usize, vp: usize, ldbV: v128, bV: v128, s: v128): void {
  const cv = v128.load(cp);
  const aLo = i32x4.add(i32x4.mul(i32x4.extend_low_i16x8_u(cv), ldbV), bV);
  const aHi = i32x4.add(i32x4.mul(i32x4.extend_high_i16x8_u(cv), ldbV), bV);
  const w = i16x8.extend_low_i8x16_u(v128.load64_zero(vp));
  const q0 = i32x4.extend_low_i16x8_u(w), q1 = i32x4.extend_high_i16x8_u(w);
  const p0 = f64x2.mul(f64x2.convert_low_i32x4_u(q0), s);
  const p1 = f64x2.mul(f64x2.convert_low_i32x4_u(i32x4.shuffle(q0, q0, 2, 3, 0, 1)), s);
  const p2 = f64x2.mul(f64x2.convert_low_i32x4_u(q1), s);
  const p3 = f64x2.mul(f64x2.convert_low_i32x4_u(i32x4.shuffle(q1, q1, 2, 3, 0, 1)), s);
  if (sizeof<T>() == 8) {
    const l = i64x2.extend_low_i32x4_u(aLo), h = i64x2.extend_high_i32x4_u(aLo);
    const l2 = i64x2.extend_low_i32x4_u(aHi), h2 = i64x2.extend_high_i32x4_u(aHi);
    v128.store(r, i64x2.shuffle(l, p0, 0, 2));
    v128.store(r, i64x2.shuffle(l, p0, 1, 3), 16);
    v128.store(r, i64x2.shuffle(h, p1, 0, 2), 32);
    v128.store(r, i64x2.shuffle(h, p1, 1, 3), 48);
    v128.store(r, i64x2.shuffle(l2, p2, 0, 2), 64);
    v128.store(r, i64x2.shuffle(l2, p2, 1, 3), 80);
    v128.store(r, i64x2.shuffle(h2, p3, 0, 2), 96);
    v128.store(r, i64x2.shuffle(h2, p3, 1, 3), 112);
  } else {
    const f0 = i32x4.shuffle(f32x4.demote_f64x2_zero(p0), f32x4.demote_f64x2_zero(p1), 0, 1, 4, 5);
    const f1 = i32x4.shuffle(f32x4.demote_f64x2_zero(p2), f32x4.demote_f64x2_zero(p3), 0, 1, 4, 5);
    v128.store(r, i32x4.shuffle(aLo, f0, 0, 4, 1, 5));
    v128.store(r, i32x4.shuffle(aLo, f0, 2, 6, 3, 7), 16);
    v128.store(r, i32x4.shuffle(aHi, f1, 0, 4, 1, 5), 32);
    v128.store(r, i32x4.shuffle(aHi, f1, 2, 6, 3, 7), 48);
  }
}

// Appends entries e..end one at a time (a row's last few, or a group holding a zero value):
// returns the new write position, or 0 at a column ≥ width.
@inline
function listEach<T>(r: usize, e: i32, end: i32, columns: usize, values: usize, width: i32, scale: f64, b: usize, ldbBytes: usize): usize {
  for (; e < end; e++) {
    const column = <i32>load<u16>(columns + (<usize>e << 1));
    if (column >= width) return 0;
    const v = <T>(<f64>load<u8>(values + <usize>e) * scale);
    store<u32>(r, <u32>(b + <usize>column * ldbBytes));
    store<T>(r, v, sizeof<T>());
    r += <usize>(v != 0) * entryBytes<T>(); // a zero value's record is overwritten by the next
  }
  return r;
}

// NN: C[i, :] (=|+=) Σ_e T(values[e] · scale) · B[columns[e], :] over the entries of stored
// row rows[i], for i in i0..i1. Pointers are bytes, at element (0, 0); strides in elements.
//   rows: Int32 row indices (checked); offsets: Int32 (checked for those rows)
//   limit: entries readable at columns/values (a group of eight may read past a row's end)
//   width: k, B's rows; b: k×n (T), ldb; c: m×n (T), ldc; scratch: CSR_SCRATCH_BYTES
export function gemmCsrNN<T>(
  rows: usize, offsets: usize, columns: usize, values: usize, limit: i32, scale: f64, width: i32,
  b: usize, ldb: i32, beta: i32, c: usize, ldc: i32, n: i32, i0: i32, i1: i32, scratch: usize,
): i32 {
  const size = sizeof<T>();
  const R = entryBytes<T>();
  const ldbBytes = <usize>ldb * size;
  const s = f64x2.splat(scale);
  const ldbV = i32x4.splat(<i32>ldbBytes), bV = i32x4.splat(<i32>b);
  // Eight at a time needs every nonzero byte's value nonzero (scale's is the smallest) and
  // a width the u16 comparison can hold; a width of 0 has no valid column at all.
  const vector = <T>scale != 0 && width > 0;
  const lastV = i16x8.splat(<i16>(min(width, 65536) - 1));
  const zero = i8x16.splat(0);
  const list = scratch;
  let touched = touchRows(rows, i0, min(i1, i0 + AHEAD), offsets, columns, values);
  for (let i = i0; i < i1; i++) {
    if (((i - i0) & (AHEAD - 1)) == 0) touched += touchRows(rows, i + AHEAD, min(i1, i + 2 * AHEAD), offsets, columns, values);
    const row = <usize>load<i32>(rows + (<usize>i << 2));
    let e = load<i32>(offsets + (row << 2));
    const e1 = load<i32>(offsets + (row << 2), 4);
    const cRow = c + <usize>i * ldc * size;
    let accumulate = beta != 0;
    // At least one pass even for an empty row, so beta = 0 still writes zeros.
    do {
      const end = min(e1, e + LIST_CAP);
      let r = list;
      let t = e;
      if (vector) {
        for (; t < end && t + 8 <= limit; t += 8) {
          const valid = min(8, end - t);
          const lanes = (1 << valid) - 1;
          if ((i16x8.bitmask(i16x8.gt_u(v128.load(columns + (<usize>t << 1)), lastV)) & lanes) != 0) return 1;
          if ((i8x16.bitmask(i8x16.eq(v128.load64_zero(values + <usize>t), zero)) & lanes) != 0) {
            r = listEach<T>(r, t, t + valid, columns, values, width, scale, b, ldbBytes);
          } else {
            listEight<T>(r, columns + (<usize>t << 1), values + <usize>t, ldbV, bV, s);
            r += <usize>valid * R;
          }
        }
      }
      if (t < end) {
        r = listEach<T>(r, t, end, columns, values, width, scale, b, ldbBytes);
        if (r == 0) return 1;
      }
      applyRow<T>(<i32>((r - list) / R), list, cRow, n, accumulate);
      accumulate = true;
      e = end;
    } while (e < e1);
  }
  store<u32>(scratch, touched); // keeps the touches (the list there is spent)
  return 0;
}

// Stores the entries at ip..end (columns; values at vp) in range q0..q0 + P at their
// pixels' cursors, as records of B's row bRow and the value from table. Returns 1 when a
// value is 0 (a stored 0 byte, or a scale that rounds one to 0), which dropZeros then removes.
@inline
function scatterRow<T>(ranged: bool, ip: usize, end: usize, vp: usize, q0: u32, P: u32, cursors: usize, lists: usize, table: usize, bRow: u32): i32 {
  let zero = 0;
  for (; ip < end; ip += 2, vp++) {
    const u = <u32>load<u16>(ip) - q0;
    if (ranged && u >= P) continue;
    const cur = cursors + (<usize>u << 2);
    const slot = load<u32>(cur);
    const v = load<T>(table + (<usize>load<u8>(vp) << alignof<T>()));
    const record = lists + <usize>slot * entryBytes<T>();
    store<u32>(record, bRow);
    store<T>(record, v, sizeof<T>());
    store<u32>(cur, slot + 1);
    zero |= <i32>(v == 0);
  }
  return zero;
}

// Removes the records of value 0 from each pixel's list (kept in order), moving its cursor back.
function dropZeros<T>(P: u32, starts: usize, cursors: usize, lists: usize): void {
  const R = entryBytes<T>();
  for (let u: u32 = 0; u < P; u++) {
    const end = lists + <usize>load<u32>(cursors + (<usize>u << 2)) * R;
    let to = lists + <usize>load<u32>(starts + (<usize>u << 2)) * R;
    for (let r = to; r < end; r += R) {
      if (load<T>(r, sizeof<T>()) == 0) continue;
      if (r != to) memory.copy(to, r, R);
      to += R;
    }
    store<u32>(cursors + (<usize>u << 2), <u32>((to - lists) / R));
  }
}

// TN: C[p, :] (=|+=) Σ T(value · scale) · B[i, :] over the taken rows i (in the order given)
// and their entries in column p, for the pixels p in p0..p1 (C's rows: a task's share). A
// counting transposition: the entries in range are counted per pixel, each pixel gets a
// list of that many records, and the taken rows are walked again in order, each entry
// stored at its pixel's cursor, so every list holds its pixel's terms in op(A)'s order;
// then each list is applied. Entries beyond the list space run in further passes, which
// accumulate; pixels beyond PIXEL_CAP in further walks.
//   count: taken rows (k); b: k×n (T), ldb; c: width×n (T), ldc; scratch: CSR_SCRATCH_BYTES:
//   value table (256 T, room for f64), then per walk starts and cursors (a u32 per pixel) and the lists
export function gemmCsrTN<T>(
  count: i32, rows: usize, offsets: usize, columns: usize, values: usize, scale: f64, width: i32,
  b: usize, ldb: i32, beta: i32, c: usize, ldc: i32, n: i32, p0: i32, p1: i32, scratch: usize,
): i32 {
  const size = sizeof<T>();
  const R = entryBytes<T>();
  const ldbBytes = <usize>ldb * size;
  const ldcBytes = <usize>ldc * size;
  const table = scratch;
  for (let v = 0; v < 256; v++) store<T>(table + <usize>v * size, <T>(<f64>v * scale));
  const starts = table + 256 * 8;
  let touched: u32 = 0;
  for (let q0 = p0; q0 < p1; q0 += PIXEL_CAP) {
    const P = <u32>min(PIXEL_CAP, p1 - q0);
    const cursors = starts + (<usize>P << 2);
    const lists = (cursors + (<usize>P << 2) + 15) & ~(<usize>15);
    const cap = <u32>((<usize>CSR_SCRATCH_BYTES - (lists - scratch)) / R);
    let accumulate = beta != 0;
    // The walk's position: taken row i, entry e of it.
    let i = 0;
    let e = count > 0 ? load<i32>(offsets + (<usize>load<i32>(rows) << 2)) : 0;
    do {
      const si = i, se = e;
      memory.fill(starts, 0, <usize>P << 2);
      let total: u32 = 0;
      let full = false;
      for (; i < count; ) {
        if ((i & (AHEAD - 1)) == 0 && e == load<i32>(offsets + (<usize>load<i32>(rows + (<usize>i << 2)) << 2))) {
          touched += touchRows(rows, i == 0 ? 0 : i + AHEAD, min(count, i + 2 * AHEAD), offsets, columns, values);
        }
        const row = <usize>load<i32>(rows + (<usize>i << 2));
        const e1 = load<i32>(offsets + (row << 2), 4);
        if (<u32>(e1 - e) <= cap - total) {
          // The rest of the row fits whatever its columns: counted without testing for room.
          const end = columns + (<usize>e1 << 1);
          let kept: u32 = 0;
          for (let ip = columns + (<usize>e << 1); ip < end; ip += 2) {
            const column = <u32>load<u16>(ip);
            const u = column - <u32>q0;
            if (u < P) {
              const at = starts + (<usize>u << 2);
              store<u32>(at, load<u32>(at) + 1);
              kept++;
            } else if (column >= <u32>width) {
              return 1;
            }
          }
          total += kept;
          e = e1;
        } else {
          for (; e < e1; e++) {
            if (total == cap) {
              full = true;
              break;
            }
            const column = <u32>load<u16>(columns + (<usize>e << 1));
            const u = column - <u32>q0;
            if (u < P) {
              const at = starts + (<usize>u << 2);
              store<u32>(at, load<u32>(at) + 1);
              total++;
            } else if (column >= <u32>width) {
              return 1;
            }
          }
          if (full) break;
        }
        i++;
        if (i < count) e = load<i32>(offsets + (<usize>load<i32>(rows + (<usize>i << 2)) << 2));
      }
      // Counts to starts (in records from lists), and cursors at the starts.
      let at: u32 = 0;
      for (let u: u32 = 0; u < P; u++) {
        const k = load<u32>(starts + (<usize>u << 2));
        store<u32>(starts + (<usize>u << 2), at);
        store<u32>(cursors + (<usize>u << 2), at);
        at += k;
      }
      // The same entries again, each at its pixel's cursor. A task holding every pixel
      // (and its columns all checked) needs no range test.
      const ranged = q0 != 0 || <i32>P < width;
      let zeros = 0;
      for (let t = si; t <= i && t < count; t++) {
        const row = <usize>load<i32>(rows + (<usize>t << 2));
        const a = t == si ? se : load<i32>(offsets + (row << 2));
        const z = t == i ? e : load<i32>(offsets + (row << 2), 4);
        const bRow = <u32>(b + <usize>t * ldbBytes);
        zeros |= ranged
          ? scatterRow<T>(true, columns + (<usize>a << 1), columns + (<usize>z << 1), values + <usize>a, <u32>q0, P, cursors, lists, table, bRow)
          : scatterRow<T>(false, columns + (<usize>a << 1), columns + (<usize>z << 1), values + <usize>a, <u32>q0, P, cursors, lists, table, bRow);
      }
      if (zeros != 0) dropZeros<T>(P, starts, cursors, lists);
      let cRow = c + <usize>q0 * ldcBytes;
      for (let u: u32 = 0; u < P; u++) {
        const start = load<u32>(starts + (<usize>u << 2));
        const kept = <i32>(load<u32>(cursors + (<usize>u << 2)) - start);
        if (kept != 0) applyRow<T>(kept, lists + <usize>start * R, cRow, n, accumulate);
        else if (!accumulate) memory.fill(cRow, 0, <usize>n * size);
        cRow += ldcBytes;
      }
      accumulate = true;
      if (!full) break;
    } while (true);
  }
  store<u32>(scratch, touched); // keeps the touches (the table there is spent)
  return 0;
}

// ---------------------------------------------------------------------------------------
// Building the CSR of a rows×cols block of bytes (row stride cols), in two passes.

/** offsets[0] = 0, offsets[r + 1] = offsets[r] + row r's nonzero bytes (Int32 offsets); returns the total. */
export function nonzeroOffsets(rows: i32, cols: i32, src: usize, offsets: usize): u32 {
  const zero = i8x16.splat(0);
  let total: u32 = 0;
  store<u32>(offsets, 0);
  for (let r = 0; r < rows; r++) {
    const p = src + <usize>r * cols;
    let j = 0;
    for (; j + 16 <= cols; j += 16) total += <u32>popcnt(i8x16.bitmask(i8x16.ne(v128.load(p + <usize>j), zero)));
    for (; j < cols; j++) total += <u32>(load<u8>(p + <usize>j) != 0);
    store<u32>(offsets + (<usize>(r + 1) << 2), total);
  }
  return total;
}

// Each row's nonzero bytes, ascending, into columns (u16) and values (u8) from offsets[r].
// The offsets are the host's to check for order and room (offsets[rows] entries fit); the
// count is this pass's: returns the first row whose nonzeros do not fill exactly
// offsets[r]..offsets[r + 1] (having written nothing past it), or −1.
export function compressBytes(rows: i32, cols: i32, src: usize, offsets: usize, columns: usize, values: usize): i32 {
  const zero = i8x16.splat(0);
  for (let r = 0; r < rows; r++) {
    const p = src + <usize>r * cols;
    let e = load<i32>(offsets + (<usize>r << 2));
    const end = load<i32>(offsets + (<usize>r << 2), 4);
    let j = 0;
    for (; j + 16 <= cols; j += 16) {
      let m = i8x16.bitmask(i8x16.ne(v128.load(p + <usize>j), zero));
      if (m == 0) continue;
      if (e + popcnt(m) > end) return r;
      do {
        const t = ctz(m);
        store<u16>(columns + (<usize>e << 1), <u16>(j + t));
        store<u8>(values + <usize>e, load<u8>(p + <usize>(j + t)));
        e++;
        m &= m - 1;
      } while (m != 0);
    }
    for (; j < cols; j++) {
      const v = load<u8>(p + <usize>j);
      if (v == 0) continue;
      if (e == end) return r;
      store<u16>(columns + (<usize>e << 1), <u16>j);
      store<u8>(values + <usize>e, v);
      e++;
    }
    if (e != end) return r;
  }
  return -1;
}
