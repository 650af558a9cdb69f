// Drawing digits: 8-bit grayscale PNGs and an SVG contact sheet of predictions.

import { PNG } from 'pngjs';

const SIZE = 28;

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

const SHEET_COLUMNS = 10;
const GAP = 2;
const GAP_LEVEL = 0.25;
const CAPTION_HEIGHT = 8;

// A 3×5 pixel font, enough for captions such as "7>2" under a 28-pixel digit.
const GLYPHS: Record<string, string[]> = {
  0: ['###', '#.#', '#.#', '#.#', '###'],
  1: ['.#.', '##.', '.#.', '.#.', '###'],
  2: ['###', '..#', '###', '#..', '###'],
  3: ['###', '..#', '.##', '..#', '###'],
  4: ['#.#', '#.#', '###', '..#', '..#'],
  5: ['###', '#..', '###', '..#', '###'],
  6: ['###', '#..', '###', '#.#', '###'],
  7: ['###', '..#', '.#.', '.#.', '.#.'],
  8: ['###', '#.#', '###', '#.#', '###'],
  9: ['###', '#.#', '###', '..#', '###'],
  '>': ['#..', '.#.', '..#', '.#.', '#..'],
  '?': ['###', '..#', '.##', '...', '.#.'],
};

/**
 * A grayscale PNG of 28×28 digits in MNIST polarity (bright on black) at 1:1: one digit
 * is exactly 28×28; several are laid out 10 per row, in order, with thin grey gaps. With
 * `captions` (digits, '>' and '?'), each is written in a small pixel font under its digit.
 */
export function digitSheet(digits: readonly ArrayLike<number>[], captions?: readonly string[]): Uint8Array {
  // Nothing to draw (a model with no errors) is still a valid picture: one grey cell.
  if (digits.length === 0) return encodePng(new Float64Array(SIZE * SIZE).fill(GAP_LEVEL), SIZE, SIZE);
  digits.forEach((d, i) => {
    if (d.length !== SIZE * SIZE) throw new Error(`digitSheet: digit ${i} has ${d.length} pixels, expected ${SIZE * SIZE}`);
  });
  const cellH = SIZE + (captions ? CAPTION_HEIGHT : 0);
  if (digits.length === 1 && !captions) return encodePng(Float64Array.from(digits[0]!), SIZE, SIZE);
  const cols = Math.min(SHEET_COLUMNS, digits.length);
  const rows = Math.ceil(digits.length / cols);
  const width = cols * SIZE + (cols - 1) * GAP;
  const height = rows * cellH + (rows - 1) * GAP;
  const out = new Float64Array(width * height).fill(GAP_LEVEL);
  digits.forEach((digit, i) => {
    const x0 = (i % cols) * (SIZE + GAP);
    const y0 = Math.floor(i / cols) * (cellH + GAP);
    for (let y = 0; y < cellH; y++) out.fill(0, (y0 + y) * width + x0, (y0 + y) * width + x0 + SIZE);
    for (let y = 0; y < SIZE; y++) {
      for (let x = 0; x < SIZE; x++) out[(y0 + y) * width + x0 + x] = digit[y * SIZE + x]!;
    }
    const caption = captions?.[i];
    if (caption) drawText(out, width, x0 + Math.max(0, Math.floor((SIZE - (4 * caption.length - 1)) / 2)), y0 + SIZE + 1, caption);
  });
  return encodePng(out, width, height);
}

function drawText(out: Float64Array, width: number, x0: number, y0: number, text: string): void {
  [...text].forEach((ch, k) => {
    const glyph = GLYPHS[ch] ?? GLYPHS['?']!;
    glyph.forEach((row, y) => {
      for (let x = 0; x < 3; x++) if (row[x] === '#') out[(y0 + y) * width + x0 + 4 * k + x] = 1;
    });
  });
}
