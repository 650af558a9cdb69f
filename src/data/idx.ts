// The IDX format of the MNIST files: a big-endian header (two zero bytes, a type code,
// the number of dimensions, then one u32 per dimension) followed by the raw values.

export const IDX_UBYTE = 0x08;

export interface IdxArray {
  dims: number[];
  /** The values, row-major (unsigned bytes: the only type MNIST uses). */
  data: Uint8Array;
}

export class DataFormatError extends Error {
  constructor(readonly source: string, problem: string) {
    super(`${source}: ${problem}`);
    this.name = 'DataFormatError';
  }
}

/** Parses an uncompressed IDX file of unsigned bytes, checking every size against the header. */
export function parseIdx(bytes: Uint8Array, source: string, expectedRank?: number): IdxArray {
  if (bytes.length < 4) throw new DataFormatError(source, `file is ${bytes.length} bytes, too short for an IDX header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  if (bytes[0] !== 0 || bytes[1] !== 0) throw new DataFormatError(source, `not an IDX file (magic number 0x${hex(magic)} does not start with two zero bytes)`);
  if (bytes[2] !== IDX_UBYTE) throw new DataFormatError(source, `unsupported IDX value type 0x${hex(bytes[2]!, 2)} (magic 0x${hex(magic)}); MNIST files hold unsigned bytes (0x08)`);
  const rank = bytes[3]!;
  if (expectedRank !== undefined && rank !== expectedRank) {
    throw new DataFormatError(source, `magic number 0x${hex(magic)} says ${rank} dimensions, expected ${expectedRank} (0x${hex(0x800 + expectedRank)})`);
  }
  const headerSize = 4 + 4 * rank;
  if (bytes.length < headerSize) throw new DataFormatError(source, `truncated header: ${rank} dimensions need ${headerSize} bytes, the file has ${bytes.length}`);
  const dims: number[] = [];
  let count = 1;
  for (let d = 0; d < rank; d++) {
    dims.push(view.getUint32(4 + 4 * d));
    count *= dims[d]!;
  }
  const available = bytes.length - headerSize;
  if (available < count) {
    throw new DataFormatError(source, `truncated: header says [${dims.join(' × ')}] = ${count} values but only ${available} bytes follow`);
  }
  if (available > count) {
    throw new DataFormatError(source, `${available - count} unexpected bytes after the [${dims.join(' × ')}] values the header describes`);
  }
  return { dims, data: bytes.subarray(headerSize) };
}

function hex(value: number, width = 8): string {
  return value.toString(16).padStart(width, '0');
}
