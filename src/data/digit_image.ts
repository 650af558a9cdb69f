// Turning an arbitrary picture of a digit into the 784 inputs the network was trained on,
// following how MNIST itself was made: the digit is scaled to fit a 20×20 box (aspect
// ratio kept, anti-aliased) and placed in a 28×28 field so its centre of mass is at the
// centre. (Decoding files: image_file.ts; drawing digits: digit_grid.ts.)
//
// Gray values here are luminance, 0 = black and 1 = white, except in MNIST inputs, which
// are ink intensity (bright digit on black) like the data set.

import { separateInk } from './ink.js';

const SIZE = 28;
const BOX = 20;
const CENTRE = SIZE / 2;
// Side of the working copy of a large picture (see toMnistInput).
const WORK_SIDE = 1024;

/**
 * 784 values in 0..1, row-major 28×28, bright digit on black, from a grayscale image of
 * any size with either polarity.
 */
export function toMnistInput(gray: ArrayLike<number>, width: number, height: number, source = '<image>'): Float64Array {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new Error(`${source}: invalid image size ${width}×${height}`);
  }
  if (gray.length !== width * height) {
    throw new Error(`${source}: ${gray.length} pixels do not make a ${width}×${height} image`);
  }

  const pixels = gray instanceof Float64Array ? gray : Float64Array.from(gray, Number);
  // Count, don't guess: a NaN pixel is a bug upstream, not paper.
  let bad = 0;
  for (let i = 0; i < pixels.length; i++) if (pixels[i]! - pixels[i]! !== 0) bad++;
  if (bad > 0) throw new Error(`${source}: ${bad} pixel value${bad === 1 ? ' is' : 's are'} not finite (NaN or ±Infinity)`);

  // The output is 20 pixels across: a working copy no larger than WORK_SIDE keeps a big
  // photo's strokes many pixels wide while bounding the time spent finding them.
  const shrink = Math.min(1, WORK_SIDE / Math.max(width, height));
  const w = Math.max(1, Math.round(width * shrink));
  const h = Math.max(1, Math.round(height * shrink));
  const work = shrink < 1 ? resize(pixels, width, height, w, h) : pixels;
  const found = separateInk(work, w, h);
  if (found === undefined) throw new Error(`${source}: image is blank, no digit found`);
  const { ink, threshold } = found;

  let x0 = w;
  let x1 = -1;
  let y0 = h;
  let y1 = -1;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (ink[y * w + x]! > threshold) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  const boxW = x1 - x0 + 1;
  const boxH = y1 - y0 + 1;
  const scale = BOX / Math.max(boxW, boxH);
  const outW = Math.max(1, Math.min(BOX, Math.round(boxW * scale)));
  const outH = Math.max(1, Math.min(BOX, Math.round(boxH * scale)));

  const cropped = new Float64Array(boxW * boxH);
  for (let y = 0; y < boxH; y++) {
    cropped.set(ink.subarray((y0 + y) * w + x0, (y0 + y) * w + x0 + boxW), y * boxW);
  }
  const scaled = resize(cropped, boxW, boxH, outW, outH);
  // Weights sum to 1, but only up to rounding; inputs stay within 0..1 exactly.
  for (let i = 0; i < scaled.length; i++) scaled[i] = Math.min(1, Math.max(0, scaled[i]!));

  // Centre of mass in pixel indices, put at index (14, 14): that is where MNIST put it
  // (the mean centre of mass of its digits, measured this way, is 14.0 on both axes),
  // half a pixel right of and below the geometric middle of the field.
  let mass = 0;
  let mx = 0;
  let my = 0;
  for (let y = 0; y < outH; y++) {
    for (let x = 0; x < outW; x++) {
      const v = scaled[y * outW + x]!;
      mass += v;
      mx += v * x;
      my += v * y;
    }
  }
  // Whole-pixel shift, as MNIST was made (no resampling blur). Clamped so a lopsided
  // digit is shifted less rather than cut off at the edge.
  const dx = clampInt(Math.round(CENTRE - mx / mass), 0, SIZE - outW);
  const dy = clampInt(Math.round(CENTRE - my / mass), 0, SIZE - outH);
  const out = new Float64Array(SIZE * SIZE);
  for (let y = 0; y < outH; y++) {
    for (let x = 0; x < outW; x++) out[(y + dy) * SIZE + x + dx] = scaled[y * outW + x]!;
  }
  return out;
}

/** Separable resize: area averaging on an axis that shrinks, bilinear on one that grows. */
export function resize(src: Float64Array, w: number, h: number, outW: number, outH: number): Float64Array {
  const wx = axisWeights(w, outW);
  const wy = axisWeights(h, outH);
  const rows = new Float64Array(outW * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < outW; x++) {
      let s = 0;
      for (const [j, wt] of wx[x]!) s += src[y * w + j]! * wt;
      rows[y * outW + x] = s;
    }
  }
  const out = new Float64Array(outW * outH);
  for (let y = 0; y < outH; y++) {
    for (let x = 0; x < outW; x++) {
      let s = 0;
      for (const [j, wt] of wy[y]!) s += rows[j * outW + x]! * wt;
      out[y * outW + x] = s;
    }
  }
  return out;
}

/** For each output index, the source indices and weights (summing to 1) that make it. */
function axisWeights(src: number, dst: number): [number, number][][] {
  const weights: [number, number][][] = [];
  if (dst <= src) {
    // Box filter: each output pixel averages the source span it covers, fractional
    // pixels at its ends weighted by overlap, so thin strokes fade rather than vanish.
    const ratio = src / dst;
    for (let i = 0; i < dst; i++) {
      const a = i * ratio;
      const b = (i + 1) * ratio;
      const taps: [number, number][] = [];
      for (let j = Math.floor(a); j < Math.min(src, Math.ceil(b)); j++) {
        const overlap = Math.min(b, j + 1) - Math.max(a, j);
        if (overlap > 1e-12) taps.push([j, overlap / ratio]);
      }
      weights.push(taps);
    }
  } else {
    // Bilinear between pixel centres; ends clamp to the edge pixels.
    for (let i = 0; i < dst; i++) {
      const pos = Math.min(src - 1, Math.max(0, ((i + 0.5) * src) / dst - 0.5));
      const j = Math.floor(pos);
      const t = pos - j;
      weights.push(t > 0 && j + 1 < src ? [[j, 1 - t], [j + 1, t]] : [[j, 1]]);
    }
  }
  return weights;
}

function clampInt(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v)) | 0;
}

