import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { encodePng } from '../../src/data/digit_grid.js';
import { decodeSafetensors, encodeSafetensors } from '../../src/io/safetensors.js';
import { assertOneLineError, metrics, nabla, Running, tensors, tinyMnist, tmp, withoutTime } from './train_helpers.js';

let data: string;



// Adam, Dropout, BatchNorm and weight decay: every kind of state a resume must restore.
const MLP = ['--net', 'mlp', '--hidden', '24,16', '--optimizer', 'adam', '--dropout', '0.2', '--batch-norm', '--weight-decay', '0.01', '--batch-size', '10'];

before(() => {
  data = tinyMnist(200, 50);
});

describe('nabla train --net mlp', () => {
  it('a resumed Adam run with Dropout and BatchNorm ends bit-identical to an uninterrupted one (float64)', () => {
    const whole = tmp();
    const parts = tmp();
    const run = (args: string[]): void => {
      const r = nabla(['train', ...args, '--quiet', '--data-dir', data]);
      assert.equal(r.code, 0, r.stderr);
    };
    run([...MLP, '--iters', '60', '--out', whole]);
    run([...MLP, '--iters', '27', '--checkpoint-every', '10', '--out', parts]);
    run(['--resume', parts, '--iters', '60']);
    const a = tensors(join(whole, 'model.safetensors'));
    assert.deepEqual(Object.keys(a).sort(), ['W1', 'W2', 'W3', 'b1', 'b2', 'b3', 'beta1', 'beta2', 'gamma1', 'gamma2', 'runningMean1', 'runningMean2', 'runningVar1', 'runningVar2']);
    assert.deepEqual(tensors(join(parts, 'model.safetensors')), a);
    assert.deepEqual(metrics(parts).losses, metrics(whole).losses);
    assert.deepEqual(withoutTime(metrics(parts).epochs), withoutTime(metrics(whole).epochs));
    const checkpoint = JSON.parse(readFileSync(join(parts, 'checkpoint.json'), 'utf8'));
    assert.equal(checkpoint.setup.train.optimizer, 'adam');
    assert.equal(checkpoint.state.optimizer.scalars.iter, 60);
    assert.deepEqual(Object.keys(checkpoint.state.layerStates), ['Dropout1', 'Dropout2']);
    assert.ok('optimizer/m/W1' in tensors(join(parts, 'checkpoint-60.safetensors')), 'Adam\'s m is in the checkpoint\'s weights file');
  });

  it('Ctrl-C mid-run saves the optimizer and layer states, and the resumed run matches an uninterrupted one', async () => {
    const big = tinyMnist(1000, 10);
    const whole = tmp();
    const parts = tmp();
    const iters = '1500';
    const args = [...MLP, '--iters', iters, '--checkpoint-every', '0', '--data-dir', big];
    const run = new Running(['train', ...args, '--out', parts]);
    await run.waitFor(/epoch\s+loss/);
    run.child.kill('SIGINT');
    assert.equal(await run.exit, 130, run.stderr);
    const stoppedAt = JSON.parse(readFileSync(join(parts, 'checkpoint.json'), 'utf8')).state.iteration as number;
    assert.ok(stoppedAt > 0 && stoppedAt < 1500, `stopped at ${stoppedAt}`);
    const resumed = nabla(['train', '--resume', parts, '--quiet']);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal(nabla(['train', ...args, '--quiet', '--out', whole]).code, 0);
    assert.deepEqual(tensors(join(parts, 'model.safetensors')), tensors(join(whole, 'model.safetensors')));
    assert.deepEqual(metrics(parts).losses, metrics(whole).losses);
  });

  it('saves a model that evaluate and predict load without flags, scoring as train did', () => {
    const dir = tmp();
    const r = nabla(['train', ...MLP, '--iters', '30', '--json', '--data-dir', data, '--out', dir]);
    assert.equal(r.code, 0, r.stderr);
    const trained = JSON.parse(r.stdout) as { testAcc: number };
    const evaluated = nabla(['evaluate', '--model', dir, '--json', '--data-dir', data]);
    assert.equal(evaluated.code, 0, evaluated.stderr);
    assert.equal((JSON.parse(evaluated.stdout) as { testAcc: number }).testAcc, trained.testAcc);
    const text = nabla(['evaluate', '--model', join(dir, 'model.safetensors'), '--data-dir', data]);
    assert.match(text.stdout, /^model: .*\(MultiLayerNetExtend\(784, \[24, 16\], 10; relu, he init, weight decay 0\.01, BatchNorm, Dropout 0\.2\), float64\)$/m);
    const image = join(dir, 'digit.png');
    writeFileSync(image, encodePng(Float64Array.from({ length: 28 * 28 }, (_, i) => (i % 28 > 11 && i % 28 < 16 && i / 28 > 5 && i / 28 < 22 ? 1 : 0)), 28, 28));
    const predicted = nabla(['predict', '--model', dir, '--json', image]);
    assert.equal(predicted.code, 0, predicted.stderr);
    const [p] = JSON.parse(predicted.stdout) as { probabilities: number[] }[];
    assert.equal(p!.probabilities.length, 10);
  });

  it('resumes a checkpoint written before networks and optimizers were saved (format 2), bit-identically', () => {
    const whole = tmp();
    const parts = tmp();
    assert.equal(nabla(['train', '--iters', '40', '--batch-size', '10', '--quiet', '--data-dir', data, '--out', whole]).code, 0);
    assert.equal(nabla(['train', '--iters', '15', '--batch-size', '10', '--quiet', '--data-dir', data, '--out', parts]).code, 0);
    // What nabla wrote before: no optimizer state, weights without a network spec.
    const statePath = join(parts, 'checkpoint.json');
    const checkpoint = JSON.parse(readFileSync(statePath, 'utf8'));
    checkpoint.format = 'nabla-checkpoint-2';
    delete checkpoint.state.optimizer;
    writeFileSync(statePath, JSON.stringify(checkpoint));
    const weightsPath = join(parts, checkpoint.weights);
    const { tensors: old } = decodeSafetensors(readFileSync(weightsPath));
    writeFileSync(weightsPath, encodeSafetensors(old, { iteration: '15', kind: 'TwoLayerNet', inputSize: '784', hiddenSize: '50', outputSize: '10', dtype: 'float64', nablaVersion: '0.1.0' }));
    const resumed = nabla(['train', '--resume', parts, '--iters', '40', '--quiet']);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.deepEqual(tensors(join(parts, 'model.safetensors')), tensors(join(whole, 'model.safetensors')));
  });

  it('the default run is still the seed\'s TwoLayerNet with SGD', () => {
    const dir = tmp();
    assert.equal(nabla(['train', '--iters', '2', '--quiet', '--data-dir', data, '--out', dir]).code, 0);
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    assert.equal(config.network.kind, 'TwoLayerNet');
    assert.equal(config.network.hiddenSize, 50);
    assert.equal(config.training.optimizer, 'SGD');
    assert.equal(config.training.learningRate, 0.1);
  });

  it('takes each optimizer by name, with the book\'s learning rate unless --lr is given', () => {
    const dir = tmp();
    const r = nabla(['train', '--net', 'mlp', '--hidden', '8', '--optimizer', 'momentum', '--momentum', '0.8', '--iters', '2', '--data-dir', data, '--out', dir]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /momentum \(lr 0\.01, momentum 0\.8\)/);
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    assert.equal(config.training.optimizer, 'Momentum');
    assert.deepEqual(config.training.optimizerOptions, { momentum: 0.8 });
  });

  it('refuses flags that the network or optimizer does not take, in one line with exit 2', () => {
    const cases: [string[], RegExp][] = [
      [['--dropout', '0.5'], /^nabla: train: --dropout applies only to --net mlp$/],
      [['--batch-norm'], /^nabla: train: --batch-norm applies only to --net mlp$/],
      [['--hidden', '10,10'], /^nabla: train: --hidden takes one size for --net two-layer \(a list is for --net mlp\), got '10,10'$/],
      [['--net', 'mlp', '--weight-init-std', '0.1'], /^nabla: train: --weight-init-std applies only to --net two-layer; --net mlp takes --init$/],
      [['--net', 'mlp', '--hidden', '10,x'], /^nabla: train: --hidden must be a positive integer or a comma-separated list of them, got '10,x'$/],
      [['--net', 'mlp', '--init', 'glorot'], /^nabla: train: --init must be one of he, relu, xavier, sigmoid or a standard deviation ≥ 0, got 'glorot'$/],
      [['--beta1', '0.5'], /^nabla: train: --beta1 applies only to --optimizer adam$/],
      [['--optimizer', 'adam', '--momentum', '0.5'], /^nabla: train: --momentum applies only to --optimizer momentum or nesterov$/],
      [['--net', 'mlp', '--dropout', '1'], /^nabla: train: --dropout must be ≤ 0\.99/],
      [['--net', 'mlp', '--hidden', '100000,100000'], /^nabla: train: --hidden 100000,100000 is too large: /],
    ];
    for (const [args, pattern] of cases) {
      const out = tmp();
      assertOneLineError(nabla(['train', ...args, '--iters', '1', '--data-dir', data, '--out', join(out, 'run')]), 2, pattern);
    }
  });

  it('on --resume, keeps the run\'s network and optimizer', () => {
    const dir = tmp();
    assert.equal(nabla(['train', ...MLP, '--iters', '3', '--quiet', '--data-dir', data, '--out', dir]).code, 0);
    const same = nabla(['train', '--resume', dir, '--iters', '4', '--quiet', '--net', 'mlp', '--hidden', '24,16', '--optimizer', 'adam', '--dropout', '0.2', '--batch-norm', '--lr', '0.001']);
    assert.equal(same.code, 0, same.stderr);
    assertOneLineError(nabla(['train', '--resume', dir, '--iters', '5', '--optimizer', 'sgd']), 2, /^nabla: train: --optimizer sgd differs from the run's own adam \(.*\); a resumed run keeps its settings, only --iters may change$/);
    assertOneLineError(nabla(['train', '--resume', dir, '--iters', '5', '--hidden', '24,17']), 2, /^nabla: train: --hidden 24,17 differs from the run's own 24,16 /);
    assertOneLineError(nabla(['train', '--resume', dir, '--iters', '5', '--dropout', '0.3']), 2, /^nabla: train: --dropout 0\.3 differs from the run's own 0\.2 /);
    assertOneLineError(nabla(['train', '--resume', dir, '--iters', '5', '--net', 'two-layer']), 2, /^nabla: train: --net two-layer differs from the run's own mlp /);
    assertOneLineError(nabla(['train', '--resume', dir, '--iters', '5', '--weight-init-std', '0.1']), 2, /^nabla: train: --weight-init-std applies only to --net two-layer/);
  });
});

describe('nabla train --epochs and --train-size', () => {
  it('trains on the first N images for whole epochs of them, and keeps that on resume', () => {
    const dir = tmp();
    const r = nabla(['train', '--train-size', '60', '--epochs', '3', '--batch-size', '20', '--json', '--data-dir', data, '--out', dir]);
    assert.equal(r.code, 0, r.stderr);
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    assert.equal(config.training.iters, 9, '3 epochs of 60 / 20 iterations');
    assert.equal(config.training.trainSize, 60);
    assert.deepEqual((JSON.parse(r.stdout) as { epochs: { epoch: number }[] }).epochs.map((e) => e.epoch), [0, 1, 2]);
    assert.equal(metrics(dir).losses.length, 9);
    const more = nabla(['train', '--resume', dir, '--epochs', '5', '--quiet', '--train-size', '60']);
    assert.equal(more.code, 0, more.stderr);
    assert.equal(metrics(dir).losses.length, 15);
    assertOneLineError(nabla(['train', '--resume', dir, '--epochs', '6', '--train-size', '80']), 2, /^nabla: train: --train-size 80 differs from the run's own 60 /);
    assertOneLineError(nabla(['train', '--resume', dir, '--epochs', '2']), 2, /^nabla: train: --epochs 2 \(6 iterations\) is below the 15 iterations the run has already done$/);
  });

  it('refuses both --iters and --epochs, and more images than there are', () => {
    assertOneLineError(nabla(['train', '--iters', '5', '--epochs', '2', '--data-dir', data, '--out', join(tmp(), 'run')]), 2, /^nabla: train: give --iters or --epochs, not both$/);
    assertOneLineError(nabla(['train', '--train-size', '201', '--data-dir', data, '--out', join(tmp(), 'run')]), 2, /^nabla: train: --train-size 201 exceeds the 200 training images in /);
  });
});
