import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PNG } from 'pngjs';
import { encodePng } from '../../src/data/digit_grid.js';
import { resize, toMnistInput } from '../../src/data/digit_image.js';
import { decodePng } from '../../src/data/image_file.js';
import { Random } from '../../src/tensor/random.js';
import { mnistDigits } from '../helpers.js';
import { CONDITIONS, PHOTO_SIZE, photoOf } from './photo_digits.js';

/** An RGBA PNG from a per-pixel function. */
function rgbaPng(width: number, height: number, pixel: (x: number, y: number) => [number, number, number, number]): Uint8Array {
  const png = new PNG({ width, height });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) png.data.set(pixel(x, y), 4 * (y * width + x));
  }
  return PNG.sync.write(png);
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


describe('toMnistInput on photo-like pictures', () => {
  it('finds the same digit on a lit gradient, with sensor noise, on ruled paper and all three', () => {
    const digits = mnistDigits(20);
    for (const condition of CONDITIONS) {
      const diffs = digits.map((digit, k) => {
        const clean = toMnistInput(digit, 28, 28);
        const photo = toMnistInput(photoOf(digit, condition, k), PHOTO_SIZE, PHOTO_SIZE, `${condition}-${k}`);
        let diff = 0;
        for (let i = 0; i < 784; i++) diff += Math.abs(photo[i]! - clean[i]!);
        return diff / 784;
      });
      const mean = diffs.reduce((a, b) => a + b, 0) / diffs.length;
      // Resampling a 4× copy alone costs about 0.03; a single background level costs 0.13.
      assert.ok(mean < 0.06, `${condition}: mean abs difference ${mean.toFixed(3)} (${diffs.map((d) => d.toFixed(2)).join(' ')})`);
      assert.ok(Math.max(...diffs) < 0.12, `${condition}: worst ${Math.max(...diffs).toFixed(3)}`);
    }
  });

  it('calls pure noise and a plain gradient blank, and refuses non-finite pixels', () => {
    const rng = new Random(7);
    const noise = Float64Array.from({ length: 100 * 100 }, () => 0.8 + 0.08 * rng.normal());
    assert.throws(() => toMnistInput(noise, 100, 100, 'noise.png'), { message: 'noise.png: image is blank, no digit found' });
    const gradient = Float64Array.from({ length: 100 * 100 }, (_, i) => 0.3 + 0.6 * ((i % 100) / 100));
    assert.throws(() => toMnistInput(gradient, 100, 100, 'lamp.png'), { message: 'lamp.png: image is blank, no digit found' });
    const nan = new Float64Array(784).fill(0.5);
    nan[3] = Number.NaN;
    nan[9] = Infinity;
    assert.throws(() => toMnistInput(nan, 28, 28, 'nan'), { message: 'nan: 2 pixel values are not finite (NaN or ±Infinity)' });
  });

  it('prepares a 12-megapixel photo in well under a second', () => {
    const w = 4000, h = 3000;
    const big = new Float64Array(w * h).fill(0.9);
    for (let y = 1000; y < 2200; y++) for (let x = 1800 + ((y - 1000) >> 3); x < 1960 + ((y - 1000) >> 3); x++) big[y * w + x] = 0.15;
    const t0 = performance.now();
    const input = toMnistInput(big, w, h, 'photo.jpg');
    const ms = performance.now() - t0;
    assert.ok(ms < 3000, `${ms.toFixed(0)} ms`);
    assert.equal(Math.max(...input), 1);
  });
});
