import type { FloatArray } from '../backend.js';

// The naive definition of C = op(A)·op(B) + beta·C, kept plain on purpose: the fast
// backend is tested against it. Loop order i-p-j keeps the innermost loop contiguous
// in B and C for the common non-transposed case. Zero entries of op(A) are skipped, as
// the reference BLAS dgemm does, so this defines what skipping means: a NaN or ∞ in B
// that faces only zeros of A never reaches C here (a faster backend may or may not skip).
export function gemmReference(
  transA: boolean, transB: boolean, m: number, n: number, k: number,
  a: FloatArray, aOffset: number, lda: number,
  b: FloatArray, bOffset: number, ldb: number,
  beta: 0 | 1, c: FloatArray, cOffset: number, ldc: number,
): void {
  for (let i = 0; i < m; i++) {
    const cRow = cOffset + i * ldc;
    if (beta === 0) for (let j = 0; j < n; j++) c[cRow + j] = 0;
    for (let p = 0; p < k; p++) {
      const aip = transA ? a[aOffset + p * lda + i]! : a[aOffset + i * lda + p]!;
      if (aip === 0) continue;
      if (transB) {
        for (let j = 0; j < n; j++) c[cRow + j] += aip * b[bOffset + j * ldb + p]!;
      } else {
        const bRow = bOffset + p * ldb;
        for (let j = 0; j < n; j++) c[cRow + j] += aip * b[bRow + j]!;
      }
    }
  }
}
