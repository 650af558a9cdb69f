// Reading IDX files from disk, plain or gzip-compressed, with memory bounded by what the
// header declares: the header is read (or inflated) first, and neither the file nor its
// decompressed content is allowed past the size the header justifies. A FIFO or device is
// refused before a byte is read.

import { constants, gunzipSync } from 'node:zlib';
import { openRegularFileSync, type RegularFileSync } from '../io/regular_file.js';
import { checkIdxSize, DataFormatError, parseIdxHeader, type IdxArray, type IdxHeader } from './idx.js';

// 255 dimensions of 4 bytes after the 4-byte magic: the longest header there can be.
const MAX_HEADER_BYTES = 4 + 4 * 255;
/** More values than one Node buffer holds cannot be loaded anyway; refuse before trying. */
export const MAX_IDX_VALUES = 2 ** 31 - 1;
// Deflate cannot expand data more than 1032:1, so a gzip file of n bytes holds at most
// about 1032 n bytes; a header declaring more describes a truncated file.
const MAX_DEFLATE_RATIO = 1032;

/** Reads an IDX file of unsigned bytes (plain, or gzip-compressed: detected by content). */
export function readIdxFile(path: string, expectedRank?: number): IdxArray {
  const file = openRegularFileSync(path);
  try {
    const prefix = file.read(0, Math.min(file.size, MAX_HEADER_BYTES));
    if (prefix[0] === 0x1f && prefix[1] === 0x8b) return readGzipIdx(file, expectedRank);
    const header = parseIdxHeader(prefix, path, expectedRank, file.size);
    checkCount(header, path);
    checkIdxSize(header.dims, header.count, file.size - header.headerSize, path);
    return { dims: header.dims, data: file.read(header.headerSize, header.count) };
  } finally {
    file.close();
  }
}

function checkCount(header: IdxHeader, source: string): void {
  if (header.count > MAX_IDX_VALUES) {
    throw new DataFormatError(source, `header declares [${header.dims.join(' × ')}] = ${header.count} values, more than nabla can load (${MAX_IDX_VALUES})`);
  }
}

function readGzipIdx(file: RegularFileSync, expectedRank: number | undefined): IdxArray {
  const { path, size } = file;
  const header = parseIdxHeader(inflatePrefix(file), path, expectedRank, size);
  checkCount(header, path);
  const declared = header.headerSize + header.count;
  if (declared > size * MAX_DEFLATE_RATIO) {
    throw new DataFormatError(path, `header declares [${header.dims.join(' × ')}] = ${header.count} values, more than this ${size}-byte gzip file can hold (truncated?)`);
  }
  // Compressed data is never much larger than what it holds (stored blocks add 5 bytes in
  // 64 KiB); a gzip file far larger than its declared content is not worth reading.
  const maxCompressed = declared + Math.ceil(declared / 8) + (1 << 20);
  if (size > maxCompressed) {
    throw new DataFormatError(path, `is ${size} bytes of gzip, far more than the ${declared} bytes its IDX header declares`);
  }
  // The gzip trailer's size (mod 2^32) of the last member: more than declared means the
  // file inflates past its header, and that is known without inflating anything.
  const trailerSize = size >= 18 ? new DataView(file.read(size - 4, 4).buffer).getUint32(0, true) : 0;
  if (trailerSize > declared) {
    throw new DataFormatError(path, `decompresses to ${trailerSize} bytes (gzip trailer), more than the ${declared} bytes its IDX header declares`);
  }
  let bytes: Uint8Array;
  try {
    // maxOutputLength stops inflating as soon as the output passes the declared size.
    bytes = gunzipSync(file.read(0, size), { maxOutputLength: Math.max(1, declared) });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new DataFormatError(path, `decompresses to more than the ${declared} bytes its IDX header declares`);
    }
    throw new DataFormatError(path, `corrupt gzip data (${error instanceof Error ? error.message : String(error)})`);
  }
  checkIdxSize(header.dims, header.count, bytes.length - header.headerSize, path);
  return { dims: header.dims, data: bytes.subarray(header.headerSize) };
}

/**
 * The first bytes of the decompressed content, enough for the IDX header, from a small
 * prefix of the compressed file: a sync flush returns what a truncated input holds so far,
 * and a prefix of n bytes inflates to at most about 1032 n, so this stays small.
 */
function inflatePrefix(file: RegularFileSync): Uint8Array {
  let out = new Uint8Array(0);
  // A gzip header with a long name or extra field can hide the data past the first KiB.
  for (const length of [1024, 70 * 1024]) {
    const n = Math.min(file.size, length);
    try {
      out = gunzipSync(file.read(0, n), { finishFlush: constants.Z_SYNC_FLUSH });
    } catch (error) {
      throw new DataFormatError(file.path, `corrupt gzip data (${error instanceof Error ? error.message : String(error)})`);
    }
    if (n === file.size || (out.length >= 4 && out.length >= 4 + 4 * out[3]!)) break;
  }
  return out;
}
