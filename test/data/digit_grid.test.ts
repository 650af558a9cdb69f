import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PNG } from 'pngjs';
import { digitGridSvg, digitSheet, encodePng } from '../../src/data/digit_grid.js';
import { decodePng } from '../../src/data/image_file.js';
import { mnistDigits } from '../helpers.js';

describe('encodePng', () => {
  it('writes 8-bit grayscale that decodes to the same values', () => {
    const bytes = Uint8Array.from({ length: 12 }, (_, i) => i * 23);
    const png = encodePng(bytes, 4, 3);
    const back = PNG.sync.read(Buffer.from(png));
    assert.equal(back.width, 4);
    assert.equal(back.height, 3);
    assert.equal(png[25], 0); // IHDR colour type: grayscale
    assert.deepEqual(Array.from(decodePng(png).pixels, (v) => Math.round(v * 255)), Array.from(bytes));
    const floats = encodePng(Float32Array.from([0, 0.5, 1, 2, -1, NaN]), 3, 2);
    assert.deepEqual(Array.from(decodePng(floats).pixels, (v) => Math.round(v * 255)), [0, 128, 255, 255, 0, 0]);
    assert.throws(() => encodePng(new Uint8Array(5), 2, 3), /5 pixels do not make a 2×3 image/);
  });
});

describe('digitGridSvg', () => {
  it('draws each digit as a pixelated PNG with its caption, wrong ones in red', () => {
    const digits = mnistDigits(3);
    const svg = digitGridSvg([
      { pixels: digits[0]!, trueLabel: 7, predicted: 7 },
      { pixels: digits[1]!, trueLabel: 2, predicted: 3 },
      { pixels: Array.from(digits[2]!), trueLabel: 1, predicted: 1 },
    ], 2);
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="\d+" height="\d+"/);
    assert.match(svg, /image-rendering:pixelated/);
    const images = [...svg.matchAll(/<image [^>]*href="data:image\/png;base64,([A-Za-z0-9+/=]+)"\/>/g)];
    assert.equal(images.length, 3);
    const first = decodePng(Buffer.from(images[0]![1]!, 'base64'), 'grid');
    assert.equal(first.width, 28);
    for (let i = 0; i < 784; i++) assert.ok(Math.abs(first.pixels[i]! - digits[0]![i]!) <= 0.5 / 255 + 1e-12);
    assert.ok(svg.includes('>true 7 → pred 7</text>'));
    assert.ok(svg.includes('<text class="wrong" x="'));
    assert.match(svg, /<text class="wrong"[^>]*>true 2 → pred 3<\/text>/);
    assert.equal((svg.match(/class="wrong"/g) ?? []).length, 1);
    assert.equal((svg.match(/stroke="#d62728"/g) ?? []).length, 1);
    // Two columns: the third digit starts a second row.
    const ys = [...svg.matchAll(/<image x="(\d+)" y="(\d+)"/g)].map((m) => [Number(m[1]), Number(m[2])]);
    assert.equal(ys[2]![0], ys[0]![0]);
    assert.ok(ys[2]![1]! > ys[0]![1]!);
  });

  it('rejects digits of the wrong size and never emits NaN labels', () => {
    assert.throws(() => digitGridSvg([{ pixels: new Float64Array(780), trueLabel: 1, predicted: 1 }]), /item 0 has 780 pixels, expected 784/);
    const svg = digitGridSvg([{ pixels: new Float64Array(784), trueLabel: NaN, predicted: 3 }]);
    assert.doesNotMatch(svg, /NaN/);
    assert.ok(svg.includes('true ? → pred 3'));
  });
});

describe('digitSheet', () => {
  it('writes one digit as exactly the 28×28 the network saw', () => {
    const [digit] = mnistDigits(1);
    const png = decodePng(digitSheet([digit!]));
    assert.equal(png.width, 28);
    assert.equal(png.height, 28);
    for (let i = 0; i < 784; i++) assert.ok(Math.abs(png.pixels[i]! - digit![i]!) <= 0.5 / 255 + 1e-12);
  });

  it('lays several out 10 per row with gaps, captions in a pixel font', () => {
    const digits = mnistDigits(12);
    const sheet = decodePng(digitSheet(digits));
    assert.equal(sheet.width, 10 * 28 + 9 * 2);
    assert.equal(sheet.height, 2 * 28 + 2);
    // The 12th digit is the second in the second row.
    const at = (x: number, y: number) => sheet.pixels[y * sheet.width + x]!;
    for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) assert.ok(Math.abs(at(30 + x, 30 + y) - digits[11]![y * 28 + x]!) <= 0.5 / 255 + 1e-12);
    const captioned = decodePng(digitSheet(digits.slice(0, 2), ['7>1', '2>2']));
    assert.equal(captioned.height, 28 + 8);
    let lit = 0;
    for (let y = 29; y < 36; y++) for (let x = 0; x < 28; x++) if (captioned.pixels[y * captioned.width + x]! > 0.9) lit++;
    assert.ok(lit >= 15, `${lit} caption pixels lit`);
    assert.throws(() => digitSheet([new Float64Array(10)]), /digit 0 has 10 pixels, expected 784/);
  });
});
