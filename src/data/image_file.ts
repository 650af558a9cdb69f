// Reading pictures of digits (PNG or JPEG) into luminance, treating every file as hostile:
// the dimensions are read from the header (PNG IHDR, JPEG SOF) and checked against a
// pixel limit before anything is decoded, and no more of a file is read, or inflated,
// than an image of that size can need. A 227-byte PNG claiming 50000×50000 pixels is
// refused after reading 33 bytes.

import { inflateSync } from 'node:zlib';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { printable } from '../io/printable.js';
import { rgbaToGray, type GrayImage } from './gray_image.js';
import { openRegularFile, type RegularFile } from '../io/regular_file.js';


/** The most pixels an image may have: 16 megapixels, more than a 12 MP phone photo. */
export const MAX_IMAGE_PIXELS = 16 * 1024 * 1024;
/** The longest side: a 16-megapixel strip one pixel high is no digit, and costs as much to prepare. */
export const MAX_IMAGE_SIDE = 16384;

export class ImageFormatError extends Error {
  constructor(readonly source: string, problem: string) {
    super(`${printable(source, 1000)}: ${problem}`);
    this.name = 'ImageFormatError';
  }
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
// Room for metadata chunks or segments (text, ICC profiles, EXIF) beyond the pixel data.
const METADATA_ALLOWANCE = 16 * 1024 * 1024;

type Format = 'png' | 'jpeg';

function sniff(bytes: Uint8Array): Format | undefined {
  if (bytes.length >= 8 && PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return 'png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  return undefined;
}

interface Header {
  width: number;
  height: number;
  /** The most bytes a file holding an image of this size and format can sensibly have. */
  maxFileBytes: number;
}

function checkSize(width: number, height: number, source: string, format: string): void {
  if (width === 0 || height === 0) throw new ImageFormatError(source, `${format} image is empty (${width}×${height})`);
  if (width * height > MAX_IMAGE_PIXELS) {
    throw new ImageFormatError(source, `${format} image is ${width}×${height} pixels, more than the limit of ${MAX_IMAGE_PIXELS} (${MAX_IMAGE_PIXELS / (1024 * 1024)} megapixels); scale it down`);
  }
  if (width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE) {
    throw new ImageFormatError(source, `${format} image is ${width}×${height} pixels, longer than the limit of ${MAX_IMAGE_SIDE} pixels a side; crop or scale it`);
  }
}

// ---------------------------------------------------------------------------------------
// PNG

interface PngHeader extends Header {
  /** Bytes of filtered scanlines the image data must inflate to, exactly. */
  rawBytes: number;
  interlaced: boolean;
}

const PNG_CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
// Adam7 passes: x start, y start, x step, y step.
const ADAM7 = [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2]] as const;

/** The IHDR chunk, which the PNG spec puts first, from the first 33 bytes. */
function pngHeader(first: Uint8Array, source: string): PngHeader {
  const view = new DataView(first.buffer, first.byteOffset, first.byteLength);
  if (first.length < 33 || view.getUint32(8) !== 13 || String.fromCharCode(...first.subarray(12, 16)) !== 'IHDR') {
    throw new ImageFormatError(source, 'corrupt or truncated PNG image (no IHDR chunk first)');
  }
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  const depth = first[24]!;
  const channels = PNG_CHANNELS[first[25]!];
  if (channels === undefined || ![1, 2, 4, 8, 16].includes(depth)) {
    throw new ImageFormatError(source, `corrupt PNG image (colour type ${first[25]}, bit depth ${depth})`);
  }
  checkSize(width, height, source, 'PNG');
  const bits = channels * depth;
  const rowBytes = (w: number) => Math.ceil((w * bits) / 8) + 1; // + the filter byte
  const interlaced = first[28] === 1;
  let rawBytes = height * rowBytes(width);
  if (interlaced) {
    rawBytes = 0;
    for (const [x0, y0, dx, dy] of ADAM7) {
      const w = Math.ceil((width - x0) / dx);
      const h = Math.ceil((height - y0) / dy);
      if (w > 0 && h > 0) rawBytes += h * rowBytes(w);
    }
  }
  // Stored (uncompressed) deflate blocks add 5 bytes per 65535, chunks 12 bytes each.
  return { width, height, rawBytes, interlaced, maxFileBytes: rawBytes + Math.ceil(rawBytes / 1000) + METADATA_ALLOWANCE };
}

/**
 * pngjs bounds what it inflates by the image size, except for interlaced images; for
 * those, inflate once here with that bound, so compressed data that expands past what
 * the header says is refused before pngjs sees it.
 */
function checkInterlacedData(bytes: Uint8Array, header: PngHeader, source: string): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const idat: Uint8Array[] = [];
  for (let p = 8; p + 8 <= bytes.length;) {
    const length = view.getUint32(p);
    const type = String.fromCharCode(...bytes.subarray(p + 4, p + 8));
    if (type === 'IDAT') idat.push(bytes.subarray(p + 8, Math.min(bytes.length, p + 8 + length)));
    if (type === 'IEND') break;
    p += 12 + length;
  }
  try {
    inflateSync(Buffer.concat(idat), { maxOutputLength: Math.max(1, header.rawBytes) });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new ImageFormatError(source, `corrupt PNG image (its data inflates to more than the ${header.rawBytes} bytes a ${header.width}×${header.height} image needs)`);
    }
    // Anything else pngjs reports in its own words below.
  }
}

/** Decodes any PNG pngjs reads (gray, RGB, palette, 1–16 bit, alpha) to luminance. */
export function decodePng(bytes: Uint8Array, source = '<buffer>'): GrayImage {
  if (sniff(bytes) !== 'png') throw new ImageFormatError(source, 'not a PNG file (no PNG signature)');
  const header = pngHeader(bytes.subarray(0, 33), source);
  if (header.interlaced) checkInterlacedData(bytes, header, source);
  let png: PNG;
  try {
    png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (e) {
    throw new ImageFormatError(source, `corrupt or truncated PNG image (${(e as Error).message})`);
  }
  // pngjs normalises every format to 8-bit RGBA.
  return rgbaToGray(png.width, png.height, png.data, true);
}

// ---------------------------------------------------------------------------------------
// JPEG

/** Start-of-frame markers (baseline, extended, progressive, lossless, …): not DHT, JPG, DAC. */
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

/**
 * Walks the marker segments up to the first start-of-frame and reads the size from it;
 * `bytes` is the file or a prefix of it.
 */
function jpegHeader(bytes: Uint8Array, source: string): Header {
  const read = (position: number, length: number) => bytes.subarray(position, position + length);
  const size = bytes.length;
  let p = 2;
  // Every segment is at least 4 bytes; the bound just guarantees the walk ends.
  for (let segments = 0; segments < 100_000; segments++) {
    const head = read(p, 4);
    if (head.length < 4) break;
    if (head[0] !== 0xff) throw new ImageFormatError(source, `corrupt JPEG image (no marker at byte ${p})`);
    const marker = head[1]!;
    if (marker === 0xff) { p += 1; continue; } // fill byte
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) { p += 2; continue; } // no length
    if (marker === 0xda || marker === 0xd9) break; // scan data or end before any frame
    const length = (head[2]! << 8) | head[3]!;
    if (length < 2) throw new ImageFormatError(source, `corrupt JPEG image (segment length ${length} at byte ${p})`);
    if (isStartOfFrame(marker)) {
      const frame = read(p + 4, 6);
      if (frame.length < 6) break;
      const height = (frame[1]! << 8) | frame[2]!;
      const width = (frame[3]! << 8) | frame[4]!;
      const components = frame[5]!;
      checkSize(width, height, source, 'JPEG');
      if (components < 1 || components > 4) throw new ImageFormatError(source, `corrupt JPEG image (${components} colour components)`);
      // Even at quality 100, JPEG data is smaller than the raw samples; twice is generous.
      return { width, height, maxFileBytes: 2 * width * height * components + METADATA_ALLOWANCE };
    }
    p += 2 + length;
    if (p >= size) break;
  }
  throw new ImageFormatError(source, 'corrupt or truncated JPEG image (no frame header)');
}

function decodeJpegBytes(bytes: Uint8Array, header: Header, source: string): GrayImage {
  // Every 8×8 block costs at least one bit of entropy-coded data (its DC code), so a file
  // far smaller than its claimed size is refused before the decoder allocates for it.
  const minBytes = Math.ceil(Math.ceil(header.width / 8) * Math.ceil(header.height / 8) / 8);
  if (bytes.length < minBytes) {
    throw new ImageFormatError(source, `JPEG claims ${header.width}×${header.height} pixels but holds only ${bytes.length} bytes, fewer than ${minBytes} that size needs (corrupt or truncated)`);
  }
  let image: { width: number; height: number; data: Uint8Array };
  try {
    image = jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: true,
      // A truncated file must be an error, not a picture half grey.
      tolerantDecoding: false,
      // The header was checked already; these bound what the decoder itself allocates.
      maxResolutionInMP: MAX_IMAGE_PIXELS / 1e6,
      maxMemoryUsageInMB: 1024,
    });
  } catch (e) {
    throw new ImageFormatError(source, `corrupt or unsupported JPEG image (${(e as Error).message})`);
  }
  if (image.width !== header.width || image.height !== header.height) {
    throw new ImageFormatError(source, `corrupt JPEG image (decodes to ${image.width}×${image.height}, its header says ${header.width}×${header.height})`);
  }
  return rgbaToGray(image.width, image.height, image.data, false);
}

/** Decodes a baseline or progressive JPEG (gray, RGB, CMYK) to luminance. */
export function decodeJpeg(bytes: Uint8Array, source = '<buffer>'): GrayImage {
  if (sniff(bytes) !== 'jpeg') throw new ImageFormatError(source, 'not a JPEG file (no JPEG signature)');
  const header = jpegHeader(bytes, source);
  return decodeJpegBytes(bytes, header, source);
}

// ---------------------------------------------------------------------------------------
// Both

/** Decodes a PNG or JPEG held in memory, whichever its first bytes say it is. */
export function decodeImage(bytes: Uint8Array, source = '<buffer>'): GrayImage {
  const format = sniff(bytes);
  if (format === 'png') return decodePng(bytes, source);
  if (format === 'jpeg') return decodeJpeg(bytes, source);
  throw new ImageFormatError(source, 'not a PNG or JPEG image');
}

/**
 * Reads and decodes a PNG or JPEG file. Only regular files are read; the header comes
 * first, and a file longer than an image of the header's size can need is refused unread.
 */
export async function readImageFile(path: string): Promise<GrayImage> {
  const file = await openRegularFile(path);
  try {
    const first = await readUpTo(file, 0, 33);
    const format = sniff(first);
    if (format === undefined) throw new ImageFormatError(path, 'not a PNG or JPEG image');
    // A JPEG's frame header follows its metadata segments, which METADATA_ALLOWANCE bounds.
    const prefix = format === 'png' ? first : await readUpTo(file, 0, METADATA_ALLOWANCE + 1024);
    const header = format === 'png' ? pngHeader(first, path) : jpegHeader(prefix, path);
    if (file.size > header.maxFileBytes) {
      throw new ImageFormatError(path, `is ${file.size} bytes, far more than a ${header.width}×${header.height} image needs; refusing to read it`);
    }
    const bytes = prefix.length === file.size ? prefix : await file.read(0, file.size);
    return format === 'png' ? decodePng(bytes, path) : decodeJpegBytes(bytes, header, path);
  } finally {
    await file.close();
  }
}

async function readUpTo(file: RegularFile, position: number, length: number): Promise<Uint8Array> {
  const n = Math.max(0, Math.min(length, file.size - position));
  return file.read(position, n);
}
