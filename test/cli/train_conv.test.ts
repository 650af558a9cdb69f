import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { assertOneLineError, metrics, nabla, tensors, tinyMnist, tmp, withoutTime } from './train_helpers.js';

let data: string;


before(() => {
  data = tinyMnist(200, 50);
});

describe('nabla train --net simple-conv | deep-conv', () => {
  it("defaults to the book's train_convnet.py: Adam lr 0.001, batch 100, 20 epochs, 1000 images per epoch's evaluation", () => {
    const out = tmp();
    const r = nabla(['train', '--net', 'simple-conv', '--data-dir', data, '--out', out, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const setup = JSON.parse(readFileSync(join(out, 'checkpoint.json'), 'utf8')).setup;
    // 200 training images: 2 iterations per epoch.
    assert.deepEqual(setup.train, { iters: 40, batchSize: 100, learningRate: 0.001, seed: 42, optimizer: 'adam', evaluateSampleNumPerEpoch: 1000 });
    assert.equal(setup.network.type, 'SimpleConvNet');
    assert.deepEqual(setup.network.inputDim, [1, 28, 28]);
    const result = JSON.parse(r.stdout);
    assert.equal(result.epochs.length, 20); // iteration 0, then every epoch before the last iteration
    assert.equal(result.testImages, 50);
    assert.deepEqual(Object.keys(tensors(join(out, 'model.safetensors'))).sort(), ['W1', 'W2', 'W3', 'b1', 'b2', 'b3']);
  });

  it('learns MNIST: two epochs on the first 5000 training images score ≥ 95% on all 10000 test images', () => {
    const out = tmp();
    const r = nabla(['train', '--net', 'simple-conv', '--train-size', '5000', '--epochs', '2', '--batch-size', '10', '--lr', '0.004', '--dtype', 'float32', '--out', out, '--json'], { timeout: 240_000 });
    assert.equal(r.code, 0, r.stderr);
    const result = JSON.parse(r.stdout);
    assert.equal(result.testImages, 10000);
    assert.ok(result.testAcc >= 0.95, `test accuracy ${result.testAcc}`);
  });

  it('a resumed DeepConvNet run (Adam, Dropout) ends bit-identical to an uninterrupted one (float64)', () => {
    const whole = tmp();
    const parts = tmp();
    const run = (args: string[]): void => {
      const r = nabla(['train', ...args, '--quiet', '--data-dir', data]);
      assert.equal(r.code, 0, r.stderr);
    };
    const net = ['--net', 'deep-conv', '--batch-size', '4', '--hidden', '12'];
    run([...net, '--iters', '24', '--out', whole]);
    run([...net, '--iters', '11', '--checkpoint-every', '5', '--out', parts]);
    run(['--resume', parts, '--iters', '24']);
    const a = tensors(join(whole, 'model.safetensors'));
    assert.equal(Object.keys(a).length, 16);
    assert.deepEqual(tensors(join(parts, 'model.safetensors')), a);
    assert.deepEqual(metrics(parts).losses, metrics(whole).losses);
    assert.deepEqual(withoutTime(metrics(parts).epochs), withoutTime(metrics(whole).epochs));
    const checkpoint = JSON.parse(readFileSync(join(parts, 'checkpoint.json'), 'utf8'));
    assert.deepEqual(Object.keys(checkpoint.state.layerStates), ['Dropout1', 'Dropout2']);
  });

  it('refuses flags the conv nets do not take, and a resume that changes the network', () => {
    assertOneLineError(nabla(['train', '--net', 'simple-conv', '--activation', 'tanh', '--data-dir', data]), 2, /train: --activation does not apply to --net simple-conv$/);
    assertOneLineError(nabla(['train', '--net', 'simple-conv', '--dropout', '0.3', '--data-dir', data]), 2, /--dropout does not apply to --net simple-conv \(only deep-conv has Dropout\)/);
    assertOneLineError(nabla(['train', '--net', 'deep-conv', '--hidden', '10,10', '--data-dir', data]), 2, /--hidden takes one size for --net deep-conv, got '10,10'/);
    assertOneLineError(nabla(['gradcheck', '--net', 'deep-conv']), 2, /gradcheck: --net deep-conv has too many weights to check numerically/);
    const out = tmp();
    assert.equal(nabla(['train', '--net', 'simple-conv', '--iters', '2', '--data-dir', data, '--out', out, '--quiet']).code, 0);
    assertOneLineError(nabla(['train', '--resume', out, '--net', 'deep-conv', '--iters', '4']), 2, /--net deep-conv differs from the run's own simple-conv/);
    assertOneLineError(nabla(['train', '--resume', out, '--hidden', '50', '--iters', '4']), 2, /--hidden 50 differs from the run's own 100/);
  });

  it('refuses a batch that cannot fit in memory before allocating it', () => {
    assertOneLineError(nabla(['train', '--net', 'deep-conv', '--batch-size', '2000000', '--data-dir', data]), 2, /--batch-size 2000000 is too large: the float64 computation needs about/);
    // The flag to lower is the one whose default would fit, not the batch size by default.
    assertOneLineError(nabla(['train', '--net', 'simple-conv', '--hidden', '20000000', '--data-dir', data]), 2, /train: --hidden 20000000 is too large: the float64 computation needs about/);
  });
});
