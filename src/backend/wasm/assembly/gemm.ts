// Register- and cache-blocked GEMM over raw byte pointers, generic over the element type
// (f64 → f64x2 lanes, f32 → f32x4 lanes). One call computes one rectangular block of C
// (rows i0..i1, columns j0..j1) over the whole of K, so a caller may split C between
// threads and still get bit-identical results: every element's sum is formed in the same
// order whichever thread computes it.
//
// op(B) is packed per (KC × NC) block into scratch, NR columns at a time, so the micro-
// kernel streams it contiguously whatever transB is. op(A) is read in place: four rows at
// a time through a row stride and a depth stride (bytes), which covers both transA cases.

import { MR, KC, NC, nr, splatLoad, splatLoad1, splatLoad2, splatLoad3 } from './simd';

// The micro-kernel: C[0..4, 0..NR) (=|+=) Σ_p A[r, p]·Bp[p, 0..NR).
//   a:  A(0, 0) of this tile; A(r, p) at a + r·rs + p·ps (bytes)
//   bp: packed panel, kc × NR contiguous
//   c:  C(0, 0) of this tile, row stride ldcBytes
@inline
function kernel4x2<T>(
  kc: i32, a: usize, rs: usize, ps: usize, bp: usize, c: usize, ldcBytes: usize, accumulate: bool,
): void {
  let c00 = v128.splat<T>(0), c01 = v128.splat<T>(0);
  let c10 = v128.splat<T>(0), c11 = v128.splat<T>(0);
  let c20 = v128.splat<T>(0), c21 = v128.splat<T>(0);
  let c30 = v128.splat<T>(0), c31 = v128.splat<T>(0);
  let a0 = a;
  const r1 = rs, r2 = rs << 1, r3 = rs * 3;
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let x = splatLoad<T>(a0);
    c00 = v128.add<T>(c00, v128.mul<T>(x, b0));
    c01 = v128.add<T>(c01, v128.mul<T>(x, b1));
    x = splatLoad<T>(a0 + r1);
    c10 = v128.add<T>(c10, v128.mul<T>(x, b0));
    c11 = v128.add<T>(c11, v128.mul<T>(x, b1));
    x = splatLoad<T>(a0 + r2);
    c20 = v128.add<T>(c20, v128.mul<T>(x, b0));
    c21 = v128.add<T>(c21, v128.mul<T>(x, b1));
    x = splatLoad<T>(a0 + r3);
    c30 = v128.add<T>(c30, v128.mul<T>(x, b0));
    c31 = v128.add<T>(c31, v128.mul<T>(x, b1));
    a0 += ps;
    bp += 32;
  }
  if (accumulate) {
    c00 = v128.add<T>(v128.load(c), c00);
    c01 = v128.add<T>(v128.load(c, 16), c01);
    c10 = v128.add<T>(v128.load(c + ldcBytes), c10);
    c11 = v128.add<T>(v128.load(c + ldcBytes, 16), c11);
    c20 = v128.add<T>(v128.load(c + ldcBytes * 2), c20);
    c21 = v128.add<T>(v128.load(c + ldcBytes * 2, 16), c21);
    c30 = v128.add<T>(v128.load(c + ldcBytes * 3), c30);
    c31 = v128.add<T>(v128.load(c + ldcBytes * 3, 16), c31);
  }
  v128.store(c, c00);
  v128.store(c, c01, 16);
  v128.store(c + ldcBytes, c10);
  v128.store(c + ldcBytes, c11, 16);
  v128.store(c + ldcBytes * 2, c20);
  v128.store(c + ldcBytes * 2, c21, 16);
  v128.store(c + ldcBytes * 3, c30);
  v128.store(c + ldcBytes * 3, c31, 16);
}

// kernel4x2 for op(A) = Aᵀ, whose four rows at one depth are adjacent in memory: the
// loads take immediate offsets instead of address arithmetic.
//   a:  A(0, 0) of this tile; A(r, p) at a + r·size + p·ps (bytes)
//   bp: packed panel, kc × NR contiguous
//   c:  C(0, 0) of this tile, row stride ldcBytes
@inline
function kernel4x2Adjacent<T>(
  kc: i32, a: usize, ps: usize, bp: usize, c: usize, ldcBytes: usize, accumulate: bool,
): void {
  let c00 = v128.splat<T>(0), c01 = v128.splat<T>(0);
  let c10 = v128.splat<T>(0), c11 = v128.splat<T>(0);
  let c20 = v128.splat<T>(0), c21 = v128.splat<T>(0);
  let c30 = v128.splat<T>(0), c31 = v128.splat<T>(0);
  let a0 = a;
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let x = splatLoad<T>(a0);
    c00 = v128.add<T>(c00, v128.mul<T>(x, b0));
    c01 = v128.add<T>(c01, v128.mul<T>(x, b1));
    x = splatLoad1<T>(a0);
    c10 = v128.add<T>(c10, v128.mul<T>(x, b0));
    c11 = v128.add<T>(c11, v128.mul<T>(x, b1));
    x = splatLoad2<T>(a0);
    c20 = v128.add<T>(c20, v128.mul<T>(x, b0));
    c21 = v128.add<T>(c21, v128.mul<T>(x, b1));
    x = splatLoad3<T>(a0);
    c30 = v128.add<T>(c30, v128.mul<T>(x, b0));
    c31 = v128.add<T>(c31, v128.mul<T>(x, b1));
    a0 += ps;
    bp += 32;
  }
  if (accumulate) {
    c00 = v128.add<T>(v128.load(c), c00);
    c01 = v128.add<T>(v128.load(c, 16), c01);
    c10 = v128.add<T>(v128.load(c + ldcBytes), c10);
    c11 = v128.add<T>(v128.load(c + ldcBytes, 16), c11);
    c20 = v128.add<T>(v128.load(c + ldcBytes * 2), c20);
    c21 = v128.add<T>(v128.load(c + ldcBytes * 2, 16), c21);
    c30 = v128.add<T>(v128.load(c + ldcBytes * 3), c30);
    c31 = v128.add<T>(v128.load(c + ldcBytes * 3, 16), c31);
  }
  v128.store(c, c00);
  v128.store(c, c01, 16);
  v128.store(c + ldcBytes, c10);
  v128.store(c + ldcBytes, c11, 16);
  v128.store(c + ldcBytes * 2, c20);
  v128.store(c + ldcBytes * 2, c21, 16);
  v128.store(c + ldcBytes * 3, c30);
  v128.store(c + ldcBytes * 3, c31, 16);
}

// One row of the micro-kernel, for the m % 4 leftover rows. Each lane does exactly what
// the same lane of kernel4x2 does, so results do not depend on where a task's rows start.
@inline
function kernel1x2<T>(kc: i32, a: usize, ps: usize, bp: usize, c: usize, accumulate: bool): void {
  let c0 = v128.splat<T>(0), c1 = v128.splat<T>(0);
  for (let p = 0; p < kc; p++) {
    const x = splatLoad<T>(a);
    c0 = v128.add<T>(c0, v128.mul<T>(x, v128.load(bp)));
    c1 = v128.add<T>(c1, v128.mul<T>(x, v128.load(bp, 16)));
    a += ps;
    bp += 32;
  }
  if (accumulate) {
    c0 = v128.add<T>(v128.load(c), c0);
    c1 = v128.add<T>(v128.load(c, 16), c1);
  }
  v128.store(c, c0);
  v128.store(c, c1, 16);
}

// Packs op(B)[pc..pc+kc, jc..jc+nc) into ceil(nc/NR) panels of kc × NR, zero-padding the
// last panel's missing columns.
//   b: B(0, 0); B stored k×n (ldb ≥ n) or, transposed, n×k (ldb ≥ k)
//   out: scratch, ceil(nc/NR)·kc·NR elements
function packB<T>(
  transB: bool, kc: i32, nc: i32, b: usize, ldb: i32, pc: i32, jc: i32, out: usize,
): void {
  const NR = nr<T>();
  const size = sizeof<T>();
  for (let q = 0; q < nc; q += NR) {
    const cols = min(NR, nc - q);
    if (!transB) {
      let src = b + (<usize>pc * ldb + jc + q) * size;
      const step = <usize>ldb * size;
      if (cols == NR) {
        for (let p = 0; p < kc; p++) {
          v128.store(out, v128.load(src));
          v128.store(out, v128.load(src, 16), 16);
          src += step;
          out += 32;
        }
      } else {
        for (let p = 0; p < kc; p++) {
          for (let j = 0; j < NR; j++) store<T>(out + <usize>j * size, j < cols ? load<T>(src + <usize>j * size) : <T>0);
          src += step;
          out += 32;
        }
      }
    } else {
      // B(p, j) = b[j·ldb + p]: walk each source row (contiguous in p) into one panel column.
      for (let j = 0; j < NR; j++) {
        let dst = out + <usize>j * size;
        if (j < cols) {
          let src = b + (<usize>(jc + q + j) * ldb + pc) * size;
          for (let p = 0; p < kc; p++) {
            store<T>(dst, load<T>(src));
            src += size;
            dst += 32;
          }
        } else {
          for (let p = 0; p < kc; p++) {
            store<T>(dst, <T>0);
            dst += 32;
          }
        }
      }
      out += <usize>kc * 32;
    }
  }
}

// C[i0..i1, j0..j1) = op(A)·op(B) (+ C when beta = 1). Pointers are bytes, already offset
// to element (0, 0); strides are in elements.
//   a: op(A) m×k, stored m×k (lda ≥ k) or k×m (lda ≥ m) when transA
//   b: op(B) k×n, stored k×n (ldb ≥ n) or n×k (ldb ≥ k) when transB
//   c: m×n, ldc ≥ n
//   scratch: KC·roundUp(NC, NR) elements for packed B, then one MR×NR tile
export function gemmBlock<T>(
  transA: bool, transB: bool, k: i32,
  a: usize, lda: i32, b: usize, ldb: i32, beta: i32, c: usize, ldc: i32,
  i0: i32, i1: i32, j0: i32, j1: i32, scratch: usize,
): void {
  const NR = nr<T>();
  const size = sizeof<T>();
  const ldcBytes = <usize>ldc * size;
  if (k <= 0) {
    if (beta == 0) {
      for (let i = i0; i < i1; i++) memory.fill(c + (<usize>i * ldc + j0) * size, 0, <usize>(j1 - j0) * size);
    }
    return;
  }
  const rs: usize = transA ? size : <usize>lda * size;
  const ps: usize = transA ? <usize>lda * size : size;
  const tile = scratch + <usize>KC * NC * size; // MR × NR, for the right edge
  const iFull = i0 + ((i1 - i0) & ~(MR - 1));
  // Equal depth blocks (784 = 4 × 196, not 3 × 256 + 16): a thin last block would pay a
  // full pass of C loads and stores for a few multiply-adds. Depends on k only, so every
  // thread splits K identically.
  const kcBlocks = (k + KC - 1) / KC;
  const kcStep = (k + kcBlocks - 1) / kcBlocks;
  for (let jc = j0; jc < j1; jc += NC) {
    const nc = min(NC, j1 - jc);
    for (let pc = 0; pc < k; pc += kcStep) {
      const kc = min(kcStep, k - pc);
      packB<T>(transB, kc, nc, b, ldb, pc, jc, scratch);
      const accumulate = beta != 0 || pc > 0;
      const aDepth = a + <usize>pc * ps;
      for (let i = i0; i < i1; i += MR) {
        const full = i < iFull;
        const aRow = aDepth + <usize>i * rs;
        for (let q = 0; q < nc; q += NR) {
          const bp = scratch + <usize>q * kc * size;
          const cTile = c + (<usize>i * ldc + jc + q) * size;
          const cols = min(NR, nc - q);
          if (full && cols == NR) {
            if (transA) kernel4x2Adjacent<T>(kc, aRow, ps, bp, cTile, ldcBytes, accumulate);
            else kernel4x2<T>(kc, aRow, rs, ps, bp, cTile, ldcBytes, accumulate);
            continue;
          }
          const rows = full ? MR : i1 - i;
          for (let r = 0; r < rows; r++) {
            const cRow = cTile + <usize>r * ldcBytes;
            if (cols == NR) {
              kernel1x2<T>(kc, aRow + <usize>r * rs, ps, bp, cRow, accumulate);
            } else {
              kernel1x2<T>(kc, aRow + <usize>r * rs, ps, bp, tile, false);
              for (let j = 0; j < cols; j++) {
                const t = load<T>(tile + <usize>j * size);
                const dst = cRow + <usize>j * size;
                store<T>(dst, accumulate ? load<T>(dst) + t : t);
              }
            }
          }
        }
      }
    }
  }
}
