import type { ConvNetSpec } from './network.js';
import { deepConvNetShapes } from './deep_conv_net.js';
import { pooledSize, sweptSize, type ConvParam } from './conv_images.js';
import { simpleConvNetShapes } from './simple_conv_net.js';

export interface ConvNetFootprint {
  weights: number;
  largestWeight: number;
  /** Buffer elements per image across all layers, as the layers size them. */
  perRow: number;
  largestPerRow: number;
}

/**
 * What a conv net keeps per image, from its spec: each Convolution's im2col windows (also
 * its dcol), its product rows, output and dx; each Relu's output and dx; each Pooling's
 * output and dx; the Affine layers' (small) outputs. Used to refuse a batch that cannot fit.
 */
export function convNetFootprint(spec: ConvNetSpec): ConvNetFootprint {
  const shapes = spec.type === 'SimpleConvNet' ? simpleConvNetShapes(spec) : deepConvNetShapes(spec);
  const sizes = Object.values(shapes).map((s) => s.reduce((a, b) => a * b, 1));
  const params: ConvParam[] = spec.type === 'SimpleConvNet' ? [spec.convParam] : spec.convParams;
  let [c, h, w] = spec.inputDim;
  let perRow = 0;
  let largestPerRow = 0;
  params.forEach((p, i) => {
    const oh = sweptSize(h, p.filterSize, p.pad, p.stride);
    const ow = sweptSize(w, p.filterSize, p.pad, p.stride);
    const col = oh * ow * c * p.filterSize * p.filterSize;
    const out = p.filterNum * oh * ow;
    perRow += col + 2 * out + c * h * w + 2 * out; // col, rows + output, dx; the Relu's output and dx
    largestPerRow = Math.max(largestPerRow, col);
    [c, h, w] = [p.filterNum, oh, ow];
    if (spec.type === 'SimpleConvNet' || i % 2 === 1) {
      [h, w] = [pooledSize(h), pooledSize(w)];
      perRow += 2 * c * h * w + c * 4 * h * w; // pooled output and argmax, dx at the unpooled size
    }
  });
  perRow += 6 * (spec.hiddenSize + spec.outputSize);
  return { weights: sizes.reduce((a, b) => a + b, 0), largestWeight: Math.max(...sizes), perRow, largestPerRow };
}
