import type { FloatArray } from '../backend.js';

/**
 * The checks every backend makes before gatherBytes: the wasm kernels read memory
 * unchecked, so a bad index or a short output would read or write a neighbour.
 */
export function checkByteRows(where: string, indices: Int32Array, cols: number, src: Uint8Array, out: FloatArray): void {
  if (!Number.isSafeInteger(cols) || cols < 0) throw new RangeError(`${where}: cols must be an integer ≥ 0, got ${cols}`);
  if (out.length < indices.length * cols) throw new RangeError(`${where}: out has ${out.length} elements, needs ${indices.length * cols}`);
  const rows = cols === 0 ? Infinity : Math.floor(src.length / cols);
  for (let i = 0; i < indices.length; i++) {
    const row = indices[i]!;
    if (!(row >= 0 && row < rows)) throw new RangeError(`${where}: index ${row} outside 0..${rows - 1}`);
  }
}

export function checkByteBlock(where: string, n: number, src: Uint8Array, srcOffset: number, out: FloatArray): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${where}: n must be an integer ≥ 0, got ${n}`);
  if (!Number.isSafeInteger(srcOffset) || srcOffset < 0 || srcOffset + n > src.length) {
    throw new RangeError(`${where}: src has ${src.length} bytes, needs ${srcOffset}..${srcOffset + n - 1}`);
  }
  if (out.length < n) throw new RangeError(`${where}: out has ${out.length} elements, needs ${n}`);
}

/**
 * The checks every backend makes before gemmBytes: sizes, strides and offsets that keep
 * every element read or written inside its array (the wasm kernels read memory unchecked),
 * and a finite scale (0 · ∞ would make the zero pixels that gemmBytes skips NaN).
 */
export function checkGemmBytes(
  transA: boolean, m: number, n: number, k: number, a: Uint8Array, aOffset: number, lda: number, scale: number,
  b: FloatArray, bOffset: number, ldb: number, c: FloatArray, cOffset: number, ldc: number,
): void {
  const sizes = { m, n, k, aOffset, lda, bOffset, ldb, cOffset, ldc };
  for (const [name, value] of Object.entries(sizes)) {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`gemmBytes: ${name} must be an integer ≥ 0, got ${value}`);
  }
  if (!Number.isFinite(scale)) throw new RangeError(`gemmBytes: scale must be finite, got ${scale}`);
  if (!(a instanceof Uint8Array)) throw new TypeError('gemmBytes: A must be a Uint8Array');
  if (b.constructor !== c.constructor) throw new TypeError('gemmBytes: B and C must be of one float type');
  const span = (rows: number, cols: number, ld: number, name: string, length: number, offset: number): void => {
    if (rows === 0 || cols === 0) return;
    if (ld < cols) throw new RangeError(`gemmBytes: ld${name.toLowerCase()} ${ld} is less than the ${cols} columns of ${name}`);
    const end = offset + (rows - 1) * ld + cols;
    if (end > length) throw new RangeError(`gemmBytes: ${name} needs elements ${offset}..${end - 1}, but has ${length}`);
  };
  span(transA ? k : m, transA ? m : k, lda, 'A', a.length, aOffset);
  span(k, n, ldb, 'B', b.length, bOffset);
  span(m, n, ldc, 'C', c.length, cOffset);
}
