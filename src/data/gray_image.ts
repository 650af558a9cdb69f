// Pictures as luminance, the form every decoder here produces and toMnistInput takes: from
// a PNG or JPEG file (image_file.ts, Node) or from a canvas's RGBA pixels (a browser page),
// through the same conversion, so a digit drawn in a page is seen as `nabla predict` sees it.

export interface GrayImage {
  width: number;
  height: number;
  /** Row-major luminance, 0 = black .. 1 = white. */
  pixels: Float64Array;
}

/**
 * RGBA bytes (a decoded PNG, or canvas ImageData) to luminance. `alpha`: composite over
 * white using the fourth byte; otherwise it is ignored.
 */
export function rgbaToGray(width: number, height: number, data: Uint8Array | Uint8ClampedArray, alpha: boolean): GrayImage {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new RangeError(`rgbaToGray: invalid image size ${width}×${height}`);
  }
  if (data.length !== width * height * 4) {
    throw new RangeError(`rgbaToGray: ${data.length} bytes are not the RGBA pixels of a ${width}×${height} image (${width * height * 4})`);
  }
  const pixels = new Float64Array(width * height);
  for (let i = 0; i < pixels.length; i++) {
    const r = data[4 * i]!;
    const g = data[4 * i + 1]!;
    const b = data[4 * i + 2]!;
    const a = alpha ? data[4 * i + 3]! / 255 : 1;
    // Rec. 601 luma (what PIL's "L" mode uses), composited over white: a transparent
    // background is paper, not ink.
    const luma = (0.299 * r + 0.587 * g + 0.114 * b) / 255;
    pixels[i] = luma * a + (1 - a);
  }
  return { width, height, pixels };
}
