import { MAX_SPARSE_COLUMNS, type FloatArray } from '../backend.js';

// A byte matrix kept as its nonzero entries, row by row (CSR: offsets, columns, values), and
// the product that reads it: the reference definitions and the checks every backend makes.

function checkCount(where: string, name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${where}: ${name} must be an integer ≥ 0, got ${value}`);
}

/** The checks before nonzeroOffsets and compressBytes: a block inside src, offsets for every row. */
export function checkByteMatrix(where: string, rows: number, cols: number, src: Uint8Array, srcOffset: number, offsets: Int32Array): void {
  checkCount(where, 'rows', rows);
  checkCount(where, 'cols', cols);
  checkCount(where, 'srcOffset', srcOffset);
  if (cols > MAX_SPARSE_COLUMNS) throw new RangeError(`${where}: cols ${cols} is more than the ${MAX_SPARSE_COLUMNS} a Uint16 column index holds`);
  // Offsets are Int32: a block that could hold more nonzeros would wrap them.
  if (rows * cols > 0x7fffffff) throw new RangeError(`${where}: ${rows}×${cols} is more than the 2³¹ − 1 pixels Int32 offsets can count`);
  if (!(src instanceof Uint8Array)) throw new TypeError(`${where}: src must be a Uint8Array`);
  if (!(offsets instanceof Int32Array)) throw new TypeError(`${where}: offsets must be an Int32Array`);
  if (srcOffset + rows * cols > src.length) throw new RangeError(`${where}: src has ${src.length} bytes, needs ${srcOffset}..${srcOffset + rows * cols - 1}`);
  if (offsets.length < rows + 1) throw new RangeError(`${where}: offsets has ${offsets.length} elements, needs ${rows + 1}`);
}

/** Checks compressBytes' arrays against the offsets nonzeroOffsets wrote (their recount is the kernel's). */
export function checkCompressTarget(rows: number, offsets: Int32Array, columns: Uint16Array, values: Uint8Array): void {
  if (!(columns instanceof Uint16Array)) throw new TypeError('compressBytes: columns must be a Uint16Array');
  if (!(values instanceof Uint8Array)) throw new TypeError('compressBytes: values must be a Uint8Array');
  if (offsets[0] !== 0) throw new RangeError(`compressBytes: offsets[0] is ${offsets[0]}, not 0: not the offsets nonzeroOffsets wrote`);
  for (let r = 0; r < rows; r++) {
    if (!(offsets[r + 1]! >= offsets[r]!)) throw new RangeError(`compressBytes: offsets decrease at row ${r}: not the offsets nonzeroOffsets wrote`);
  }
  const total = offsets[rows]!;
  if (columns.length < total || values.length < total) {
    throw new RangeError(`compressBytes: ${total} nonzeros need columns and values of ${total}, got ${columns.length} and ${values.length}`);
  }
}

export function nonzeroOffsetsReference(rows: number, cols: number, src: Uint8Array, srcOffset: number, offsets: Int32Array): number {
  checkByteMatrix('nonzeroOffsets', rows, cols, src, srcOffset, offsets);
  offsets[0] = 0;
  let total = 0;
  for (let r = 0; r < rows; r++) {
    const row = srcOffset + r * cols;
    for (let j = 0; j < cols; j++) if (src[row + j] !== 0) total++;
    offsets[r + 1] = total;
  }
  return total;
}

export function compressBytesReference(
  rows: number, cols: number, src: Uint8Array, srcOffset: number, offsets: Int32Array, columns: Uint16Array, values: Uint8Array,
): void {
  checkByteMatrix('compressBytes', rows, cols, src, srcOffset, offsets);
  checkCompressTarget(rows, offsets, columns, values);
  for (let r = 0; r < rows; r++) {
    const row = srcOffset + r * cols;
    let e = offsets[r]!;
    const end = offsets[r + 1]!;
    for (let j = 0; j < cols; j++) {
      const byte = src[row + j]!;
      if (byte === 0) continue;
      if (e === end) throw new RangeError(`compressBytes: row ${r} has more nonzeros than its offsets leave room for: not the offsets nonzeroOffsets wrote`);
      columns[e] = j;
      values[e++] = byte;
    }
    if (e !== end) throw new RangeError(`compressBytes: row ${r} has fewer nonzeros than its offsets say: not the offsets nonzeroOffsets wrote`);
  }
}

/**
 * The checks every backend makes before gemmSparseBytes, but for the entries' columns,
 * which a backend checks as it reads them (the reference: before it writes anything).
 */
export function checkGemmSparseBytes(
  transA: boolean, m: number, n: number, k: number,
  rows: Int32Array, offsets: Int32Array, columns: Uint16Array, values: Uint8Array, scale: number,
  b: FloatArray, bOffset: number, ldb: number, c: FloatArray, cOffset: number, ldc: number,
): void {
  const where = 'gemmSparseBytes';
  for (const [name, value] of Object.entries({ m, n, k, bOffset, ldb, cOffset, ldc })) checkCount(where, name, value);
  if (!Number.isFinite(scale)) throw new RangeError(`${where}: scale must be finite, got ${scale}`);
  if (!(rows instanceof Int32Array) || !(offsets instanceof Int32Array)) throw new TypeError(`${where}: rows and offsets must be Int32Arrays`);
  if (!(columns instanceof Uint16Array) || !(values instanceof Uint8Array)) throw new TypeError(`${where}: columns must be a Uint16Array and values a Uint8Array`);
  if (b.constructor !== c.constructor) throw new TypeError(`${where}: B and C must be of one float type`);
  const taken = transA ? k : m;
  if (rows.length !== taken) throw new RangeError(`${where}: op(A) takes ${taken} rows (${transA ? 'k' : 'm'}), but rows holds ${rows.length}`);
  const stored = offsets.length - 1;
  const entries = Math.min(columns.length, values.length);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    if (!(r >= 0 && r < stored)) throw new RangeError(`${where}: row ${r} outside the ${Math.max(stored, 0)} stored rows`);
    const start = offsets[r]!, end = offsets[r + 1]!;
    if (!(start >= 0 && start <= end && end <= entries)) throw new RangeError(`${where}: row ${r}'s entries ${start}..${end} are outside the ${entries} stored`);
  }
  const span = (spanRows: number, cols: number, ld: number, name: string, length: number, offset: number): void => {
    if (spanRows === 0 || cols === 0) return;
    if (ld < cols) throw new RangeError(`${where}: ld${name.toLowerCase()} ${ld} is less than the ${cols} columns of ${name}`);
    const end = offset + (spanRows - 1) * ld + cols;
    if (end > length) throw new RangeError(`${where}: ${name} needs elements ${offset}..${end - 1}, but has ${length}`);
  };
  span(k, n, ldb, 'B', b.length, bOffset);
  span(m, n, ldc, 'C', c.length, cOffset);
}

/** The RangeError for an entry whose column is past op(A)'s columns. */
export function columnError(row: number, column: number, width: number): RangeError {
  return new RangeError(`gemmSparseBytes: row ${row} has an entry in column ${column}, but op(A) has ${width} columns`);
}

export function gemmSparseBytesReference(
  transA: boolean, m: number, n: number, k: number,
  rows: Int32Array, offsets: Int32Array, columns: Uint16Array, values: Uint8Array, scale: number,
  b: FloatArray, bOffset: number, ldb: number, beta: 0 | 1, c: FloatArray, cOffset: number, ldc: number,
): void {
  checkGemmSparseBytes(transA, m, n, k, rows, offsets, columns, values, scale, b, bOffset, ldb, c, cOffset, ldc);
  const width = transA ? m : k;
  for (const r of rows) {
    for (let e = offsets[r]!; e < offsets[r + 1]!; e++) if (columns[e]! >= width) throw columnError(r, columns[e]!, width);
  }
  // Each value as bytesToFloats stores it: byte · scale, rounded to C's type.
  const round = c instanceof Float32Array ? Math.fround : (x: number): number => x;
  if (beta === 0) for (let i = 0; i < m; i++) c.fill(0, cOffset + i * ldc, cOffset + i * ldc + n);
  for (let q = 0; q < rows.length; q++) {
    const r = rows[q]!;
    for (let e = offsets[r]!; e < offsets[r + 1]!; e++) {
      const v = round(values[e]! * scale);
      if (v === 0) continue;
      // Row q of op(A) faces B's row columns[e]; transposed, entry (q, column) faces B's row q.
      const cRow = cOffset + (transA ? columns[e]! : q) * ldc;
      const bRow = bOffset + (transA ? q : columns[e]!) * ldb;
      for (let j = 0; j < n; j++) c[cRow + j] += v * b[bRow + j]!;
    }
  }
}
