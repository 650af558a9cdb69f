// A digit drawn in a page is the input `nabla predict` makes of the same picture as a PNG:
// the Draw page's pipeline (canvas RGBA → drawingToMnistInput) against the CLI itself.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';
import { encodePng } from '../../src/data/digit_grid.js';
import { resize, toMnistInput } from '../../src/data/digit_image.js';
import { drawingToMnistInput } from '../../src/data/drawn_digit.js';
import { decodePng } from '../../src/data/image_file.js';
import { classifyDigit, decodeMnistClassifier } from '../../src/eval/mnist_classifier.js';
import { mnistDigits } from '../helpers.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const SIDE = 280;

/** An MNIST digit as dark ink on white paper, 280×280, smoothly enlarged as a canvas draws it. */
function paper(digit: Float64Array): Float64Array {
  const ink = resize(digit, 28, 28, SIDE, SIDE);
  return ink.map((v) => 1 - Math.min(1, Math.max(0, v)));
}

/** Canvas pixels: opaque gray, as the page's white-filled canvas holds them. */
function opaqueRgba(gray: Float64Array): Uint8ClampedArray {
  const rgba = new Uint8ClampedArray(gray.length * 4);
  gray.forEach((v, i) => {
    const g = Math.round(v * 255);
    rgba.set([g, g, g, 255], 4 * i);
  });
  return rgba;
}

describe('drawingToMnistInput', () => {
  let work = '';
  before(() => {
    work = mkdtempSync(join(tmpdir(), 'nabla-drawn-'));
  });
  after(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('gives the inputs and probabilities nabla predict gives for the same picture as a PNG', () => {
    const digits = mnistDigits(4).map(paper);
    const files = digits.map((gray, i) => {
      const file = join(work, `digit-${i}.png`);
      writeFileSync(file, encodePng(gray, SIDE, SIDE));
      return file;
    });
    const drawn = digits.map((gray) => drawingToMnistInput(SIDE, SIDE, opaqueRgba(gray))!);
    // The PNG holds the same 8-bit values the canvas does, so the inputs are identical.
    files.forEach((file, i) => {
      const { pixels, width, height } = decodePng(new Uint8Array(readFileSync(file)), file);
      assert.deepEqual(drawn[i], toMnistInput(pixels, width, height, file), `digit ${i}`);
    });

    const r = spawnSync(process.execPath, [join(root, 'bin', 'nabla.js'), 'predict', '--model', 'deep-conv', '--json', ...files], { encoding: 'utf8', cwd: work });
    assert.equal(r.status, 0, r.stderr);
    const predicted = JSON.parse(r.stdout) as { label: number; probabilities: number[] }[];
    const { network } = decodeMnistClassifier(new Uint8Array(readFileSync(join(root, 'models', 'deep-conv.safetensors'))), 'deep-conv');
    drawn.forEach((input, i) => {
      const guess = classifyDigit(network, input);
      assert.equal(guess.label, predicted[i]!.label, `digit ${i}`);
      guess.probabilities.forEach((p, c) => assert.ok(Math.abs(p - predicted[i]!.probabilities[c]!) < 1e-6, `digit ${i} class ${c}: ${p} vs ${predicted[i]!.probabilities[c]}`));
    });
    assert.deepEqual(predicted.map((p) => p.label), [7, 2, 1, 0], "MNIST's first four test digits");
  });

  it('treats transparent pixels as paper, as a PNG with alpha is read', () => {
    const [gray] = mnistDigits(1).map(paper);
    // Black ink whose coverage is its alpha, on a canvas never filled: what a cleared
    // transparent canvas with strokes drawn on it holds.
    const rgba = new Uint8ClampedArray(gray!.length * 4);
    gray!.forEach((v, i) => rgba.set([0, 0, 0, Math.round((1 - v) * 255)], 4 * i));
    const png = new PNG({ width: SIDE, height: SIDE });
    png.data = Buffer.from(rgba);
    const { pixels } = decodePng(new Uint8Array(PNG.sync.write(png)), 'alpha.png');
    const seen = drawingToMnistInput(SIDE, SIDE, rgba)!;
    assert.deepEqual(seen, toMnistInput(pixels, SIDE, SIDE));
    // And it is the digit: the same as on opaque white paper, up to 8-bit rounding.
    const opaque = drawingToMnistInput(SIDE, SIDE, opaqueRgba(gray!))!;
    seen.forEach((v, i) => assert.ok(Math.abs(v - opaque[i]!) < 1e-3, `input ${i}: ${v} vs ${opaque[i]}`));
  });

  it('says undefined for a blank canvas, white or transparent, and refuses one covered in ink', () => {
    const white = new Uint8ClampedArray(SIDE * SIDE * 4).fill(255);
    assert.equal(drawingToMnistInput(SIDE, SIDE, white), undefined);
    assert.equal(drawingToMnistInput(SIDE, SIDE, new Uint8ClampedArray(SIDE * SIDE * 4)), undefined);
    const black = new Uint8ClampedArray(SIDE * SIDE * 4);
    for (let i = 3; i < black.length; i += 4) black[i] = 255;
    assert.throws(() => drawingToMnistInput(SIDE, SIDE, black), /^Error: the drawing: image is blank, no digit found$/);
  });

  it('refuses pixels that do not make the size given, in one line', () => {
    assert.throws(() => drawingToMnistInput(10, 10, new Uint8ClampedArray(399)), /^Error: the drawing: 399 bytes do not make 10×10 RGBA pixels$/);
  });
});
