// The zero-skipping GEMM of sparse.ts with op(A) held as bytes: a_ip = T(f64(byte) · scale),
// the value bytesToFloats would store, so C is the same bits as converting A to floats and
// running gemmSparseBlock on them, without ever writing the floats. A dataset's images
// (MNIST: 81% of pixels are 0) go straight into the first layer's products: a 784-pixel row
// is 49 vector loads here against 392 for its float64 copy, and only nonzero pixels cost more.
//
// Same order as sparse.ts: each element of C sums its nonzero a_ip · B[p, j] in ascending p,
// starting from 0 (beta = 0) or C (beta = 1), in passes of at most LIST_CAP entries.

import { append, applyRow, entryBytes } from './sparse';

/** Entries gathered per pass of a row (fits SPARSE_SCRATCH_BYTES: LIST_CAP entries of ≤ 16 bytes). */
const LIST_CAP: i32 = 8192;
/** Rows of C a transposed A yields together: eight adjacent bytes of a row of A. */
const GROUP: i32 = 8;
/** Entries per row of a group per pass: GROUP lists of GROUP_CAP entries (≤ 16 bytes), then GROUP counts. */
const GROUP_CAP: i32 = 1016;

// The nonzero bytes of the 16 at p, as bits (bit t for byte t).
@inline
function nonzeroBits16(p: usize): i32 {
  return i8x16.bitmask(i8x16.ne(v128.load(p), i8x16.splat(0)));
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
  const bCol = b + <usize>j0 * size;
  const n = j1 - j0;
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
        // Sixteen pixels per test; then one step per nonzero one.
        for (; p + 16 <= end; p += 16) {
          let bits = nonzeroBits16(aRow + <usize>p);
          while (bits != 0) {
            const t = ctz(bits);
            const q = p + t;
            count = append<T>(list, count, <T>(<f64>load<u8>(aRow + <usize>q) * scale), <u32>(bCol + <usize>q * ldbBytes));
            bits &= bits - 1;
          }
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
  // at a time, appending each nonzero one to its row's list; then apply the lists.
  //   list t: GROUP_CAP entries; then GROUP i32 counts
  const listBytes = <usize>GROUP_CAP * entryBytes<T>();
  const counts = scratch + <usize>GROUP * listBytes;
  for (let r0 = i0; r0 < i1; r0 += GROUP) {
    const g = min(GROUP, i1 - r0);
    const aCols = a + <usize>r0;
    let q = 0;
    let accumulate = beta != 0;
    do {
      const end = min(k, q + GROUP_CAP);
      for (let t = 0; t < GROUP; t++) store<i32>(counts + (<usize>t << 2), 0);
      for (; q < end; q++) {
        const ar = aCols + <usize>q * lda;
        let bits: i32;
        if (g == GROUP) {
          // A full group reads its eight bytes at once: all-zero runs (MNIST's borders) cost one test.
          if (load<u64>(ar) == 0) continue;
          bits = i8x16.bitmask(i8x16.ne(v128.load64_zero(ar), i8x16.splat(0)));
        } else {
          // A partial group never reads past column r0 + g: it may be the end of A.
          bits = 0;
          for (let t = 0; t < g; t++) bits |= <i32>(load<u8>(ar + <usize>t) != 0) << t;
          if (bits == 0) continue;
        }
        const bRow = <u32>(bCol + <usize>q * ldbBytes);
        while (bits != 0) {
          const t = ctz(bits);
          const list = scratch + <usize>t * listBytes;
          const countAt = counts + (<usize>t << 2);
          store<i32>(countAt, append<T>(list, load<i32>(countAt), <T>(<f64>load<u8>(ar + <usize>t) * scale), bRow));
          bits &= bits - 1;
        }
      }
      for (let t = 0; t < g; t++) {
        const list = scratch + <usize>t * listBytes;
        applyRow<T>(load<i32>(counts + (<usize>t << 2)), list, c + (<usize>(r0 + t) * ldc + j0) * size, n, accumulate);
      }
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
