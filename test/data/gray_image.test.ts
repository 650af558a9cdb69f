import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rgbaToGray } from '../../src/data/gray_image.js';

describe('rgbaToGray', () => {
  it('gives luminance composited over white: black, white, transparent, half-transparent black', () => {
    const data = new Uint8Array([0, 0, 0, 255, 255, 255, 255, 255, 0, 0, 0, 0, 0, 0, 0, 51]);
    const { width, height, pixels } = rgbaToGray(2, 2, data, true);
    assert.deepEqual([width, height], [2, 2]);
    assert.deepEqual(Array.from(pixels), [0, 1, 1, 0.8]);
    assert.deepEqual(Array.from(rgbaToGray(2, 2, data, false).pixels), [0, 1, 0, 0]);
  });

  it('refuses sizes and pixel counts that do not make the image, naming them', () => {
    const four = new Uint8Array(16);
    assert.throws(() => rgbaToGray(2, 2, new Uint8Array(15), true), /^RangeError: rgbaToGray: 15 bytes are not the RGBA pixels of a 2×2 image \(16\)$/);
    assert.throws(() => rgbaToGray(4, 2, four, true), /16 bytes are not the RGBA pixels of a 4×2 image/);
    assert.throws(() => rgbaToGray(1.5, 2, four, true), /^RangeError: rgbaToGray: invalid image size 1.5×2$/);
    assert.throws(() => rgbaToGray(-2, -2, four, true), /invalid image size -2×-2/);
  });
});
