// nabla evaluate and predict with conv nets, named as the shipped models are: the
// package's models/ folder is stood in for by a temporary one (a function parameter of
// the commands, which the command line cannot reach).

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluateCommand, type EvaluateResult } from '../../src/cli/commands/evaluate.js';
import { predictCommand, type Prediction } from '../../src/cli/commands/predict.js';
import { main } from '../../src/cli/main.js';
import { encodePng } from '../../src/data/digit_grid.js';
import { toMnistInput } from '../../src/data/digit_image.js';
import { decodePng } from '../../src/data/image_file.js';
import { loadMnist, type MnistData } from '../../src/data/mnist.js';
import { saveNetwork } from '../../src/io/model_file.js';
import { SimpleConvNet } from '../../src/nets/simple_conv_net.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { capture } from './capture.js';


function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

let dir: string;
let models: string;
let data: MnistData;
let network: SimpleConvNet;
/** Test-set indices the network gets wrong, in order, and what it says for each. */
let wrong: { index: number; predicted: number }[];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nabla-eval-conv-'));
  models = join(dir, 'models');
  mkdirSync(models);
  // Untrained and tiny: fast to score, and thousands of errors to draw.
  network = new SimpleConvNet({ convParam: { filterNum: 2, filterSize: 5, pad: 0, stride: 1 }, hiddenSize: 10, weightInitStd: 0.1, seed: 7 });
  await saveNetwork(network, join(models, 'simple-conv.safetensors'));
  data = loadMnist();
  wrong = [];
  for (let start = 0; start < data.testLabels.length; start += 100) {
    const scores = network.predict(data.xTest.slice(start, start + 100));
    for (let r = 0; r < 100; r++) {
      const predicted = argmax(scores.data.subarray(r * 10, (r + 1) * 10));
      if (predicted !== data.testLabels[start + r]) wrong.push({ index: start + r, predicted });
    }
  }
});

after(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('conv nets in evaluate and predict', () => {
  it('evaluate --model simple-conv scores the shipped SimpleConvNet and draws its misclassified digits', async () => {
    const svg = join(dir, 'errors.svg');
    const c = capture();
    const code = await evaluateCommand(['--model', 'simple-conv', '--json', '--misclassified', svg, '--limit', '6'], c.io, { modelsDir: models });
    assert.equal(code, 0, c.stderr());
    const result = JSON.parse(c.stdout()) as EvaluateResult;
    assert.equal(result.model, join(models, 'simple-conv.safetensors'));
    assert.equal(result.testAcc, (data.testLabels.length - wrong.length) / data.testLabels.length);
    assert.equal(c.stderr(), `misclassified: 6 of ${wrong.length} test digits drawn in ${svg}\n`);
    const grid = readFileSync(svg, 'utf8');
    const captions = [...grid.matchAll(/>true (\d) → pred (\d)<\/text>/g)].map((m) => [Number(m[1]), Number(m[2])]);
    assert.deepEqual(captions, wrong.slice(0, 6).map((w) => [data.testLabels[w.index], w.predicted]));
    const images = [...grid.matchAll(/href="data:image\/png;base64,([A-Za-z0-9+/=]+)"/g)];
    assert.equal(images.length, 6);
    const first = decodePng(Buffer.from(images[0]![1]!, 'base64'), 'grid');
    const expected = data.xTest.row(wrong[0]!.index).data;
    for (let i = 0; i < 784; i++) assert.ok(Math.abs(first.pixels[i]! - expected[i]!) <= 0.5 / 255 + 1e-12, `pixel ${i}`);
  });

  it('evaluate --misclassified OUT.png draws a conv net\'s errors as a PNG sheet too', async () => {
    const png = join(dir, 'errors.png');
    const c = capture();
    assert.equal(await evaluateCommand(['--model', join(models, 'simple-conv.safetensors'), '--misclassified', png, '--limit', '3'], c.io), 0, c.stderr());
    assert.match(c.stdout(), /^model: .*simple-conv\.safetensors \(SimpleConvNet\(\[1, 28, 28\]; 2 filters 5×5/);
    assert.match(c.stdout(), new RegExp(`\nmisclassified: 3 of ${wrong.length} test digits drawn in `));
    const sheet = decodePng(readFileSync(png), 'sheet');
    // Three 28-pixel digits with 2-pixel gaps, each with an 8-pixel caption row.
    assert.deepEqual([sheet.width, sheet.height], [3 * 28 + 2 * 2, 28 + 8]);
  });

  it('predict --model simple-conv classifies with the shipped SimpleConvNet', async () => {
    const { index } = wrong[0]!;
    const pixels = Float64Array.from(data.xTest.row(index).data);
    const image = join(dir, 'digit.png');
    writeFileSync(image, encodePng(pixels, 28, 28));
    const c = capture();
    assert.equal(await predictCommand(['--model', 'simple-conv', '--json', image], c.io, { modelsDir: models }), 0, c.stderr());
    const [prediction] = JSON.parse(c.stdout()) as Prediction[];
    const x = Tensor.empty([1, 784]);
    x.data.set(toMnistInput(pixels, 28, 28));
    assert.equal(prediction!.label, argmax(network.predict(x).data));
  });

  it('a missing shipped model is one line saying how to get one', async () => {
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    const message = `the shipped model deep-conv is missing (${join(empty, 'deep-conv.safetensors')}); reinstall nabla or train one with: nabla train --net deep-conv`;
    await assert.rejects(evaluateCommand(['--model', 'deep-conv'], capture().io, { modelsDir: empty }), { message });
    await assert.rejects(predictCommand(['--model', 'deep-conv', 'x.png'], capture().io, { modelsDir: empty }), { message });
  });

  it('the help of both says what the shipped names mean', async () => {
    for (const command of ['evaluate', 'predict']) {
      const c = capture();
      assert.equal(await main([command, '--help'], c.io), 0);
      assert.match(c.stdout(), /--model FILE\|DIR\|NAME +weights file written by nabla train \(safetensors\), its run folder, or a shipped model: simple-conv or deep-conv\n/);
      assert.match(c.stdout(), /Shipped models: --model simple-conv and --model deep-conv are the book's SimpleConvNet and\nDeepConvNet/);
      assert.match(c.stdout(), /A file or folder of that name in\nthe current folder is used instead/);
    }
  });
});
