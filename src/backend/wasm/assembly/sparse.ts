// GEMM for an op(A) that is mostly zeros (MNIST pixels: ~81% exactly 0), generic over the
// element type (f64 → f64x2 lanes, f32 → f32x4 lanes). B is not transposed.
//
// Each row i of C is C[i, :] = Σ_p a_ip · B[p, :] over the row's nonzero a_ip, in ascending
// p, starting from 0 (beta = 0) or C[i, :] (beta = 1): the reference's i-p-j order, so an
// element's sum never depends on which thread computes it or where its block starts (and in
// float64 it equals the reference's to the bit). The row's nonzeros are gathered into
// scratch first; then C's row is swept in passes of a few vectors held in v128 locals,
// each pass streaming the gathered rows of B.

import { lanes, splatLoad1 } from './simd';

/** Entries of op(A) gathered per pass: bounds the scratch whatever k is. */
const SPARSE_CAP: i32 = 8192;
/** Rows of A (not transposed) whose cache lines are touched together, this many ahead. */
const TOUCH_ROWS: i32 = 16;
/** A block of A's rows at least this large (beyond L2) has its next rows touched ahead. */
const TOUCH_MIN_BYTES: i32 = 2 << 20;
/** Rows of C whose entries a transposed A yields together (one 8-element run per row of A). */
const GROUP: i32 = 8;
/** Depth gathered per pass for each row of a group. */
const GROUP_CAP: i32 = SPARSE_CAP / GROUP;

/** Bytes of scratch the sparse path needs: a list of SPARSE_CAP entries (≤ 16 B each:
 * entryBytes), GROUP lists of GROUP_CAP, or a panel of GROUP_CAP × GROUP values and u32s
 * plus one list of GROUP_CAP. */
export const SPARSE_SCRATCH_BYTES: i32 = max(SPARSE_CAP * 16, GROUP_CAP * (GROUP * 8 + 4 + 16));

// A gathered entry of op(A): the u32 address of its row of B, then its value (T) at offset
// sizeof<T>(), in one record so that a pass over the list walks one pointer.
@inline
export function entryBytes<T>(): usize {
  return 2 * sizeof<T>();
}

// Element t of eight values held in v0…v3 (f64: two per vector, so all four; f32: four per
// vector, so v0 and v1): its vector, and its lane in it. Constant t folds both to one.
@inline
export function vectorOf<T>(t: i32, v0: v128, v1: v128, v2: v128, v3: v128): v128 {
  const i = sizeof<T>() == 8 ? t >> 1 : t >> 2;
  return i == 0 ? v0 : i == 1 ? v1 : i == 2 ? v2 : v3;
}
@inline
export function laneOf<T>(t: i32): i32 {
  return sizeof<T>() == 8 ? t & 1 : t & 3;
}

// Writes an entry at record r: the u32 address of its row of B, then lane `lane` of f.
@inline
export function storeEntry<T>(r: usize, bRow: u32, f: v128, lane: i32): void {
  store<u32>(r, bRow);
  if (sizeof<T>() == 8) {
    if (lane == 0) v128.store64_lane(r, f, 0, 8);
    else v128.store64_lane(r, f, 1, 8);
  } else {
    if (lane == 0) v128.store32_lane(r, f, 0, 4);
    else if (lane == 1) v128.store32_lane(r, f, 1, 4);
    else if (lane == 2) v128.store32_lane(r, f, 2, 4);
    else v128.store32_lane(r, f, 3, 4);
  }
}

// Zeros (±0) in a rows×cols block with row stride ld (elements), counted row by row until
// the count reaches target or can no longer reach it: the result is ≥ target exactly when
// the whole block has ≥ target zeros, which is all the caller asks.
export function countZeros<T>(rows: i32, cols: i32, a: usize, ld: i32, target: i32): i32 {
  const size = sizeof<T>();
  const L = lanes<T>();
  const zero = v128.splat<T>(0);
  let zeros: i64 = 0;
  for (let r = 0; r < rows; r++) {
    if (zeros >= <i64>target || zeros + <i64>(rows - r) * cols < <i64>target) break;
    let p = a + <usize>r * ld * size;
    // Lane masks are all ones (−1) where an element is zero; subtracting them as i32 lanes
    // counts each f32 zero once and each f64 zero twice (its two halves).
    let acc = i32x4.splat(0);
    let j = 0;
    for (; j + 2 * L <= cols; j += 2 * L) {
      acc = i32x4.sub(acc, v128.eq<T>(v128.load(p), zero));
      acc = i32x4.sub(acc, v128.eq<T>(v128.load(p, 16), zero));
      p += 32;
    }
    for (; j + L <= cols; j += L) {
      acc = i32x4.sub(acc, v128.eq<T>(v128.load(p), zero));
      p += 16;
    }
    let row = i32x4.extract_lane(acc, 0) + i32x4.extract_lane(acc, 1) + i32x4.extract_lane(acc, 2) + i32x4.extract_lane(acc, 3);
    if (size == 8) row >>= 1;
    for (; j < cols; j++) {
      row += <i32>(load<T>(p) == 0);
      p += size;
    }
    zeros += row;
  }
  return <i32>min(zeros, <i64>i32.MAX_VALUE);
}

// The first e lanes (0 < e < L) of the T vector at p, the other lanes zero. Lanes are
// loaded one by one so a row's last elements may end wasm memory: nothing past them is read.
@inline
function loadPart<T>(p: usize, e: i32): v128 {
  if (sizeof<T>() == 8) return v128.load64_zero(p);
  if (e == 1) return v128.load32_zero(p);
  const v = v128.load64_zero(p);
  if (e == 2) return v;
  return v128.load32_lane(p, v, 2, 8);
}

// Stores the first e lanes (0 < e < L) of v at p, and nothing past them.
@inline
function storePart<T>(p: usize, v: v128, e: i32): void {
  if (sizeof<T>() == 8) {
    v128.store64_lane(p, v, 0);
  } else if (e == 1) {
    v128.store32_lane(p, v, 0);
  } else {
    v128.store64_lane(p, v, 0);
    if (e == 3) v128.store32_lane(p, v, 2, 8);
  }
}

// One pass over a row's list: C[0, 0..W·L + e) (=|+=) Σ v_e · B_e[off ..], with c at the
// pass's first column and off its byte offset in B's rows. W whole vectors (0..8, a
// constant at each call site, so the unused accumulators and their tests fold away), then,
// when e > 0, the first e lanes of one more: a row's narrow end rides along a wide pass
// instead of taking passes of its own, each bound by the latency of one add per entry.
@inline
function sweep<T>(W: i32, e: i32, count: i32, list: usize, off: usize, c: usize, accumulate: bool): void {
  const cp = c + <usize>W * 16;
  let c0 = v128.splat<T>(0), c1 = v128.splat<T>(0), c2 = v128.splat<T>(0), c3 = v128.splat<T>(0);
  let c4 = v128.splat<T>(0), c5 = v128.splat<T>(0), c6 = v128.splat<T>(0), c7 = v128.splat<T>(0), cx = v128.splat<T>(0);
  if (accumulate) {
    if (W > 0) c0 = v128.load(c);
    if (W > 1) c1 = v128.load(c, 16);
    if (W > 2) c2 = v128.load(c, 32);
    if (W > 3) c3 = v128.load(c, 48);
    if (W > 4) c4 = v128.load(c, 64);
    if (W > 5) c5 = v128.load(c, 80);
    if (W > 6) c6 = v128.load(c, 96);
    if (W > 7) c7 = v128.load(c, 112);
    if (e > 0) cx = loadPart<T>(cp, e);
  }
  const end = list + <usize>count * entryBytes<T>();
  for (let r = list; r < end; r += entryBytes<T>()) {
    const bp = <usize>load<u32>(r) + off;
    const x = splatLoad1<T>(r);
    if (W > 0) c0 = v128.add<T>(c0, v128.mul<T>(x, v128.load(bp)));
    if (W > 1) c1 = v128.add<T>(c1, v128.mul<T>(x, v128.load(bp, 16)));
    if (W > 2) c2 = v128.add<T>(c2, v128.mul<T>(x, v128.load(bp, 32)));
    if (W > 3) c3 = v128.add<T>(c3, v128.mul<T>(x, v128.load(bp, 48)));
    if (W > 4) c4 = v128.add<T>(c4, v128.mul<T>(x, v128.load(bp, 64)));
    if (W > 5) c5 = v128.add<T>(c5, v128.mul<T>(x, v128.load(bp, 80)));
    if (W > 6) c6 = v128.add<T>(c6, v128.mul<T>(x, v128.load(bp, 96)));
    if (W > 7) c7 = v128.add<T>(c7, v128.mul<T>(x, v128.load(bp, 112)));
    if (e > 0) cx = v128.add<T>(cx, v128.mul<T>(x, loadPart<T>(bp + <usize>W * 16, e)));
  }
  if (W > 0) v128.store(c, c0);
  if (W > 1) v128.store(c, c1, 16);
  if (W > 2) v128.store(c, c2, 32);
  if (W > 3) v128.store(c, c3, 48);
  if (W > 4) v128.store(c, c4, 64);
  if (W > 5) v128.store(c, c5, 80);
  if (W > 6) v128.store(c, c6, 96);
  if (W > 7) v128.store(c, c7, 112);
  if (e > 0) storePart<T>(cp, cx, e);
}

// Appends the entry (bRow, v) to a list at slot count; the slot is always written, and
// kept only when v is nonzero (NaN included), so callers need no branch per entry.
@inline
export function append<T>(list: usize, count: i32, v: T, bRow: u32): i32 {
  const r = list + <usize>count * entryBytes<T>();
  store<u32>(r, bRow);
  store<T>(r, v, sizeof<T>());
  return count + <i32>(v != 0);
}

// Appends the nonzeros (NaN included) among the eight elements of op(A) at ap, in order,
// to a list of count entries; returns the new count. Element t faces B's row bp + t·ldb.
// Its slot is count plus the nonzeros before it in the group (a popcnt of the mask), so
// the eight appends do not wait on one another's counts; a zero's slot is the next
// nonzero's, which overwrites it, or lies past the end. Values are stored straight from
// the vectors that were tested.
@inline
function appendGroup<T>(list: usize, count: i32, ap: usize, bp: u32, ldb: u32): i32 {
  const zero = v128.splat<T>(0);
  const R = entryBytes<T>();
  const r = list + <usize>count * R;
  const v0 = v128.load(ap), v1 = v128.load(ap, 16);
  // float32 holds the eight in v0 and v1 and must not read further: it may be the end of A.
  const v2 = sizeof<T>() == 8 ? v128.load(ap, 32) : v0, v3 = sizeof<T>() == 8 ? v128.load(ap, 48) : v1;
  const m = nonzeroMask<T>(v0, v1, v2, v3, zero);
  if (m == 0) return count;
  storeEntry<T>(r, bp, vectorOf<T>(0, v0, v1, v2, v3), laneOf<T>(0));
  storeEntry<T>(r + <usize>(m & 1) * R, bp + ldb, vectorOf<T>(1, v0, v1, v2, v3), laneOf<T>(1));
  storeEntry<T>(r + <usize>popcnt<i32>(m & 3) * R, bp + ldb * 2, vectorOf<T>(2, v0, v1, v2, v3), laneOf<T>(2));
  storeEntry<T>(r + <usize>popcnt<i32>(m & 7) * R, bp + ldb * 3, vectorOf<T>(3, v0, v1, v2, v3), laneOf<T>(3));
  storeEntry<T>(r + <usize>popcnt<i32>(m & 15) * R, bp + ldb * 4, vectorOf<T>(4, v0, v1, v2, v3), laneOf<T>(4));
  storeEntry<T>(r + <usize>popcnt<i32>(m & 31) * R, bp + ldb * 5, vectorOf<T>(5, v0, v1, v2, v3), laneOf<T>(5));
  storeEntry<T>(r + <usize>popcnt<i32>(m & 63) * R, bp + ldb * 6, vectorOf<T>(6, v0, v1, v2, v3), laneOf<T>(6));
  storeEntry<T>(r + <usize>popcnt<i32>(m & 127) * R, bp + ldb * 7, vectorOf<T>(7, v0, v1, v2, v3), laneOf<T>(7));
  return count + popcnt<i32>(m);
}

// Bit t set where element t of the eight in v0…v3 (see vectorOf) is nonzero, NaN included.
@inline
function nonzeroMask<T>(v0: v128, v1: v128, v2: v128, v3: v128, zero: v128): i32 {
  if (sizeof<T>() == 8) {
    return i64x2.bitmask(v128.ne<T>(v0, zero)) | (i64x2.bitmask(v128.ne<T>(v1, zero)) << 2)
      | (i64x2.bitmask(v128.ne<T>(v2, zero)) << 4) | (i64x2.bitmask(v128.ne<T>(v3, zero)) << 6);
  }
  return i32x4.bitmask(v128.ne<T>(v0, zero)) | (i32x4.bitmask(v128.ne<T>(v1, zero)) << 4);
}

/** Most v128 accumulators per pass over a row's entries (at most 7: applyRow's cases).
 * V8 (TurboFan) issues all of a pass's B loads ahead of its arithmetic, so a pass of W
 * holds 2·W + 1 vectors live: at W = 7 it spills an accumulator to the stack, whose adds
 * then wait on store-to-load forwarding every entry (measured: 6 and 5 are as fast). */
const MAX_PASS: i32 = 6;

// C's row (n columns) (=|+=) Σ_e v_e · B_e over its list, in as few passes over the entries as
// MAX_PASS allows, the row's vectors (the last one possibly partial) spread evenly over
// them: a narrow pass is bound by the latency of one add per entry, a wide one by the
// multiplier's throughput. Not inlined: both paths of gemmSparseBlock share it.
//   list: count entries, each B_e's address at column 0 and its value
export function applyRow<T>(count: i32, list: usize, cRow: usize, n: i32, accumulate: bool): void {
  const L = lanes<T>();
  const whole = n / L;
  const e = n - whole * L;
  const vectors = whole + <i32>(e > 0);
  const passes = (vectors + MAX_PASS - 1) / MAX_PASS;
  let done = 0;
  for (let q = 1; q <= passes; q++) {
    const upTo = vectors * q / passes;
    const last = q == passes;
    const w = upTo - done - <i32>(last && e > 0);
    const part = last ? e : 0;
    const off = <usize>done * 16;
    const c = cRow + off;
    // Constant widths (and no partial vector, mostly) let each pass's code fold to its size.
    switch (w) {
      case 0: if (part == 0) sweep<T>(0, 0, count, list, off, c, accumulate); else sweep<T>(0, part, count, list, off, c, accumulate); break;
      case 1: if (part == 0) sweep<T>(1, 0, count, list, off, c, accumulate); else sweep<T>(1, part, count, list, off, c, accumulate); break;
      case 2: if (part == 0) sweep<T>(2, 0, count, list, off, c, accumulate); else sweep<T>(2, part, count, list, off, c, accumulate); break;
      case 3: if (part == 0) sweep<T>(3, 0, count, list, off, c, accumulate); else sweep<T>(3, part, count, list, off, c, accumulate); break;
      case 4: if (part == 0) sweep<T>(4, 0, count, list, off, c, accumulate); else sweep<T>(4, part, count, list, off, c, accumulate); break;
      case 5: if (part == 0) sweep<T>(5, 0, count, list, off, c, accumulate); else sweep<T>(5, part, count, list, off, c, accumulate); break;
      case 6: if (part == 0) sweep<T>(6, 0, count, list, off, c, accumulate); else sweep<T>(6, part, count, list, off, c, accumulate); break;
      default: if (part == 0) sweep<T>(7, 0, count, list, off, c, accumulate); else sweep<T>(7, part, count, list, off, c, accumulate); break;
    }
    done = upTo;
  }
}

// C[i0..i1, j0..j1) = op(A)·B (+ C when beta = 1), skipping the zero entries of op(A).
// Pointers are bytes, already offset to element (0, 0); strides are in elements.
//   a: op(A) m×k, stored m×k (lda ≥ k) or k×m (lda ≥ m) when transA
//   b: B k×n, ldb ≥ n
//   c: m×n, ldc ≥ n
//   scratch: SPARSE_SCRATCH_BYTES, for a list of SPARSE_CAP entries or the transA panel
export function gemmSparseBlock<T>(
  transA: bool, k: i32, a: usize, lda: i32, b: usize, ldb: i32, beta: i32, c: usize, ldc: i32,
  i0: i32, i1: i32, j0: i32, j1: i32, scratch: usize,
): void {
  const size = sizeof<T>();
  const ldaBytes = <usize>lda * size;
  const ldbBytes = <usize>ldb * size;
  const list = scratch;
  const bCol = b + <usize>j0 * size;
  const n = j1 - j0;
  if (!transA) {
    // A row of op(A) is a row of A: find its nonzeros eight at a time.
    const touchAhead = <u64>(i1 - i0) * ldaBytes > <u64>TOUCH_MIN_BYTES;
    for (let i = i0; i < i1; i++) {
      const cRow = c + (<usize>i * ldc + j0) * size;
      const aRow = a + <usize>i * ldaBytes;
      // A row's nonzeros are found in a short scan, then its passes run without reading A,
      // so a large A (evaluating 10000 images) streams in at one memory latency per row
      // unless rows are asked for ahead. Wasm has no prefetch, and a missing load holds up
      // retirement until it arrives: the next TOUCH_ROWS rows' lines are read together,
      // so their misses overlap. Their values go unused, but a load (it may trap) stays.
      if (touchAhead && ((i - i0) & (TOUCH_ROWS - 1)) == 0) {
        const last = min(i1, i + 2 * TOUCH_ROWS);
        for (let t = i + TOUCH_ROWS; t < last; t++) {
          const row = a + <usize>t * ldaBytes;
          const bytes = <usize>k * size;
          for (let q: usize = 0; q < bytes; q += 64) load<u8>(row + q);
        }
      }
      let p = 0;
      let accumulate = beta != 0;
      // At least one pass even for k = 0 or an all-zero row, so beta = 0 still writes zeros.
      do {
        const end = min(k, p + SPARSE_CAP);
        let count = 0;
        // Runs of eight zeros (MNIST's borders) cost one test; any other run is appended
        // branch-free, so a scattered pattern costs no mispredictions.
        const ldb32 = <u32>ldbBytes;
        for (; p + 8 <= end; p += 8) {
          count = appendGroup<T>(list, count, aRow + <usize>p * size, <u32>(bCol + <usize>p * ldbBytes), ldb32);
        }
        // The last few, one at a time.
        for (; p < end; p++) {
          count = append<T>(list, count, load<T>(aRow + <usize>p * size), <u32>(bCol + <usize>p * ldbBytes));
        }
        applyRow<T>(count, list, cRow, n, accumulate);
        // A later pass continues the same ascending sums from the values just stored: a T
        // in memory holds exactly what a T in a register did.
        accumulate = true;
      } while (p < k);
    }
    return;
  }
  // A row of op(A) is a column of A, strided. Walk A's rows instead, eight adjacent
  // columns (eight rows of C) at a time, appending each row's eight entries to the eight
  // rows' lists. A partial group of g < 8 goes through a panel instead:
  //   lists: GROUP lists of GROUP_CAP entries
  //   panel: GROUP_CAP × GROUP values (T), then GROUP_CAP × u32 B-row addresses, then a list of GROUP_CAP entries
  const panel = scratch;
  const panelRows = panel + <usize>GROUP_CAP * GROUP * size;
  const rowList = panelRows + <usize>GROUP_CAP * 4;
  for (let r0 = i0; r0 < i1; r0 += GROUP) {
    const g = min(GROUP, i1 - r0);
    const aCols = a + <usize>r0 * size;
    let p = 0;
    let accumulate = beta != 0;
    do {
      const end = min(k, p + GROUP_CAP);
      if (g == GROUP) {
        // Straight into the eight rows' lists: a row of A whose eight entries are all zero
        // costs one test (any bit set but the signs); any other appends to every list, each
        // entry kept where its bit of the row's nonzero mask is set.
        const R = entryBytes<T>();
        const l0 = scratch, l1 = l0 + <usize>GROUP_CAP * R, l2 = l1 + <usize>GROUP_CAP * R, l3 = l2 + <usize>GROUP_CAP * R;
        const l4 = l3 + <usize>GROUP_CAP * R, l5 = l4 + <usize>GROUP_CAP * R, l6 = l5 + <usize>GROUP_CAP * R, l7 = l6 + <usize>GROUP_CAP * R;
        let c0 = 0, c1 = 0, c2 = 0, c3 = 0, c4 = 0, c5 = 0, c6 = 0, c7 = 0;
        const zero = v128.splat<T>(0);
        for (let q = p; q < end; q++) {
          const ar = aCols + <usize>q * ldaBytes;
          const v0 = v128.load(ar), v1 = v128.load(ar, 16);
          const v2 = size == 8 ? v128.load(ar, 32) : v0, v3 = size == 8 ? v128.load(ar, 48) : v1;
          const bq = <u32>(bCol + <usize>q * ldbBytes);
          const any = size == 8 ? v128.or(v128.or(v0, v1), v128.or(v2, v3)) : v128.or(v0, v1);
          const signless = size == 8 ? i64x2.splat(0x7FFF_FFFF_FFFF_FFFF) : i32x4.splat(0x7FFF_FFFF);
          if (!v128.any_true(v128.and(any, signless))) continue;
          const m = nonzeroMask<T>(v0, v1, v2, v3, zero);
          storeEntry<T>(l0 + <usize>c0 * R, bq, vectorOf<T>(0, v0, v1, v2, v3), laneOf<T>(0)); c0 += m & 1;
          storeEntry<T>(l1 + <usize>c1 * R, bq, vectorOf<T>(1, v0, v1, v2, v3), laneOf<T>(1)); c1 += (m >> 1) & 1;
          storeEntry<T>(l2 + <usize>c2 * R, bq, vectorOf<T>(2, v0, v1, v2, v3), laneOf<T>(2)); c2 += (m >> 2) & 1;
          storeEntry<T>(l3 + <usize>c3 * R, bq, vectorOf<T>(3, v0, v1, v2, v3), laneOf<T>(3)); c3 += (m >> 3) & 1;
          storeEntry<T>(l4 + <usize>c4 * R, bq, vectorOf<T>(4, v0, v1, v2, v3), laneOf<T>(4)); c4 += (m >> 4) & 1;
          storeEntry<T>(l5 + <usize>c5 * R, bq, vectorOf<T>(5, v0, v1, v2, v3), laneOf<T>(5)); c5 += (m >> 5) & 1;
          storeEntry<T>(l6 + <usize>c6 * R, bq, vectorOf<T>(6, v0, v1, v2, v3), laneOf<T>(6)); c6 += (m >> 6) & 1;
          storeEntry<T>(l7 + <usize>c7 * R, bq, vectorOf<T>(7, v0, v1, v2, v3), laneOf<T>(7)); c7 += (m >> 7) & 1;
        }
        const cRow = c + (<usize>r0 * ldc + j0) * size, ldcBytes = <usize>ldc * size;
        applyRow<T>(c0, l0, cRow, n, accumulate);
        applyRow<T>(c1, l1, cRow + ldcBytes, n, accumulate);
        applyRow<T>(c2, l2, cRow + ldcBytes * 2, n, accumulate);
        applyRow<T>(c3, l3, cRow + ldcBytes * 3, n, accumulate);
        applyRow<T>(c4, l4, cRow + ldcBytes * 4, n, accumulate);
        applyRow<T>(c5, l5, cRow + ldcBytes * 5, n, accumulate);
        applyRow<T>(c6, l6, cRow + ldcBytes * 6, n, accumulate);
        applyRow<T>(c7, l7, cRow + ldcBytes * 7, n, accumulate);
      } else {
        // A partial group never reads past column r0 + g: it may be the end of A. Its
        // rows are copied into a panel, then each of its columns gathered into a list.
        let rows = 0;
        for (let q = p; q < end; q++) {
          const ar = aCols + <usize>q * ldaBytes;
          const dst = panel + <usize>rows * GROUP * size;
          for (let t = 0; t < g; t++) store<T>(dst + <usize>t * size, load<T>(ar + <usize>t * size));
          store<u32>(panelRows + (<usize>rows << 2), <u32>(bCol + <usize>q * ldbBytes));
          rows++;
        }
        for (let t = 0; t < g; t++) {
          let count = 0;
          let src = panel + <usize>t * size;
          for (let r = 0; r < rows; r++) {
            count = append<T>(rowList, count, load<T>(src), load<u32>(panelRows + (<usize>r << 2)));
            src += <usize>GROUP * size;
          }
          applyRow<T>(count, rowList, c + (<usize>(r0 + t) * ldc + j0) * size, n, accumulate);
        }
      }
      accumulate = true;
      p = end;
    } while (p < k);
  }
}
