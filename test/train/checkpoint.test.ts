import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { decodeSafetensors, encodeSafetensors } from '../../src/io/safetensors.js';
import { loadCheckpoint } from '../../src/train/checkpoint.js';
import { assertOneLineError, damagedCopy, nabla, tinyMnist, tmp } from '../cli/train_helpers.js';
import { makeFifo } from '../helpers.js';

// Free-form on purpose: the tests damage it in ways no type allows.
type Json = Record<string, any>;

let run: string;

const damaged = (edit: (checkpoint: Json) => unknown): string => damagedCopy(run, edit);

before(() => {
  run = tmp();
  const r = nabla(['train', '--iters', '3', '--quiet', '--data-dir', tinyMnist(), '--out', run]);
  assert.equal(r.code, 0, r.stderr);
});

describe('checkpoint.json validation', () => {
  const cases: [string, (c: Json) => unknown, RegExp][] = [
    ['null', () => null, /checkpoint\.json: the file must be an object, got null$/],
    ['state: null', (c) => { c.state = null; }, /checkpoint\.json: state must be an object, got null$/],
    ['no rng', (c) => { delete c.state.rng; }, /checkpoint\.json: state\.rng must be an object, got nothing \(the field is missing\)$/],
    ['a history that is not an object', (c) => { c.history = 'x'; }, /checkpoint\.json: history must be an object, got the string "x"$/],
    ['a history length past the journal', (c) => { c.history.bytes += 1000; }, /checkpoint-history\.jsonl: holds \d+ bytes but checkpoint\.json counts \d+ \(the file is truncated\)$/],
    ['format-1 epochs that are not an array', (c) => ({ ...c, format: 'nabla-checkpoint-1', state: { ...c.state, losses: [1, 1, 1], epochs: 'x' } }), /checkpoint\.json: state\.epochs must be an array, got the string "x"$/],
    ['float16', (c) => { c.setup.dtype = 'float16'; }, /checkpoint\.json: setup\.dtype must be float64 or float32, got the string "float16"$/],
    ['garbage seconds', (c) => { c.state.seconds = 'soon'; }, /checkpoint\.json: state\.seconds must be a finite number, got the string "soon"$/],
    ['negative seconds', (c) => { c.state.seconds = -1; }, /checkpoint\.json: state\.seconds must be ≥ 0, got -1$/],
    ['all-zero rng', (c) => { c.state.rng.s = [0, 0, 0, 0]; }, /checkpoint\.json: state\.rng\.s is all zeros/],
    ['rng word', (c) => { c.state.rng.s[2] = 2 ** 32; }, /checkpoint\.json: state\.rng\.s\[2\] must be in \[0, 4294967295\]/],
    ['iteration past the end', (c) => { c.state.iteration = 99; }, /checkpoint\.json: state\.iteration must be in \[0, 3\], got 99$/],
    ['learning rate', (c) => { c.setup.train.learningRate = 0; }, /checkpoint\.json: setup\.train\.learningRate must be > 0, got 0$/],
    ['hidden', (c) => { c.setup.hidden = 2.5; }, /checkpoint\.json: setup\.hidden must be an integer, got 2\.5$/],
    ['a data folder with control characters', (c) => { c.setup.dataDir = '/tmp/\u001b]0;pwned\u0007'; }, /checkpoint\.json: setup\.dataDir holds control characters$/],
    ['weights path', (c) => { c.weights = '../x.safetensors'; }, /checkpoint\.json: weights must name a checkpoint-N\.safetensors file/],
    ['an iteration the losses disagree with', (c) => { c.state.iteration = 2; c.weights = 'checkpoint-2.safetensors'; }, /checkpoint-history\.jsonl: the first \d+ bytes hold 3 losses but checkpoint\.json's state\.iteration is 2/],
  ];
  for (const [what, edit, pattern] of cases) {
    it(`refuses ${what} in one line naming the field`, async () => {
      await assert.rejects(loadCheckpoint(damaged(edit)), (e: Error) => pattern.test(e.message) && !e.message.includes('\n'));
    });
  }

  it('refuses damaged records in the history journal, naming the line and field', async () => {
    const epoch = (fields: string): string => `{"epoch":{"epoch":0,"iteration":1,${fields},"testAcc":0.1,"loss":2.3,"seconds":0}}`;
    for (const [lines, pattern] of [
      [['{"losses":[2.3,2.2,"x"]}'], /checkpoint-history\.jsonl: line 1 holds a loss that is not a finite number ≥ 0 \(string\) \(the file is damaged\)$/],
      [['{"losses":[2.3,2.2,2.1]}', '1'], /checkpoint-history\.jsonl: line 2 is not a history record/],
      [['{"losses":[2.3,2.2,2.1]}', epoch('"trainAcc":"high"')], /checkpoint-history\.jsonl: line 2 epoch\.trainAcc must be a finite number, got the string "high"$/],
      [['{"losses":[2.3,2.2,2.1]}', '{oops'], /checkpoint-history\.jsonl: line 2 is not valid JSON/],
      [['{"losses":[2.3,2.2]}'], /checkpoint-history\.jsonl: the first \d+ bytes hold 2 losses but checkpoint\.json's state\.iteration is 3/],
    ] as const) {
      const text = lines.map((l) => `${l}\n`).join('');
      const dir = damaged((c) => { c.history.bytes = Buffer.byteLength(text); });
      writeFileSync(join(dir, 'checkpoint-history.jsonl'), text);
      await assert.rejects(loadCheckpoint(dir), pattern);
    }
  });

  it('refuses a FIFO as checkpoint.json or as the history journal at once, naming it', async () => {
    for (const name of ['checkpoint.json', 'checkpoint-history.jsonl']) {
      const dir = damaged(() => undefined);
      rmSync(join(dir, name));
      assert.ok(makeFifo(dir, name), 'mkfifo');
      const started = performance.now();
      await assert.rejects(loadCheckpoint(dir), { message: `${join(dir, name)}: is a named pipe (FIFO), not a regular file; refusing to read it` });
      assert.ok(performance.now() - started < 2000, 'refused without waiting for a writer');
    }
  });

  it('refuses a history whose evaluations the run could not have made, before training or writing', () => {
    // The run evaluates after every iteration (40 images, batch 100): three evaluations for three iterations.
    const record = (epoch: number, iteration: number): string => `{"epoch":{"epoch":${epoch},"iteration":${iteration},"trainAcc":0.1,"testAcc":0.1,"loss":2.3,"seconds":0}}`;
    for (const [lines, pattern] of [
      [['{"losses":[2.3,2.2,2.1]}'], /checkpoint-history\.jsonl: 0 evaluations recorded for 3 iterations, where one at iteration 0 and every 1 after makes 3 \(the file is damaged\)$/],
      [['{"losses":[2.3,2.2,2.1]}', record(0, 1), record(1, 2), record(5, 3)], /checkpoint-history\.jsonl: evaluation 3 is epoch 5 after iteration 3, expected epoch 2 after iteration 3 \(the file is damaged\)$/],
    ] as const) {
      const text = lines.map((l) => `${l}\n`).join('');
      const dir = damaged((c) => { c.history.bytes = Buffer.byteLength(text); });
      writeFileSync(join(dir, 'checkpoint-history.jsonl'), text);
      const before = readdirSync(dir).sort();
      assertOneLineError(nabla(['train', '--resume', dir, '--iters', '6']), 1, pattern);
      assert.deepEqual(readdirSync(dir).sort(), before, 'nothing written');
    }
  });

  it('blames sizes that cannot fit on checkpoint.json, not on a flag the user never gave', () => {
    const dir = damaged((c) => { c.setup.train.batchSize = 1e9; });
    assertOneLineError(nabla(['train', '--resume', dir, '--iters', '6']), 1, /^nabla train: .*checkpoint\.json: setup\.train\.batchSize 1000000000 is too large: /);
  });

  it('refuses a truncated history journal', async () => {
    const dir = damaged(() => undefined);
    truncateSync(join(dir, 'checkpoint-history.jsonl'), 8);
    await assert.rejects(loadCheckpoint(dir), /checkpoint-history\.jsonl: holds 8 bytes but checkpoint\.json counts \d+ \(the file is truncated\)/);
  });

  it('refuses before training or writing anything', () => {
    const dir = damaged((c) => { c.state.seconds = 'soon'; });
    const listing = readdirSync(dir).sort();
    const metrics = readFileSync(join(dir, 'metrics.csv'));
    assertOneLineError(nabla(['train', '--resume', dir, '--iters', '6']), 1, /^nabla train: .*checkpoint\.json: state\.seconds must be a finite number/);
    assert.deepEqual(readdirSync(dir).sort(), listing);
    assert.deepEqual(readFileSync(join(dir, 'metrics.csv')), metrics);
  });
});

describe('checkpoint weights', () => {
  it('refuses non-finite weights, naming the file and the tensor', () => {
    const dir = damaged(() => undefined);
    const file = join(dir, 'checkpoint-3.safetensors');
    const { tensors, metadata } = decodeSafetensors(readFileSync(file));
    tensors.W1!.data.fill(Number.NaN);
    writeFileSync(file, encodeSafetensors(tensors, metadata));
    assertOneLineError(nabla(['train', '--resume', dir, '--iters', '6']), 1, /checkpoint-3\.safetensors: W1 has 39200 non-finite values \(first at \[0, 0\]: NaN\)$/);
  });

  it('refuses weights in another dtype than the run\'s, and weights that are not a checkpoint\'s', () => {
    const dir = damaged(() => undefined);
    const file = join(dir, 'checkpoint-3.safetensors');
    const { tensors, metadata } = decodeSafetensors(readFileSync(file));
    const single = Object.fromEntries(Object.entries(tensors).map(([k, t]) => [k, { ...t, dtype: 'float32' as const, data: Float32Array.from(t.data) }]));
    writeFileSync(file, encodeSafetensors(single, metadata));
    assertOneLineError(nabla(['train', '--resume', dir, '--iters', '6']), 1, /checkpoint-3\.safetensors: W1 is float32 but checkpoint\.json's setup\.dtype is float64$/);
    const { iteration: _dropped, ...rest } = metadata;
    writeFileSync(file, encodeSafetensors(tensors, rest));
    assertOneLineError(nabla(['train', '--resume', dir, '--iters', '6']), 1, /checkpoint-3\.safetensors: the weights name no iteration \(not checkpoint weights\) but checkpoint\.json is at iteration 3$/);
  });
});
