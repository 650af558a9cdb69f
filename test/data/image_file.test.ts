import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, ftruncateSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants, deflateRawSync, deflateSync } from 'node:zlib';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { decodeImage, decodeJpeg, decodePng, MAX_IMAGE_PIXELS, MAX_IMAGE_SIDE, readImageFile } from '../../src/data/image_file.js';
import { assertCheap, costInChild, makeFifo } from '../helpers.js';

/** An RGBA PNG from a per-pixel function. */
function rgbaPng(width: number, height: number, pixel: (x: number, y: number) => [number, number, number, number]): Uint8Array {
  const png = new PNG({ width, height });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) png.data.set(pixel(x, y), 4 * (y * width + x));
  }
  return PNG.sync.write(png);
}

function crc32(bytes: Uint8Array): number {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

/** A hand-assembled PNG, for formats pngjs cannot write (palette). */
function rawPng(ihdr: number[], chunks: [string, Uint8Array][], scanlines: Uint8Array): Uint8Array {
  return assemblePng(ihdr, [...chunks, ['IDAT', deflateSync(scanlines)]]);
}

/** Signature, IHDR from `ihdr` (width, height, then the five one-byte fields), the chunks, IEND. */
function assemblePng(ihdr: number[], chunks: [string, Uint8Array][]): Uint8Array {
  const chunk = (type: string, data: Uint8Array) => {
    const out = new Uint8Array(12 + data.length);
    const view = new DataView(out.buffer);
    view.setUint32(0, data.length);
    out.set(Buffer.from(type, 'latin1'), 4);
    out.set(data, 8);
    view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
    return out;
  };
  const header = new Uint8Array(13);
  const hv = new DataView(header.buffer);
  hv.setUint32(0, ihdr[0]!);
  hv.setUint32(4, ihdr[1]!);
  header.set(ihdr.slice(2), 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    ...chunks.map(([t, d]) => chunk(t, d)),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

describe('decodePng', () => {
  it('composites RGBA over white and converts to luminance', () => {
    const png = rgbaPng(4, 1, (x) => [[0, 0, 0, 255], [255, 0, 0, 255], [0, 0, 0, 0], [0, 0, 0, 128]][x] as [number, number, number, number]);
    const { width, height, pixels } = decodePng(png, 'rgba.png');
    assert.equal(width, 4);
    assert.equal(height, 1);
    assert.equal(pixels[0], 0);
    assert.ok(Math.abs(pixels[1]! - 0.299) < 1e-9);
    assert.equal(pixels[2], 1); // transparent black is white paper
    assert.ok(Math.abs(pixels[3]! - (1 - 128 / 255)) < 1e-9);
  });

  it('reads 16-bit grayscale and palette images', () => {
    // 16-bit gray, 2×1: 0 and 65535.
    const gray16 = rawPng([2, 1, 16, 0, 0, 0, 0], [], Uint8Array.from([0, 0x00, 0x00, 0xff, 0xff]));
    assert.deepEqual(Array.from(decodePng(gray16, 'g16.png').pixels), [0, 1]);
    // Palette, 1-bit indices: 0 → white, 1 → pure blue (luma 0.114).
    const plte = Uint8Array.from([255, 255, 255, 0, 0, 255]);
    const pal = rawPng([3, 1, 1, 3, 0, 0, 0], [['PLTE', plte]], Uint8Array.from([0, 0b01000000]));
    const p = decodePng(pal, 'pal.png').pixels;
    assert.equal(p[0], 1);
    assert.ok(Math.abs(p[1]! - 0.114) < 1e-9);
    assert.equal(p[2], 1);
  });

  it('names the source when the bytes are not a PNG', () => {
    assert.throws(() => decodePng(Buffer.from('definitely not a png'), 'digit.png'), /^ImageFormatError: digit\.png: not a PNG file \(no PNG signature\)$/);
    const truncated = rgbaPng(10, 10, () => [0, 0, 0, 255]).subarray(0, 40);
    assert.throws(() => decodePng(truncated, 'cut.png'), /^ImageFormatError: cut\.png: corrupt or truncated PNG image \(.+\)$/);
  });
});


/** A grayscale PNG whose IHDR claims width×height and whose data inflates to `zeroChunks` × 10 MB of zeros. */
function pngBomb(width: number, height: number, zeroChunks: number, interlace = 0): Uint8Array {
  const flush = { finishFlush: constants.Z_SYNC_FLUSH };
  const chunk = deflateRawSync(Buffer.alloc(10_000_000), flush);
  // zlib stream: header, sync-flushed deflate blocks, a final empty block; the Adler-32
  // checksum at the end is never reached.
  const idat = Buffer.concat([Buffer.from([0x78, 0x9c]), ...new Array<Buffer>(zeroChunks).fill(chunk), deflateRawSync(Buffer.alloc(0)), Buffer.alloc(4)]);
  return rawPngChunks([width, height, 8, 0, 0, 0, interlace], idat);
}

function rawPngChunks(ihdr: number[], idat: Uint8Array): Uint8Array {
  return assemblePng(ihdr, [['IDAT', idat]]);
}

function withDir(fn: (dir: string) => void | Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'nabla-img-'));
  return Promise.resolve(fn(dir)).finally(() => rmSync(dir, { recursive: true, force: true }));
}

const readInChild = (path: string) => costInChild({ img: 'dist/src/data/image_file.js' }, `await img.readImageFile(${JSON.stringify(path)});`, 60_000);

describe('hostile images', () => {
  it('refuses decompression bombs from the header, in well under a second and 100 MB', () => withDir((dir) => {
    // 227 bytes claiming 50000×50000.
    const tiny = join(dir, 'tiny-bomb.png');
    writeFileSync(tiny, rawPngChunks([50000, 50000, 8, 0, 0, 0, 0], deflateSync(Buffer.alloc(1000))));
    const a = readInChild(tiny);
    assert.equal(a.message, `${tiny}: PNG image is 50000×50000 pixels, more than the limit of ${MAX_IMAGE_PIXELS} (16 megapixels); scale it down`);
    assertCheap(a, 'tiny bomb');
    // About 400 KB whose data really inflates to 400 MB, as a 20000×20000 image would.
    const big = join(dir, 'big-bomb.png');
    writeFileSync(big, pngBomb(20000, 20000, 40));
    const b = readInChild(big);
    assert.match(b.message, /big-bomb\.png: PNG image is 20000×20000 pixels, more than the limit/);
    assertCheap(b, '20000×20000 bomb');
    // Within the pixel limit, interlaced (pngjs does not bound those), inflating far past its size.
    const interlaced = join(dir, 'interlaced-bomb.png');
    writeFileSync(interlaced, pngBomb(1000, 1000, 40, 1));
    const c = readInChild(interlaced);
    assert.match(c.message, /interlaced-bomb\.png: corrupt PNG image \(its data inflates to more than the \d+ bytes a 1000×1000 image needs\)/);
    assertCheap(c, 'interlaced bomb');
    // A JPEG whose frame header claims 60000×60000.
    const jpg = Buffer.from(jpeg.encode({ width: 8, height: 8, data: Buffer.alloc(8 * 8 * 4, 200) }, 90).data);
    const sof = jpg.indexOf(Buffer.from([0xff, 0xc0]));
    jpg.writeUInt16BE(60000, sof + 5);
    jpg.writeUInt16BE(60000, sof + 7);
    const jbomb = join(dir, 'bomb.jpg');
    writeFileSync(jbomb, jpg);
    const d = readInChild(jbomb);
    assert.equal(d.message, `${jbomb}: JPEG image is 60000×60000 pixels, more than the limit of ${MAX_IMAGE_PIXELS} (16 megapixels); scale it down`);
    assertCheap(d, 'JPEG bomb');
    assert.throws(() => decodeImage(jpg, 'mem.jpg'), /^ImageFormatError: mem\.jpg: JPEG image is 60000×60000 pixels/);
    // Within the pixel limit, but a 16-megapixel strip one pixel high: no digit, and as costly.
    const strip = join(dir, 'strip.png');
    writeFileSync(strip, rawPngChunks([16_000_000, 1, 8, 0, 0, 0, 0], deflateSync(Buffer.alloc(16_000_001))));
    const e = readInChild(strip);
    assert.equal(e.message, `${strip}: PNG image is 16000000×1 pixels, longer than the limit of ${MAX_IMAGE_SIDE} pixels a side; crop or scale it`);
    assertCheap(e, 'strip');
    // Within every limit, but far too few bytes for the 4096×4096 the frame claims.
    jpg.writeUInt16BE(4096, sof + 5);
    jpg.writeUInt16BE(4096, sof + 7);
    const thin = join(dir, 'thin.jpg');
    writeFileSync(thin, jpg);
    const f = readInChild(thin);
    assert.match(f.message, /thin\.jpg: JPEG claims 4096×4096 pixels but holds only \d+ bytes, fewer than 32768 that size needs \(corrupt or truncated\)$/);
    assertCheap(f, 'thin JPEG');
  }));

  it('refuses a file far longer than its image needs without reading it', () => withDir(async (dir) => {
    const path = join(dir, 'padded.png');
    const fd = openSync(path, 'w');
    writeSync(fd, rgbaPng(10, 10, () => [0, 0, 0, 255]));
    ftruncateSync(fd, 1_900_000_000);
    closeSync(fd);
    const cost = readInChild(path);
    assert.equal(cost.message, `${path}: is 1900000000 bytes, far more than a 10×10 image needs; refusing to read it`);
    assertCheap(cost, 'padded PNG');
  }));

  it('refuses a FIFO at once, and says what a non-image is', (t) => withDir(async (dir) => {
    await assert.rejects(readImageFile(join(dir, 'x.png')), { message: `${join(dir, 'x.png')}: cannot read (not found)` });
    const text = join(dir, 'notes.png');
    writeFileSync(text, 'hello');
    await assert.rejects(readImageFile(text), { message: `${text}: not a PNG or JPEG image` });
    const fifo = makeFifo(dir, 'digit.png');
    if (fifo === undefined) { t.skip('no mkfifo here'); return; }
    const cost = readInChild(fifo);
    assert.equal(cost.message, `${fifo}: is a named pipe (FIFO), not a regular file; refusing to read it`);
    assertCheap(cost, 'FIFO');
  }));
});

describe('JPEG', () => {
  it('decodes baseline JPEG to luminance, from memory and from a file', () => withDir(async (dir) => {
    const width = 16, height = 8;
    const rgba = Buffer.alloc(width * height * 4);
    for (let i = 0; i < width * height; i++) rgba.fill(i % width < 8 ? 20 : 230, 4 * i, 4 * i + 3), (rgba[4 * i + 3] = 255);
    const bytes = Buffer.from(jpeg.encode({ width, height, data: rgba }, 95).data);
    const image = decodeImage(bytes, 'two.jpg');
    assert.equal(image.width, width);
    assert.equal(image.height, height);
    assert.ok(Math.abs(image.pixels[0]! - 20 / 255) < 0.05, `left ${image.pixels[0]}`);
    assert.ok(Math.abs(image.pixels[width - 1]! - 230 / 255) < 0.05, `right ${image.pixels[width - 1]}`);
    const path = join(dir, 'two.jpeg');
    writeFileSync(path, bytes);
    assert.deepEqual(Array.from((await readImageFile(path)).pixels), Array.from(image.pixels));
    // Truncated: an error, not half a picture.
    assert.throws(() => decodeJpeg(bytes.subarray(0, bytes.length - 40), 'cut.jpg'), /^ImageFormatError: cut\.jpg: corrupt or unsupported JPEG image/);
  }));
});
