import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { decodeSafetensors, encodeSafetensors } from '../../src/io/safetensors.js';
import { loadCheckpoint } from '../../src/train/checkpoint.js';
import { damagedCopy, nabla, tinyMnist, tmp } from '../cli/train_helpers.js';

// Free-form on purpose: the tests damage it in ways no type allows.
type Json = Record<string, any>;

let run: string;

const damaged = (edit: (checkpoint: Json) => unknown): string => damagedCopy(run, edit);

before(() => {
  run = tmp();
  const r = nabla(['train', '--net', 'mlp', '--hidden', '6,5', '--optimizer', 'adam', '--dropout', '0.2', '--batch-norm', '--iters', '3', '--batch-size', '4', '--quiet', '--data-dir', tinyMnist(), '--out', run]);
  assert.equal(r.code, 0, r.stderr);
});

describe('checkpoint.json of any network and optimizer', () => {
  it('loads the network with its running statistics, generators and the optimizer state', async () => {
    const c = await loadCheckpoint(run);
    assert.equal(c.network.spec().type, 'MultiLayerNetExtend');
    assert.deepEqual(Object.keys(c.state.layerStates ?? {}), ['Dropout1', 'Dropout2']);
    assert.deepEqual(c.network.layerStates!(), c.state.layerStates);
    assert.equal(c.state.optimizer?.scalars.iter, 3);
    assert.deepEqual(Object.keys(c.state.optimizer!.tensors).sort(), ['m/W1', 'm/W2', 'm/W3', 'm/b1', 'm/b2', 'm/b3', 'm/beta1', 'm/beta2', 'm/gamma1', 'm/gamma2', 'v/W1', 'v/W2', 'v/W3', 'v/b1', 'v/b2', 'v/b3', 'v/beta1', 'v/beta2', 'v/gamma1', 'v/gamma2']);
  });

  const cases: [string, (c: Json) => void, RegExp][] = [
    ['an unknown activation', (c) => { c.setup.network.activation = 'swish'; }, /checkpoint\.json: setup\.network activation must be one of relu, sigmoid, tanh, got "swish"$/],
    ['an unknown optimizer', (c) => { c.setup.train.optimizer = 'lbfgs'; }, /checkpoint\.json: setup\.train\.optimizer must be one of sgd, momentum, nesterov, adagrad, rmsprop, adam, got the string "lbfgs"$/],
    ['an optimizer option out of range', (c) => { c.setup.train.optimizerOptions = { beta1: 2 }; }, /checkpoint\.json: setup\.train\.optimizerOptions\.beta1 must be ≥ 0 and ≤ 1, got 2$/],
    ['an option the optimizer has not', (c) => { c.setup.train.optimizerOptions = { gamma: 0.5 }; }, /checkpoint\.json: setup\.train\.optimizerOptions\.gamma is not an optimizer option/],
    ['a TwoLayerNet field beside a network', (c) => { c.setup.hidden = 50; }, /checkpoint\.json: setup\.hidden belongs to a TwoLayerNet run, but setup\.network describes another network$/],
    ['an all-zero Dropout generator', (c) => { c.state.layerStates.Dropout1.s = [0, 0, 0, 0]; }, /checkpoint\.json: state\.layerStates\.Dropout1\.s is all zeros/],
    ['a missing Dropout generator', (c) => { delete c.state.layerStates.Dropout2; }, /checkpoint\.json: state\.layerStates has no state for Dropout2$/],
    ['a layer the network has not', (c) => { c.state.layerStates.Dropout9 = c.state.layerStates.Dropout1; }, /checkpoint\.json: state\.layerStates\.Dropout9 is not a layer of the network \(Dropout1, Dropout2\)$/],
    ['a broken Adam step count', (c) => { c.state.optimizer.scalars.iter = 2.5; }, /checkpoint\.json: state\.optimizer does not fit the run's adam optimizer: Adam\.loadState: state number 'iter' is invalid \(2\.5\)$/],
    ['no optimizer state for a stateful optimizer', (c) => { delete c.state.optimizer; }, /checkpoint\.json: state\.optimizer is missing: the run's adam optimizer keeps state$/],
    ['a network the weights are not', (c) => { c.setup.network.hiddenSizeList = [6, 4]; }, /checkpoint-3\.safetensors: holds a MultiLayerNetExtend\(784, \[6, 5\], 10; .*\) but checkpoint\.json describes MultiLayerNetExtend\(784, \[6, 4\], 10; /],
  ];
  for (const [what, edit, pattern] of cases) {
    it(`refuses ${what} in one line naming the field`, async () => {
      await assert.rejects(loadCheckpoint(damaged(edit)), (e: Error) => pattern.test(e.message) && !e.message.includes('\n'));
    });
  }

  it('refuses a weights file without the optimizer state of every parameter, naming the file', async () => {
    const dir = damaged(() => undefined);
    const path = join(dir, 'checkpoint-3.safetensors');
    const { tensors, metadata } = decodeSafetensors(readFileSync(path));
    delete tensors['optimizer/m/W2'];
    delete tensors['optimizer/v/W2'];
    writeFileSync(path, encodeSafetensors(tensors, metadata));
    await assert.rejects(loadCheckpoint(dir), /checkpoint-3\.safetensors: holds no adam state for W2 \(the file is damaged\)$/);
  });
});
