import type { ConvGeometry, FloatArray } from '../backend.js';
import { checkPoolPadding } from '../conv_geometry.js';

// The plainest loops over the book's layouts; the wasm kernels are tested against these.

export function im2colReference(g: ConvGeometry, x: FloatArray, col: FloatArray): void {
  const { n, c, h, w, fh, fw, stride, pad, oh, ow } = g;
  const cols = c * fh * fw;
  for (let i = 0; i < n; i++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        const row = ((i * oh + oy) * ow + ox) * cols;
        for (let ch = 0; ch < c; ch++) {
          for (let ky = 0; ky < fh; ky++) {
            const y = oy * stride - pad + ky;
            for (let kx = 0; kx < fw; kx++) {
              const xx = ox * stride - pad + kx;
              const inside = y >= 0 && y < h && xx >= 0 && xx < w;
              col[row + (ch * fh + ky) * fw + kx] = inside ? x[((i * c + ch) * h + y) * w + xx]! : 0;
            }
          }
        }
      }
    }
  }
}

export function col2imReference(g: ConvGeometry, col: FloatArray, dx: FloatArray): void {
  const { n, c, h, w, fh, fw, stride, pad, oh, ow } = g;
  const cols = c * fh * fw;
  dx.fill(0, 0, n * c * h * w);
  for (let i = 0; i < n; i++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        const row = ((i * oh + oy) * ow + ox) * cols;
        for (let ch = 0; ch < c; ch++) {
          for (let ky = 0; ky < fh; ky++) {
            const y = oy * stride - pad + ky;
            if (y < 0 || y >= h) continue;
            for (let kx = 0; kx < fw; kx++) {
              const xx = ox * stride - pad + kx;
              if (xx < 0 || xx >= w) continue;
              dx[((i * c + ch) * h + y) * w + xx] += col[row + (ch * fh + ky) * fw + kx]!;
            }
          }
        }
      }
    }
  }
}

export function transposeBatchReference(batch: number, rows: number, cols: number, x: FloatArray, out: FloatArray): void {
  for (let b = 0; b < batch; b++) {
    const base = b * rows * cols;
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) out[base + j * rows + i] = x[base + i * cols + j]!;
    }
  }
}

export function maxPoolForwardReference(g: ConvGeometry, x: FloatArray, out: FloatArray, argmax: Int32Array): void {
  checkPoolPadding('maxPoolForward', g);
  const { n, c, h, w, fh, fw, stride, pad, oh, ow } = g;
  for (let plane = 0; plane < n * c; plane++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        let best = -1;
        let max = -Infinity;
        for (let ky = 0; ky < fh; ky++) {
          const y = oy * stride - pad + ky;
          if (y < 0 || y >= h) continue;
          for (let kx = 0; kx < fw; kx++) {
            const xx = ox * stride - pad + kx;
            if (xx < 0 || xx >= w) continue;
            const value = x[plane * h * w + y * w + xx]!;
            // The first pixel always takes the place; after that a NaN wins once and keeps it.
            if (best < 0 || value > max || (value !== value && max === max)) {
              best = y * w + xx;
              max = value;
            }
          }
        }
        const o = (plane * oh + oy) * ow + ox;
        out[o] = max;
        argmax[o] = best;
      }
    }
  }
}

export function maxPoolBackwardReference(g: ConvGeometry, dout: FloatArray, argmax: Int32Array, dx: FloatArray): void {
  checkPoolPadding('maxPoolBackward', g);
  const { n, c, h, w, oh, ow } = g;
  dx.fill(0, 0, n * c * h * w);
  for (let plane = 0; plane < n * c; plane++) {
    for (let o = 0; o < oh * ow; o++) dx[plane * h * w + argmax[plane * oh * ow + o]!] += dout[plane * oh * ow + o]!;
  }
}
