import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nabla, type Result } from './train_helpers.js';

interface Check {
  net?: string;
  method: string;
  params: Record<string, { mean: number; max: number }>;
}

function check(...args: string[]): Check {
  const result = nabla(['gradcheck', '--json', ...args]);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stderr, '', 'nothing on stderr when it is not a terminal');
  return JSON.parse(result.stdout) as Check;
}

function assertOneLineError(result: Result, code: number, pattern: RegExp): void {
  assert.equal(result.code, code, `exit code (stderr: ${result.stderr})`);
  const lines = result.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `exactly one line on stderr, got:\n${result.stderr}`);
  assert.match(lines[0]!, pattern);
  assert.equal(result.stdout, '');
}

describe('nabla gradcheck --net mlp', () => {
  it('checks every parameter of MultiLayerNetExtend with BatchNorm, Dropout and weight decay below 1e-7', () => {
    // BatchNorm over 3 images has a truncation error of ~1e-5 at h = 1e-4 (it falls as h²);
    // over 10 it is below 1e-7.
    const { net, method, params } = check('--net', 'mlp', '--hidden', '12,8', '--batch-norm', '--dropout', '0.2', '--weight-decay', '0.1', '--samples', '10');
    assert.equal(net, 'mlp');
    assert.equal(method, 'incremental');
    assert.deepEqual(Object.keys(params), ['W1', 'b1', 'gamma1', 'beta1', 'W2', 'b2', 'gamma2', 'beta2', 'W3', 'b3']);
    for (const [key, { mean, max }] of Object.entries(params)) {
      assert.ok(max < 1e-7 && mean <= max, `${key}: mean ${mean}, max ${max}`);
    }
  });

  it('gives the plain method\'s differences, to rounding, for each activation and init', () => {
    for (const extra of [['--activation', 'sigmoid', '--init', 'xavier'], ['--activation', 'tanh', '--init', '0.1', '--batch-norm', '--dropout', '0.5']]) {
      const args = ['--net', 'mlp', '--hidden', '6,5', '--weight-decay', '0.05', ...extra];
      const fast = check(...args);
      const plain = check(...args, '--plain');
      assert.equal(plain.method, 'plain');
      assert.deepEqual(Object.keys(fast.params), Object.keys(plain.params));
      for (const [key, { max }] of Object.entries(fast.params)) {
        assert.ok(Math.abs(max - plain.params[key]!.max) < 1e-9, `${extra.join(' ')} ${key}: ${max} vs plain ${plain.params[key]!.max}`);
      }
    }
  });

  it('checks the default mlp (4 hidden layers of 100) below 1e-7, as a table with the mean and max', () => {
    const result = nabla(['gradcheck', '--net', 'mlp']);
    assert.equal(result.code, 0, result.stderr);
    const [header, ...rows] = result.stdout.trim().split('\n');
    assert.match(header!, /^param\s+mean \|diff\|\s+max \|diff\|$/);
    assert.deepEqual(rows.map((r) => r.split(/\s+/)[0]), ['W1', 'b1', 'W2', 'b2', 'W3', 'b3', 'W4', 'b4', 'W5', 'b5']);
    for (const row of rows) {
      const [, mean, max] = row.split(/\s+/).map(Number) as [number, number, number];
      assert.ok(mean <= max && max < 1e-7, row);
    }
  });

  it('refuses, in one line, flags the network does not take', () => {
    assertOneLineError(nabla(['gradcheck', '--batch-norm']), 2, /^nabla: gradcheck: --batch-norm applies only to --net mlp$/);
    assertOneLineError(nabla(['gradcheck', '--hidden', '10,10']), 2, /^nabla: gradcheck: --hidden takes one size for --net two-layer/);
    assertOneLineError(nabla(['gradcheck', '--net', 'mlp', '--weight-init-std', '0.1']), 2, /^nabla: gradcheck: --weight-init-std applies only to --net two-layer/);
    assertOneLineError(nabla(['gradcheck', '--net', 'mlp', '--init', 'glorot']), 2, /^nabla: gradcheck: --init must be one of/);
    assertOneLineError(nabla(['gradcheck', '--net', 'mlp', '--optimizer', 'adam']), 2, /--optimizer/);
  });
});
