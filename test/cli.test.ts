import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = join(root, 'bin', 'nabla.js');

function nabla(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 600_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function assertOneLineError(result: { code: number | null; stdout: string; stderr: string }, code: number, pattern: RegExp): void {
  assert.equal(result.code, code, `exit code (stderr: ${result.stderr})`);
  const lines = result.stderr.trim().split('\n').filter((l) => !l.startsWith('nabla: using the reference backend'));
  assert.equal(lines.length, 1, `exactly one line on stderr, got:\n${result.stderr}`);
  assert.match(lines[0]!, pattern);
  assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
}

describe('nabla apple', () => {
  it('prints the seed notes\' lines', () => {
    const { code, stdout } = nabla('apple');
    assert.equal(code, 0);
    const lines = stdout.split('\n');
    for (const expected of [
      '220.00000000000003', 'price: 220', 'dApple: 2.2', 'dApple_num: 110', 'dTax: 200',
      '715.0000000000001', 'price: 715', 'dOrange: 3.3000000000000003', 'dOrange_num: 165', 'dTax: 650',
    ]) assert.ok(lines.includes(expected), `missing line '${expected}' in:\n${stdout}`);
    const appleBlock = lines.slice(lines.indexOf('# buy_apple'), lines.indexOf('# buy_apple_orange'));
    assert.deepEqual(appleBlock.filter(Boolean).slice(1), ['220.00000000000003', 'price: 220', 'dApple: 2.2', 'dApple_num: 110', 'dTax: 200']);
  });
});

describe('CLI manners', () => {
  it('shows help for every command and the overview', () => {
    for (const command of ['apple', 'evaluate', 'gradcheck', 'predict', 'train']) {
      const { code, stdout } = nabla(command, '--help');
      assert.equal(code, 0);
      assert.match(stdout, new RegExp(`^Usage: nabla ${command}`));
    }
    assert.match(nabla('--help').stdout, /Commands:\n {2}apple/);
    const bare = nabla();
    assert.equal(bare.code, 2);
    assert.equal(bare.stdout, '', 'a missing command is a usage error, reported on stderr');
    assert.match(bare.stderr, /^Usage: nabla <command>/);
  });

  it('rejects unknown commands, unknown flags and bad values with one line and exit code 2', () => {
    assertOneLineError(nabla('fly'), 2, /^nabla: unknown command 'fly'/);
    assertOneLineError(nabla('train', '--iter', '5'), 2, /^nabla: train: unknown option --iter \(see nabla train --help\)$/);
    assertOneLineError(nabla('train', '--lr', 'fast'), 2, /^nabla: train: --lr must be a number, got 'fast'$/);
    assertOneLineError(nabla('train', '--lr', '-1'), 2, /^nabla: train: --lr must be > 0, got -1$/);
    assertOneLineError(nabla('train', '--batch-size', '2.5'), 2, /--batch-size must be an integer, got '2.5'/);
    assertOneLineError(nabla('train', '--dtype', 'float16'), 2, /--dtype must be one of float64, float32, got 'float16'/);
    assertOneLineError(nabla('train', '--backend', 'gpu'), 2, /--backend must be one of reference, wasm/);
    assertOneLineError(nabla('train', '--iters'), 2, /--iters needs a value/);
    assertOneLineError(nabla('gradcheck', 'extra'), 2, /unexpected argument 'extra'/);
    assertOneLineError(nabla('train', '--data-dir', '--quiet'), 2, /^nabla: train: --data-dir needs a value/);
    assertOneLineError(nabla('train', '--seed', '4294967296'), 2, /--seed must be ≤ 4294967295/);
  });

  it('rejects a bad NABLA_THREADS instead of quietly falling back to the slow backend', () => {
    const result = spawnSync(process.execPath, [bin, 'gradcheck'], { encoding: 'utf8', env: { ...process.env, NABLA_THREADS: '0' } });
    assertOneLineError({ code: result.status, stdout: result.stdout, stderr: result.stderr }, 1, /^nabla gradcheck: NABLA_THREADS must be a positive integer, got '0'$/);
  });

  it('reports a broken data file in one line naming the file, with the stack only under --verbose', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nabla-cli-'));
    writeFileSync(join(dir, 'train-images-idx3-ubyte'), Buffer.from([0, 0, 8, 3, 0, 0, 0, 9]));
    for (const name of ['train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']) writeFileSync(join(dir, name), Buffer.from([0, 0, 8, 1, 0, 0, 0, 0]));
    const result = nabla('train', '--data-dir', dir, '--iters', '1');
    assertOneLineError(result, 1, new RegExp(`^nabla train: ${dir}/train-images-idx3-ubyte: truncated header`));
    const verbose = nabla('train', '--data-dir', dir, '--iters', '1', '--verbose');
    assert.equal(verbose.code, 1);
    assert.match(verbose.stderr, /\n\s+at /);
  });
});

describe('nabla train', () => {
  it('reaches ≥ 0.88 test accuracy after one epoch and prints only JSON with --json', () => {
    const { code, stdout, stderr } = nabla('train', '--iters', '601', '--json', '--out', mkdtempSync(join(tmpdir(), 'nabla-epoch-')));
    assert.equal(code, 0, stderr);
    const result = JSON.parse(stdout) as { epochs: { epoch: number; trainAcc: number; testAcc: number; loss: number }[]; trainAcc: number; testAcc: number; seconds: number };
    assert.deepEqual(Object.keys(result), ['epochs', 'trainAcc', 'testAcc', 'seconds', 'runDir']);
    assert.equal(result.epochs.length, 2, 'evaluated at iteration 0 and after one epoch');
    assert.deepEqual(Object.keys(result.epochs[0]!), ['epoch', 'trainAcc', 'testAcc', 'loss']);
    assert.ok(result.epochs[0]!.testAcc < 0.3, `untrained accuracy ${result.epochs[0]!.testAcc}`);
    assert.ok(result.testAcc >= 0.88, `test accuracy after one epoch: ${result.testAcc}`);
    assert.ok(result.epochs[1]!.loss < result.epochs[0]!.loss);
  });
});

describe('the seed\'s full training run', () => {
  for (const dtype of ['float64', 'float32']) {
    it(`reaches ≥ 0.965 test accuracy after 10000 iterations in ${dtype}`, () => {
      const out = mkdtempSync(join(tmpdir(), 'nabla-full-'));
      const { code, stdout, stderr } = nabla('train', '--dtype', dtype, '--json', '--out', out);
      assert.equal(code, 0, stderr);
      const result = JSON.parse(stdout) as { epochs: unknown[]; testAcc: number; trainAcc: number };
      assert.equal(result.epochs.length, 17, 'the notes print 17 evaluations');
      assert.ok(result.testAcc >= 0.965, `final test accuracy ${result.testAcc}`);
      assert.ok(result.trainAcc >= 0.97, `final train accuracy ${result.trainAcc}`);
    });
  }
});

describe('nabla gradcheck', () => {
  it('prints W1, b1, W2, b2 each below 1e-6 in float64', () => {
    const { code, stdout, stderr } = nabla('gradcheck');
    assert.equal(code, 0, stderr);
    const lines = stdout.trim().split('\n');
    assert.deepEqual(lines.map((l) => l.split(':')[0]), ['W1', 'b1', 'W2', 'b2']);
    for (const line of lines) {
      const [key, text] = line.split(':') as [string, string];
      const value = Number(text);
      // The notes show 1e-13 for the weights and 1e-10 for b2; without the exact
      // softmax-with-loss gradient b2 would be near 1e-7.
      assert.ok(value >= 0 && value < (key === 'b2' ? 1e-9 : 1e-11), line);
    }
  });
});
