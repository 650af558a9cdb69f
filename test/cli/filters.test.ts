// nabla filters on tiny conv nets built here with known filters. Errors go through main()
// in-process (the same code as the binary, minus a process start); one run spawns the binary.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { filtersCommand } from '../../src/cli/commands/filters.js';
import { main } from '../../src/cli/main.js';
import { encodePng } from '../../src/data/digit_grid.js';
import { toMnistInput } from '../../src/data/digit_image.js';
import { readImageFile } from '../../src/data/image_file.js';
import { saveNetwork } from '../../src/io/model_file.js';
import { DeepConvNet } from '../../src/nets/deep_conv_net.js';
import { SimpleConvNet } from '../../src/nets/simple_conv_net.js';
import { TwoLayerNet } from '../../src/nets/two_layer_net.js';
import { grayR } from '../../src/plot/filters.js';
import { mnistDigits } from '../helpers.js';
import { assertBalancedTags, filterFills, mapPixels } from '../plot/filters_svg.js';
import { assertQuietOneLineError, capture, type Run } from './capture.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const bin = join(root, 'bin', 'nabla.js');

async function nabla(...args: string[]): Promise<Run> {
  const c = capture();
  const code = await main(args, c.io);
  return { code, stdout: c.stdout(), stderr: c.stderr() };
}

const FN = 3;
const SIDE = 5;
/** Where filter k has its largest and its smallest weight. */
const PEAK = [0, 12, 24];
const TROUGH = [24, 3, 7];
const BIAS = [0.25, -0.5, 1];

let dir: string;
let modelPath: string;
let imagePath: string;
let input: Float64Array;
let weights: Float64Array;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nabla-filters-'));
  const net = new SimpleConvNet({ convParam: { filterNum: FN, filterSize: SIDE, pad: 0, stride: 1 }, hiddenSize: 8, weightInitStd: 0.1, seed: 3 });
  const W1 = net.params.W1!;
  for (let k = 0; k < FN; k++) {
    W1.data[k * SIDE * SIDE + PEAK[k]!] = 1;
    W1.data[k * SIDE * SIDE + TROUGH[k]!] = -1;
    net.params.b1!.data[k] = BIAS[k]!;
  }
  weights = Float64Array.from(W1.data);
  modelPath = join(dir, 'model.safetensors');
  await saveNetwork(net, modelPath);
  imagePath = join(dir, 'seven.png');
  writeFileSync(imagePath, encodePng(mnistDigits(1)[0]!, 28, 28));
  const image = await readImageFile(imagePath);
  input = toMnistInput(image.pixels, image.width, image.height);
});

after(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Filter k's output for the input, computed here by its definition: Σ w·x + b over each 5×5 window. */
function expectedMap(k: number): number[] {
  const out: number[] = [];
  const side = 28 - SIDE + 1;
  for (let i = 0; i < side; i++) {
    for (let j = 0; j < side; j++) {
      let sum = BIAS[k]!;
      for (let u = 0; u < SIDE; u++) for (let v = 0; v < SIDE; v++) sum += weights[k * SIDE * SIDE + u * SIDE + v]! * input[(i + u) * 28 + j + v]!;
      out.push(sum);
    }
  }
  return out;
}

describe('nabla filters', () => {
  it('draws each filter of the first convolution, its largest weight black and its smallest white', async () => {
    const out = join(dir, 'plain.svg');
    const r = await nabla('filters', '--model', modelPath, '--out', out);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `filters: 3 filters 5×5 drawn in ${out}\n`);
    const svg = readFileSync(out, 'utf8');
    assertBalancedTags(svg);
    assert.equal([...svg.matchAll(/<g class="filter"/g)].length, FN);
    assert.equal([...svg.matchAll(/<rect class="w"/g)].length, FN * SIDE * SIDE);
    assert.equal([...svg.matchAll(/class="feature-map"/g)].length, 0);
    for (let k = 0; k < FN; k++) {
      const fills = filterFills(svg, k);
      assert.equal(fills.indexOf('#000000'), PEAK[k], `filter ${k}: darkest square`);
      assert.equal(fills.indexOf('#ffffff'), TROUGH[k], `filter ${k}: lightest square`);
    }
    assert.match(svg, /First-layer filters of [^<]*model\.safetensors/);
    assert.match(svg, /3 filters 5×5 \(weights \[3, 1, 5, 5\]\)/);
  });

  it('--image adds the convolution\'s output for that picture: one map per filter, each on its own scale', async () => {
    const out = join(dir, 'maps.svg');
    const r = await nabla('filters', '--model', modelPath, '--out', out, '--image', imagePath);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `filters: 3 filters 5×5 and their feature maps for ${imagePath} drawn in ${out}\n`);
    const svg = readFileSync(out, 'utf8');
    assertBalancedTags(svg);
    assert.equal([...svg.matchAll(/<g class="filter"/g)].length, FN);
    assert.equal([...svg.matchAll(/<image class="feature-map"/g)].length, FN);
    assert.match(svg, /before ReLU, 24×24/);
    for (let k = 0; k < FN; k++) {
      const map = mapPixels(svg, k);
      assert.deepEqual([map.width, map.height], [24, 24]);
      const expected = expectedMap(k);
      const [lo, hi] = [Math.min(...expected), Math.max(...expected)];
      expected.forEach((v, i) => assert.ok(Math.abs(map.pixels[i]! - grayR(v, lo, hi)) <= 0.5 / 255 + 1e-9, `map ${k} pixel ${i}: ${map.pixels[i]} vs ${grayR(v, lo, hi)}`));
    }
  });

  it('draws DeepConvNet\'s 16 3×3 filters, takes a run folder, and runs from the binary', () => {
    const run = join(dir, 'run');
    mkdirSync(run);
    return saveNetwork(new DeepConvNet({ hiddenSize: 4 }), join(run, 'model.safetensors')).then(() => {
      const out = join(dir, 'deep.svg');
      const r = spawnSync(process.execPath, [bin, 'filters', '--model', run, '--out', out, '--image', imagePath], { encoding: 'utf8', timeout: 60_000 });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout, `filters: 16 filters 3×3 and their feature maps for ${imagePath} drawn in ${out}\n`);
      const svg = readFileSync(out, 'utf8');
      assert.equal([...svg.matchAll(/<g class="filter"/g)].length, 16);
      assert.equal([...svg.matchAll(/<rect class="w"/g)].length, 16 * 9);
      assert.equal([...svg.matchAll(/<image class="feature-map"/g)].length, 16);
      assert.deepEqual([mapPixels(svg, 15).width, mapPixels(svg, 15).height], [28, 28]); // padded by 1
    });
  });

  it('draws channel 0 of filters over several channels, and says so; --image needs 28×28 grey images', async () => {
    const net = new SimpleConvNet({ inputDim: [2, 8, 8], convParam: { filterNum: 2, filterSize: 3, pad: 0, stride: 1 }, hiddenSize: 4, weightInitStd: 0.1 });
    const W1 = net.params.W1!; // [2, 2, 3, 3]
    // Channel 0 peaks at 4 and 8, channel 1 (not drawn) at 0.
    for (const [k, peak] of [[0, 4], [1, 8]] as const) {
      W1.data[k * 18 + peak] = 1;
      W1.data[k * 18 + 9] = 5;
    }
    const model = join(dir, 'two-channels.safetensors');
    await saveNetwork(net, model);
    const out = join(dir, 'channels.svg');
    assert.equal((await nabla('filters', '--model', model, '--out', out)).code, 0);
    const svg = readFileSync(out, 'utf8');
    assert.match(svg, /2 filters 3×3 \(weights \[2, 2, 3, 3\], channel 0 of 2\)/);
    assert.equal(filterFills(svg, 0).indexOf('#000000'), 4);
    assert.equal(filterFills(svg, 1).indexOf('#000000'), 8);
    assertQuietOneLineError(await nabla('filters', '--model', model, '--out', join(dir, 'c2.svg'), '--image', imagePath), 1,
      /^nabla filters: .*two-channels\.safetensors: --image needs a network of 28×28 grey images like MNIST's; this one takes \[2, 8, 8\]$/);
  });

  it('writes filters.svg in the current folder by default, but never over an existing one', async () => {
    const here = join(dir, 'here');
    mkdirSync(here);
    const cwd = process.cwd();
    process.chdir(here);
    try {
      const first = await nabla('filters', '--model', modelPath);
      assert.equal(first.code, 0, first.stderr);
      assert.equal(first.stdout, `filters: 3 filters 5×5 drawn in ${join(here, 'filters.svg')}\n`);
      const before = readFileSync('filters.svg', 'utf8');
      assertQuietOneLineError(await nabla('filters', '--model', modelPath, '--image', imagePath), 2,
        /^nabla: filters: filters\.svg already exists here; replace it with --out filters\.svg, or choose another --out$/);
      assert.equal(readFileSync('filters.svg', 'utf8'), before);
      // Named, it is replaced.
      assert.equal((await nabla('filters', '--model', modelPath, '--image', imagePath, '--out', 'filters.svg')).code, 0);
      assert.match(readFileSync('filters.svg', 'utf8'), /class="feature-map"/);
    } finally {
      process.chdir(cwd);
    }
  });

  it('resolves the shipped names to the package\'s models/ folder, and says when one is missing', async () => {
    const models = join(dir, 'models');
    mkdirSync(models);
    writeFileSync(join(models, 'simple-conv.safetensors'), readFileSync(modelPath));
    const out = join(dir, 'shipped.svg');
    const c = capture();
    assert.equal(await filtersCommand(['--model', 'simple-conv', '--out', out], c.io, { modelsDir: models }), 0);
    assert.equal(c.stdout(), `filters: 3 filters 5×5 drawn in ${out}\n`);
    assert.match(readFileSync(out, 'utf8'), /First-layer filters of simple-conv \(shipped with nabla\)/);
    await assert.rejects(filtersCommand(['--model', 'deep-conv', '--out', out], capture().io, { modelsDir: models }),
      { message: `the shipped model deep-conv is missing (${join(models, 'deep-conv.safetensors')}); reinstall nabla or train one with: nabla train --net deep-conv` });

    // A run folder of that name in the current folder is the user's own, and titled so.
    const own = mkdtempSync(join(tmpdir(), 'nabla-own-'));
    mkdirSync(join(own, 'simple-conv'));
    writeFileSync(join(own, 'simple-conv', 'model.safetensors'), readFileSync(modelPath));
    const cwd = process.cwd();
    process.chdir(own);
    try {
      assert.equal(await filtersCommand(['--model', 'simple-conv', '--out', 'own.svg'], capture().io, { modelsDir: models }), 0);
    } finally {
      process.chdir(cwd);
    }
    const title = readFileSync(join(own, 'own.svg'), 'utf8');
    assert.doesNotMatch(title, /shipped with nabla/);
    assert.match(title, /First-layer filters of simple-conv\/model\.safetensors/);
  });

  it('refuses bad input in one line, before writing anything', async () => {
    const two = join(dir, 'two-layer.safetensors');
    await saveNetwork(new TwoLayerNet(784, 5, 10), two);
    const out = join(dir, 'never.svg');
    assertQuietOneLineError(await nabla('filters', '--model', two, '--out', out), 1,
      /^nabla filters: .*two-layer\.safetensors holds a TwoLayerNet\(784, 5, 10\), which has no convolution; filters need a conv net \(nabla train --net simple-conv or deep-conv\)$/);
    assertQuietOneLineError(await nabla('filters', '--model', join(dir, 'nope.safetensors'), '--out', out), 1, /^nabla filters: .*nope\.safetensors: .*not found/);
    assertQuietOneLineError(await nabla('filters', '--model', modelPath, '--out', out, '--image', join(dir, 'nope.png')), 1, /^nabla filters: .*nope\.png: cannot read \(not found\)$/);
    assertQuietOneLineError(await nabla('filters', '--model', modelPath, '--out', out, '--image', modelPath), 1, /^nabla filters: .*model\.safetensors: not a PNG or JPEG image$/);
    assertQuietOneLineError(await nabla('filters', '--model', modelPath, '--out', join(dir, 'x.png')), 2, /^nabla: filters: --out writes an SVG; its file name must end in \.svg, got '.*x\.png'$/);
    assertQuietOneLineError(await nabla('filters', '--model', modelPath, '--out', join(dir, 'no', 'such', 'x.svg')), 1, /^nabla filters: .*x\.svg: cannot write \(not found\)$/);
    assertQuietOneLineError(await nabla('filters', '--out', out), 2, /^nabla: filters: --model FILE\|DIR\|NAME is required/);
    assertQuietOneLineError(await nabla('filters', '--model', modelPath, out), 2, /^nabla: filters: unexpected argument '.*never\.svg' \(the file to write goes after --out\)$/);
    assertQuietOneLineError(await nabla('filters', '--model', modelPath, '--colour'), 2, /^nabla: filters: unknown option --colour/);
    assert.ok(!existsSync(out), 'nothing written');
  });

  it('never writes over its own input: the model or the image', async () => {
    const model = join(dir, 'model.svg'); // a model file may be named anything
    writeFileSync(model, readFileSync(modelPath));
    assertQuietOneLineError(await nabla('filters', '--model', model, '--out', model), 2, /^nabla: filters: --out .*model\.svg is the model file; writing there would replace it$/);
    assert.deepEqual(readFileSync(model), readFileSync(modelPath));
    const picture = join(dir, 'picture.svg');
    writeFileSync(picture, '<svg/>');
    assertQuietOneLineError(await nabla('filters', '--model', modelPath, '--out', picture, '--image', picture), 2, /^nabla: filters: --out .*picture\.svg is the --image; writing there would replace it$/);
    assert.equal(readFileSync(picture, 'utf8'), '<svg/>');
  });

  it('has help, and is listed in the overview', async () => {
    const r = await nabla('filters', '--help');
    assert.equal(r.code, 0);
    assert.ok(r.stdout.startsWith('Usage: nabla filters --model FILE|DIR|NAME [--out FILE.svg] [--image IMAGE]\n'));
    assert.match(r.stdout, /Shipped models: --model simple-conv and --model deep-conv/);
    assert.match((await nabla('--help')).stdout, /\n {2}filters {5}draw a conv net's first-layer filters/);
  });
});
