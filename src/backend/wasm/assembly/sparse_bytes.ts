// The zero-skipping GEMM of sparse.ts with op(A) held as bytes: a_ip = T(f64(byte) · scale),
// the value bytesToFloats would store, so C is the same bits as converting A to floats and
// running gemmSparseBlock on them, without ever writing the floats. A dataset's images
// (MNIST: 81% of pixels are 0) go straight into the first layer's products: a 784-pixel row
// is 49 vector loads here against 392 for its float64 copy, and only nonzero pixels cost more.
//
// Same order as sparse.ts: each element of C sums its nonzero a_ip · B[p, j] in ascending p,
// starting from 0 (beta = 0) or C (beta = 1), in passes of at most LIST_CAP entries.

import { append, applyRow, entryBytes, laneOf, storeEntry } from './sparse';

/** Entries gathered per pass of a row (fits SPARSE_SCRATCH_BYTES: LIST_CAP entries of ≤ 16 bytes). */
const LIST_CAP: i32 = 8192;
/** Rows of C a transposed A yields together: eight adjacent bytes of a row of A. */
const GROUP: i32 = 8;
/** Entries per row of a group per pass: GROUP lists of GROUP_CAP entries (≤ 16 bytes). */
const GROUP_CAP: i32 = 1024;

// Bytes 2k and 2k + 1 of raw's low eight as an f64x2 of f64(byte) · scale, as bytesToFloats
// computes them (Binaryen shares the widening between the calls once they are inlined).
@inline
function pairOf(raw: v128, s: v128, k: i32): v128 {
  const w = i16x8.extend_low_i8x16_u(raw);
  const q = k < 2 ? i32x4.extend_low_i16x8_u(w) : i32x4.extend_high_i16x8_u(w);
  return f64x2.mul(f64x2.convert_low_i32x4_u((k & 1) != 0 ? i32x4.shuffle(q, q, 2, 3, 0, 1) : q), s);
}

// Bytes 4h … 4h + 3 of raw's low eight as f32x4, each rounded once from its f64 value.
@inline
function quadOf(raw: v128, s: v128, h: i32): v128 {
  return i32x4.shuffle(f32x4.demote_f64x2_zero(pairOf(raw, s, 2 * h)), f32x4.demote_f64x2_zero(pairOf(raw, s, 2 * h + 1)), 0, 1, 4, 5);
}

// The vector holding the value of byte t of raw's low eight (f64: its pair; f32: its quad),
// in lane laneOf<T>(t), as sparse.ts vectorOf holds eight floats.
@inline
function valuesOf<T>(raw: v128, s: v128, t: i32): v128 {
  return sizeof<T>() == 8 ? pairOf(raw, s, t >> 1) : quadOf(raw, s, t >> 2);
}

// Appends the nonzero bytes among the eight at ap (raw: those bytes, mask: their nonzero
// bits), in order, to a list of count entries, as in sparse.ts appendGroup: element t's slot
// is count plus the nonzeros before it, so the eight stores do not wait on one another.
@inline
function appendBytes8<T>(list: usize, count: i32, raw: v128, m: i32, s: v128, bp: u32, ldb: u32): i32 {
  const R = entryBytes<T>();
  const r = list + <usize>count * R;
  storeEntry<T>(r, bp, valuesOf<T>(raw, s, 0), laneOf<T>(0));
  storeEntry<T>(r + <usize>(m & 1) * R, bp + ldb, valuesOf<T>(raw, s, 1), laneOf<T>(1));
  storeEntry<T>(r + <usize>popcnt<i32>(m & 3) * R, bp + ldb * 2, valuesOf<T>(raw, s, 2), laneOf<T>(2));
  storeEntry<T>(r + <usize>popcnt<i32>(m & 7) * R, bp + ldb * 3, valuesOf<T>(raw, s, 3), laneOf<T>(3));
  storeEntry<T>(r + <usize>popcnt<i32>(m & 15) * R, bp + ldb * 4, valuesOf<T>(raw, s, 4), laneOf<T>(4));
  storeEntry<T>(r + <usize>popcnt<i32>(m & 31) * R, bp + ldb * 5, valuesOf<T>(raw, s, 5), laneOf<T>(5));
  storeEntry<T>(r + <usize>popcnt<i32>(m & 63) * R, bp + ldb * 6, valuesOf<T>(raw, s, 6), laneOf<T>(6));
  storeEntry<T>(r + <usize>popcnt<i32>(m & 127) * R, bp + ldb * 7, valuesOf<T>(raw, s, 7), laneOf<T>(7));
  return count + popcnt<i32>(m);
}

// C[i0..i1, j0..j1) = op(A)·B (+ C when beta = 1), op(A) = bytes · scale, zeros skipped.
// Pointers are bytes, already offset to element (0, 0); strides in elements (A's in bytes).
//   a: op(A) m×k, stored m×k bytes (lda ≥ k), or k×m (lda ≥ m) when transA
//   b: B k×n (T), ldb ≥ n;  c: m×n (T), ldc ≥ n
//   scratch: SPARSE_SCRATCH_BYTES
export function gemmBytesBlock<T>(
  transA: bool, k: i32, a: usize, lda: i32, scale: f64, b: usize, ldb: i32, beta: i32, c: usize, ldc: i32,
  i0: i32, i1: i32, j0: i32, j1: i32, scratch: usize,
): void {
  const size = sizeof<T>();
  const ldbBytes = <usize>ldb * size;
  const ldb32 = <u32>ldbBytes;
  const bCol = b + <usize>j0 * size;
  const n = j1 - j0;
  const s = f64x2.splat(scale);
  const zero = i8x16.splat(0);
  if (!transA) {
    const list = scratch;
    for (let i = i0; i < i1; i++) {
      const cRow = c + (<usize>i * ldc + j0) * size;
      const aRow = a + <usize>i * lda;
      let p = 0;
      let accumulate = beta != 0;
      // At least one pass even for k = 0 or an all-zero row, so beta = 0 still writes zeros.
      do {
        const end = min(k, p + LIST_CAP);
        let count = 0;
        // Sixteen pixels per test (MNIST's borders); then eight at a time, branch-free.
        for (; p + 16 <= end; p += 16) {
          const v = v128.load(aRow + <usize>p);
          const m = i8x16.bitmask(i8x16.ne(v, zero));
          if (m == 0) continue;
          const bp = <u32>(bCol + <usize>p * ldbBytes);
          if ((m & 0xFF) != 0) count = appendBytes8<T>(list, count, v, m & 0xFF, s, bp, ldb32);
          if ((m >> 8) != 0) count = appendBytes8<T>(list, count, i64x2.shuffle(v, v, 1, 0), m >> 8, s, bp + ldb32 * 8, ldb32);
        }
        for (; p < end; p++) {
          const byte = load<u8>(aRow + <usize>p);
          if (byte != 0) count = append<T>(list, count, <T>(<f64>byte * scale), <u32>(bCol + <usize>p * ldbBytes));
        }
        applyRow<T>(count, list, cRow, n, accumulate);
        accumulate = true;
      } while (p < k);
    }
    return;
  }
  // A row of op(A) is a column of A. Walk A's rows, eight adjacent bytes (eight rows of C)
  // at a time, each row of A appending to all eight rows' lists branch-free (an entry is
  // kept where its byte is nonzero), as sparse.ts does; then apply the lists.
  //   list t: GROUP_CAP entries
  const R = entryBytes<T>();
  const listBytes = <usize>GROUP_CAP * R;
  const l0 = scratch, l1 = l0 + listBytes, l2 = l1 + listBytes, l3 = l2 + listBytes;
  const l4 = l3 + listBytes, l5 = l4 + listBytes, l6 = l5 + listBytes, l7 = l6 + listBytes;
  const ldcBytes = <usize>ldc * size;
  for (let r0 = i0; r0 < i1; r0 += GROUP) {
    const g = min(GROUP, i1 - r0);
    const aCols = a + <usize>r0;
    let q = 0;
    let accumulate = beta != 0;
    do {
      const end = min(k, q + GROUP_CAP);
      let c0 = 0, c1 = 0, c2 = 0, c3 = 0, c4 = 0, c5 = 0, c6 = 0, c7 = 0;
      for (; q < end; q++) {
        const ar = aCols + <usize>q * lda;
        let raw: v128;
        if (g == GROUP) {
          // A full group reads its eight bytes at once: all-zero runs (MNIST's borders) cost one test.
          if (load<u64>(ar) == 0) continue;
          raw = v128.load64_zero(ar);
        } else {
          // A partial group never reads past column r0 + g: it may be the end of A.
          let word: u64 = 0;
          for (let t = 0; t < g; t++) word |= <u64>load<u8>(ar + <usize>t) << (<u64>t * 8);
          if (word == 0) continue;
          raw = i64x2.splat(<i64>word);
        }
        const m = i8x16.bitmask(i8x16.ne(raw, zero)) & 0xFF;
        const bq = <u32>(bCol + <usize>q * ldbBytes);
        storeEntry<T>(l0 + <usize>c0 * R, bq, valuesOf<T>(raw, s, 0), laneOf<T>(0)); c0 += m & 1;
        storeEntry<T>(l1 + <usize>c1 * R, bq, valuesOf<T>(raw, s, 1), laneOf<T>(1)); c1 += (m >> 1) & 1;
        storeEntry<T>(l2 + <usize>c2 * R, bq, valuesOf<T>(raw, s, 2), laneOf<T>(2)); c2 += (m >> 2) & 1;
        storeEntry<T>(l3 + <usize>c3 * R, bq, valuesOf<T>(raw, s, 3), laneOf<T>(3)); c3 += (m >> 3) & 1;
        storeEntry<T>(l4 + <usize>c4 * R, bq, valuesOf<T>(raw, s, 4), laneOf<T>(4)); c4 += (m >> 4) & 1;
        storeEntry<T>(l5 + <usize>c5 * R, bq, valuesOf<T>(raw, s, 5), laneOf<T>(5)); c5 += (m >> 5) & 1;
        storeEntry<T>(l6 + <usize>c6 * R, bq, valuesOf<T>(raw, s, 6), laneOf<T>(6)); c6 += (m >> 6) & 1;
        storeEntry<T>(l7 + <usize>c7 * R, bq, valuesOf<T>(raw, s, 7), laneOf<T>(7)); c7 += (m >> 7) & 1;
      }
      // Rows of C past r0 + g (a partial group) have empty lists and are not applied.
      const cRow = c + (<usize>r0 * ldc + j0) * size;
      applyRow<T>(c0, l0, cRow, n, accumulate);
      if (g > 1) applyRow<T>(c1, l1, cRow + ldcBytes, n, accumulate);
      if (g > 2) applyRow<T>(c2, l2, cRow + ldcBytes * 2, n, accumulate);
      if (g > 3) applyRow<T>(c3, l3, cRow + ldcBytes * 3, n, accumulate);
      if (g > 4) applyRow<T>(c4, l4, cRow + ldcBytes * 4, n, accumulate);
      if (g > 5) applyRow<T>(c5, l5, cRow + ldcBytes * 5, n, accumulate);
      if (g > 6) applyRow<T>(c6, l6, cRow + ldcBytes * 6, n, accumulate);
      if (g > 7) applyRow<T>(c7, l7, cRow + ldcBytes * 7, n, accumulate);
      accumulate = true;
    } while (q < k);
  }
}

// Zero bytes in a rows×cols block with row stride ld, counted row by row until the count
// reaches target or can no longer reach it (sparse.ts countZeros, for bytes): the result is
// ≥ target exactly when the whole block has ≥ target zeros.
export function countZeroBytes(rows: i32, cols: i32, a: usize, ld: i32, target: i32): i32 {
  let zeros: i64 = 0;
  for (let r = 0; r < rows; r++) {
    if (zeros >= <i64>target || zeros + <i64>(rows - r) * cols < <i64>target) break;
    const p = a + <usize>r * ld;
    let row = 0;
    let j = 0;
    for (; j + 16 <= cols; j += 16) row += <i32>popcnt(i8x16.bitmask(i8x16.eq(v128.load(p + <usize>j), i8x16.splat(0))));
    for (; j < cols; j++) row += <i32>(load<u8>(p + <usize>j) == 0);
    zeros += row;
  }
  return <i32>min(zeros, <i64>i32.MAX_VALUE);
}
