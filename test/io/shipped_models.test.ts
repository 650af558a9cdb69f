import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NETS } from '../../src/cli/train_settings.js';
import { isShippedModel, resolveModelArg, shippedModelPath, shippedModelsDir, SHIPPED_MODELS } from '../../src/io/shipped_models.js';

// Compiled to dist/test/io/; the package root is three folders up.
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

let dir: string;
let models: string;
const cwd = process.cwd();

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'nabla-shipped-'));
  models = join(dir, 'models');
  mkdirSync(models);
  writeFileSync(join(models, 'simple-conv.safetensors'), 'stands in for the model');
});

after(() => {
  process.chdir(cwd);
  rmSync(dir, { recursive: true, force: true });
});

describe('shipped models', () => {
  it('are the two conv nets nabla train makes, under the names of its --net', () => {
    assert.deepEqual([...SHIPPED_MODELS], ['simple-conv', 'deep-conv']);
    for (const name of SHIPPED_MODELS) assert.ok((NETS as readonly string[]).includes(name), name);
    assert.ok(isShippedModel('deep-conv'));
    assert.ok(!isShippedModel('deep-conv.safetensors'));
  });

  it("live in models/ at the package root, found from the installed code's own location", () => {
    assert.equal(resolve(shippedModelsDir()), join(root, 'models'));
    assert.equal(shippedModelPath('deep-conv'), join(root, 'models', 'deep-conv.safetensors'));
    assert.equal(shippedModelPath('simple-conv', models), join(models, 'simple-conv.safetensors'));
  });

  it('a bare shipped name resolves to the shipped file', async () => {
    assert.equal(await resolveModelArg('simple-conv', { modelsDir: models }), join(models, 'simple-conv.safetensors'));
  });

  it('anything else is a path, as given, whether or not it exists', async () => {
    for (const arg of ['./simple-conv', 'runs/simple-conv', 'simple-conv.safetensors', 'Simple-Conv', 'model.safetensors', join(dir, 'nothing')]) {
      assert.equal(await resolveModelArg(arg, { modelsDir: models }), arg);
    }
  });

  it('a missing shipped file is one line saying how to get one', async () => {
    await assert.rejects(resolveModelArg('deep-conv', { modelsDir: models }), (e: Error) => {
      assert.equal(e.message, `the shipped model deep-conv is missing (${join(models, 'deep-conv.safetensors')}); reinstall nabla or train one with: nabla train --net deep-conv`);
      return true;
    });
    await assert.rejects(resolveModelArg('simple-conv', { modelsDir: join(dir, 'no-such-folder') }), /^Error: the shipped model simple-conv is missing \(/);
  });

  it('a file, folder or link of that name in the current folder wins over the shipped model', async () => {
    const here = join(dir, 'cwd');
    mkdirSync(here);
    process.chdir(here);
    try {
      writeFileSync('simple-conv', 'a model of my own');
      mkdirSync('deep-conv');
      assert.equal(await resolveModelArg('simple-conv', { modelsDir: models }), 'simple-conv');
      assert.equal(await resolveModelArg('deep-conv', { modelsDir: models }), 'deep-conv');
      rmSync('simple-conv');
      symlinkSync(join(dir, 'dangling'), 'simple-conv');
      assert.equal(await resolveModelArg('simple-conv', { modelsDir: models }), 'simple-conv');
    } finally {
      process.chdir(cwd);
    }
  });
});
