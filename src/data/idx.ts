// The IDX format of the MNIST files: a big-endian header (two zero bytes, a type code,
// the number of dimensions, then one u32 per dimension) followed by the raw values.

import { printable } from '../io/printable.js';

export const IDX_UBYTE = 0x08;

export interface IdxArray {
  dims: number[];
  /** The values, row-major (unsigned bytes: the only type MNIST uses). */
  data: Uint8Array;
}

export class DataFormatError extends Error {
  constructor(readonly source: string, problem: string) {
    super(`${printable(source, 1000)}: ${problem}`);
    this.name = 'DataFormatError';
  }
}

export interface IdxHeader {
  dims: number[];
  /** Bytes of header before the values: 4 + 4 × rank. */
  headerSize: number;
  /** Values the header declares: the product of dims. */
  count: number;
}

/**
 * The header of an IDX file of unsigned bytes, from its first bytes (at least 4 + 4 × rank
 * of them, or the whole file if it is shorter). `total` is the file's length when known,
 * for the message about a file too short to hold its own header.
 */
export function parseIdxHeader(bytes: Uint8Array, source: string, expectedRank?: number, total = bytes.length): IdxHeader {
  if (bytes.length < 4) throw new DataFormatError(source, `file is ${total} bytes, too short for an IDX header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  if (bytes[0] !== 0 || bytes[1] !== 0) throw new DataFormatError(source, `not an IDX file (magic number 0x${hex(magic)} does not start with two zero bytes)`);
  if (bytes[2] !== IDX_UBYTE) throw new DataFormatError(source, `unsupported IDX value type 0x${hex(bytes[2]!, 2)} (magic 0x${hex(magic)}); MNIST files hold unsigned bytes (0x08)`);
  const rank = bytes[3]!;
  if (expectedRank !== undefined && rank !== expectedRank) {
    throw new DataFormatError(source, `magic number 0x${hex(magic)} says ${rank} dimensions, expected ${expectedRank} (0x${hex(0x800 + expectedRank)})`);
  }
  const headerSize = 4 + 4 * rank;
  if (bytes.length < headerSize) throw new DataFormatError(source, `truncated header: ${rank} dimensions need ${headerSize} bytes, the file has ${total}`);
  const dims: number[] = [];
  let count = 1;
  for (let d = 0; d < rank; d++) {
    dims.push(view.getUint32(4 + 4 * d));
    count *= dims[d]!;
  }
  return { dims, headerSize, count };
}

/** Parses an uncompressed IDX file of unsigned bytes, checking every size against the header. */
export function parseIdx(bytes: Uint8Array, source: string, expectedRank?: number): IdxArray {
  const { dims, headerSize, count } = parseIdxHeader(bytes, source, expectedRank);
  checkIdxSize(dims, count, bytes.length - headerSize, source);
  return { dims, data: bytes.subarray(headerSize) };
}

/** Refuses a value section of `available` bytes that is not the `count` the header declares. */
export function checkIdxSize(dims: readonly number[], count: number, available: number, source: string): void {
  if (available < count) {
    throw new DataFormatError(source, `truncated: header says [${dims.join(' × ')}] = ${count} values but only ${available} bytes follow`);
  }
  if (available > count) {
    throw new DataFormatError(source, `${available - count} unexpected bytes after the [${dims.join(' × ')}] values the header describes`);
  }
}

function hex(value: number, width = 8): string {
  return value.toString(16).padStart(width, '0');
}
