import type { ConvGeometry } from './backend.js';

export interface ConvGeometryInput {
  n: number;
  c: number;
  h: number;
  w: number;
  fh: number;
  fw: number;
  stride: number;
  pad: number;
}

/**
 * Checks a window sweep and derives its output size. Every size is a non-negative safe
 * integer, the window fits the padded image, and a pooling caller can further require
 * pad ≤ fh/2 (see checkPoolPadding), so a kernel never sees a geometry it cannot honour.
 */
export function convGeometry(where: string, input: ConvGeometryInput): ConvGeometry {
  const { n, c, h, w, fh, fw, stride, pad } = input;
  for (const [name, value, min] of [['batch', n, 0], ['channels', c, 1], ['height', h, 1], ['width', w, 1], ['filter height', fh, 1], ['filter width', fw, 1], ['stride', stride, 1], ['pad', pad, 0]] as const) {
    if (!Number.isSafeInteger(value) || value < min) throw new RangeError(`${where}: ${name} must be an integer ≥ ${min}, got ${value}`);
  }
  if (fh > h + 2 * pad || fw > w + 2 * pad) {
    throw new RangeError(`${where}: a ${fh}×${fw} window does not fit a ${h}×${w} image with padding ${pad}`);
  }
  const oh = Math.floor((h + 2 * pad - fh) / stride) + 1;
  const ow = Math.floor((w + 2 * pad - fw) / stride) + 1;
  return { n, c, h, w, fh, fw, stride, pad, oh, ow };
}

/** Max pooling needs a real pixel in every window: padding at most half the window. */
export function checkPoolPadding(where: string, g: ConvGeometry): void {
  if (2 * g.pad > g.fh || 2 * g.pad > g.fw) {
    throw new RangeError(`${where}: pad ${g.pad} must be at most half the ${g.fh}×${g.fw} pooling window`);
  }
}
