// Turning an arbitrary picture of a digit into the 784 inputs the network was trained on,
// following how MNIST itself was made: the digit is scaled to fit a 20×20 box (aspect
// ratio kept, anti-aliased) and placed in a 28×28 field so its centre of mass is at the
// centre. Also writes grayscale PNGs and an SVG contact sheet of predictions.
//
// Gray values here are luminance, 0 = black and 1 = white, except in MNIST inputs, which
// are ink intensity (bright digit on black) like the data set.

import { PNG } from 'pngjs';

export interface GrayImage {
  width: number;
  height: number;
  /** Row-major luminance, 0 = black .. 1 = white. */
  pixels: Float64Array;
}

const SIZE = 28;
const BOX = 20;
const CENTRE = SIZE / 2;
// Ink is anything brighter than this after background removal; small, so the faint
// anti-aliased rim of a stroke still belongs to the digit.
const INK_EPSILON = 0.02;

/** Decodes any PNG pngjs reads (gray, RGB, palette, 1–16 bit, alpha) to luminance. */
export function decodePng(bytes: Uint8Array, source = '<buffer>'): GrayImage {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length < 8 || signature.some((b, i) => bytes[i] !== b)) throw new Error(`${source}: not a PNG file (no PNG signature)`);
  let png: PNG;
  try {
    png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (e) {
    throw new Error(`${source}: corrupt or truncated PNG image (${(e as Error).message})`);
  }
  const { width, height, data } = png;
  if (width === 0 || height === 0) throw new Error(`${source}: PNG image is empty (${width}×${height})`);
  // pngjs normalises every format to 8-bit RGBA.
  const pixels = new Float64Array(width * height);
  for (let i = 0; i < pixels.length; i++) {
    const r = data[4 * i]!;
    const g = data[4 * i + 1]!;
    const b = data[4 * i + 2]!;
    const a = data[4 * i + 3]! / 255;
    // Rec. 601 luma (what PIL's "L" mode uses), composited over white: a transparent
    // background is paper, not ink.
    const luma = (0.299 * r + 0.587 * g + 0.114 * b) / 255;
    pixels[i] = luma * a + (1 - a);
  }
  return { width, height, pixels };
}

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

  // The border is almost all background; its median (robust to a stroke touching the
  // edge) tells the polarity and the background level to remove (grey paper, shadows).
  const border = borderMedian(gray, width, height);
  const invert = border > 0.5;
  const ink = new Float64Array(width * height);
  const background = invert ? 1 - border : border;
  const range = 1 - background;
  let peak = 0;
  for (let i = 0; i < ink.length; i++) {
    const v = Number(gray[i]);
    const raw = Number.isFinite(v) ? (invert ? 1 - v : v) : 0;
    const x = range > 0 ? Math.min(1, Math.max(0, (raw - background) / range)) : 0;
    ink[i] = x;
    if (x > peak) peak = x;
  }
  if (peak <= INK_EPSILON) throw new Error(`${source}: image is blank, no digit found`);
  // Stretch so the darkest stroke is full intensity, as in MNIST, whatever the pen.
  for (let i = 0; i < ink.length; i++) ink[i] = ink[i]! / peak;

  let x0 = width;
  let x1 = -1;
  let y0 = height;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (ink[y * width + x]! > INK_EPSILON) {
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
    cropped.set(ink.subarray((y0 + y) * width + x0, (y0 + y) * width + x0 + boxW), y * boxW);
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

function borderMedian(gray: ArrayLike<number>, width: number, height: number): number {
  const values: number[] = [];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (y === 0 || y === height - 1 || x === 0 || x === width - 1) {
        const v = Number(gray[y * width + x]);
        values.push(Number.isFinite(v) ? v : 0);
      }
    }
  }
  values.sort((a, b) => a - b);
  const mid = values.length >> 1;
  return values.length % 2 === 1 ? values[mid]! : (values[mid - 1]! + values[mid]!) / 2;
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

/**
 * An 8-bit grayscale PNG. Float arrays hold 0..1 (clamped, NaN as 0); a Uint8Array holds
 * 0..255 as is.
 */
export function encodePng(gray: Float64Array | Float32Array | Uint8Array, width: number, height: number): Uint8Array {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new Error(`encodePng: invalid image size ${width}×${height}`);
  }
  if (gray.length !== width * height) throw new Error(`encodePng: ${gray.length} pixels do not make a ${width}×${height} image`);
  const bytes = Buffer.alloc(width * height);
  if (gray instanceof Uint8Array) {
    bytes.set(gray);
  } else {
    for (let i = 0; i < bytes.length; i++) {
      const v = gray[i]!;
      bytes[i] = v > 0 ? Math.min(255, Math.round(v * 255)) : 0;
    }
  }
  const png = new PNG({ width, height });
  png.data = bytes;
  const out = PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false, bitDepth: 8 });
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

export interface DigitGridItem {
  /** 784 values, 0..1, row-major 28×28 (MNIST polarity: bright digit on black). */
  pixels: ArrayLike<number>;
  trueLabel: number;
  predicted: number;
}

/**
 * An SVG contact sheet of digits, each scaled up `scale` times with crisp pixels and
 * captioned "true 7 → pred 2"; wrong predictions are outlined and captioned in red.
 */
export function digitGridSvg(items: DigitGridItem[], columns = 10, scale = 3): string {
  if (!Number.isInteger(columns) || columns < 1) throw new Error(`digitGridSvg: columns must be a positive integer, got ${columns}`);
  const side = SIZE * scale;
  const cellW = side + 24;
  const cellH = side + 30;
  const cols = Math.max(1, Math.min(columns, items.length));
  const rows = Math.ceil(items.length / cols);
  const width = cols * cellW;
  const height = Math.max(1, rows) * cellH;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<style>text{font-family:system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;font-size:12px;fill:#333}` +
      `.wrong{fill:#d62728;font-weight:600}image{image-rendering:optimizeSpeed;image-rendering:pixelated}</style>`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
  ];
  items.forEach((item, i) => {
    if (item.pixels.length !== SIZE * SIZE) {
      throw new Error(`digitGridSvg: item ${i} has ${item.pixels.length} pixels, expected ${SIZE * SIZE}`);
    }
    const pixels = Float64Array.from(item.pixels);
    const uri = `data:image/png;base64,${Buffer.from(encodePng(pixels, SIZE, SIZE)).toString('base64')}`;
    const x = (i % cols) * cellW + 12;
    const y = Math.floor(i / cols) * cellH + 8;
    const wrong = item.trueLabel !== item.predicted;
    out.push(`<image x="${x}" y="${y}" width="${side}" height="${side}" href="${uri}"/>`);
    if (wrong) out.push(`<rect x="${x - 1.5}" y="${y - 1.5}" width="${side + 3}" height="${side + 3}" fill="none" stroke="#d62728" stroke-width="3"/>`);
    const caption = `true ${label(item.trueLabel)} → pred ${label(item.predicted)}`;
    out.push(`<text${wrong ? ' class="wrong"' : ''} x="${x + side / 2}" y="${y + side + 17}" text-anchor="middle">${caption}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}

// Labels are numbers, but come from files; never let anything else into the markup.
function label(v: number): string {
  return Number.isFinite(v) ? String(v) : '?';
}
