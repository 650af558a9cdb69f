// A digit drawn in a browser page to the 784 inputs a network sees, by the steps `nabla
// predict` takes for a PNG: the canvas's RGBA pixels to luminance, composited over white as
// a PNG with alpha is (a transparent canvas is paper), then toMnistInput. A drawing and a
// picture of it are thus one input, whichever way it reaches nabla.

import { toMnistInput } from './digit_image.js';
import { rgbaToGray } from './gray_image.js';

/**
 * The 784 inputs (row-major 28×28, bright digit on black) of a drawing's RGBA pixels, or
 * undefined while nothing darker than the paper is drawn (a cleared canvas). Throws, as
 * toMnistInput does, for a drawing with no digit to find in it (one covered in ink).
 */
export function drawingToMnistInput(width: number, height: number, rgba: Uint8Array | Uint8ClampedArray, source = 'the drawing'): Float64Array | undefined {
  if (rgba.length !== width * height * 4) throw new Error(`${source}: ${rgba.length} bytes do not make ${width}×${height} RGBA pixels`);
  const { pixels } = rgbaToGray(width, height, rgba, true);
  // The common case, an empty canvas, costs one pass rather than toMnistInput's search.
  let ink = false;
  for (let i = 0; i < pixels.length && !ink; i++) ink = pixels[i]! < 1;
  return ink ? toMnistInput(pixels, width, height, source) : undefined;
}
