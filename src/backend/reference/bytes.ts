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
