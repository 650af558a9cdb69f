import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { decodeSafetensors } from '../src/io/safetensors.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = join(root, 'bin', 'nabla.js');

function nabla(args: string[], cwd = root): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd, timeout: 600_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function weights(dir: string): Record<string, number[]> {
  const { tensors } = decodeSafetensors(readFileSync(join(dir, 'model.safetensors')));
  return Object.fromEntries(Object.entries(tensors).map(([k, t]) => [k, Array.from(t.data)]));
}

const tmp = (): string => mkdtempSync(join(tmpdir(), 'nabla-run-'));

describe('nabla train run folder', () => {
  it('writes config, metrics, plots, weights and a checkpoint, and no control characters off a TTY', () => {
    const cwd = tmp();
    const { code, stdout, stderr } = nabla(['train', '--iters', '601'], cwd);
    assert.equal(code, 0, stderr);
    assert.doesNotMatch(stdout, /[\x00-\x09\x0b-\x1f\x7f]/, 'only printable text and newlines when stdout is a pipe');
    assert.match(stdout, /run folder: runs\/train-1/);
    const dir = join(cwd, 'runs', 'train-1');
    assert.deepEqual(readdirSync(dir).sort(), ['.nabla-run.json', 'accuracy.svg', 'checkpoint-601.safetensors', 'checkpoint-history.jsonl', 'checkpoint.json', 'config.json', 'loss.svg', 'metrics.csv', 'metrics.json', 'model.safetensors']);
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    assert.equal(config.training.iters, 601);
    assert.equal(config.training.learningRate, 0.1);
    assert.equal(config.network.dtype, 'float64');
    assert.ok(config.versions.nabla && config.backend.name);
    const csv = readFileSync(join(dir, 'metrics.csv'), 'utf8').trim().split('\n');
    assert.equal(csv[0], 'iteration,loss,epoch,train_acc,test_acc');
    assert.equal(csv.length, 602);
    const metrics = JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8'));
    assert.equal(metrics.losses.length, 601);
    assert.equal(metrics.epochs.length, 2);
    assert.equal(csv[601], `601,${metrics.losses[600]},1,${metrics.epochs[1].trainAcc},${metrics.epochs[1].testAcc}`);
    for (const plot of ['accuracy.svg', 'loss.svg']) {
      const svg = readFileSync(join(dir, plot), 'utf8');
      assert.match(svg, /^<svg[\s\S]*<\/svg>\s*$/);
      assert.doesNotMatch(svg, /NaN/);
    }
    const w = weights(dir);
    assert.deepEqual(Object.keys(w).sort(), ['W1', 'W2', 'b1', 'b2']);
    assert.equal(w.W1!.length, 784 * 50);
    // A second run takes the next free folder.
    assert.equal(nabla(['train', '--iters', '1', '--quiet'], cwd).code, 0);
    assert.ok(existsSync(join(cwd, 'runs', 'train-2', 'model.safetensors')));
  });

  it('refuses an --out folder that already holds a run', () => {
    const out = tmp();
    assert.equal(nabla(['train', '--iters', '1', '--quiet', '--out', out]).code, 0);
    const again = nabla(['train', '--iters', '1', '--out', out]);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /already holds a run/);
  });
});

describe('resuming', () => {
  it('ends with exactly the weights of an uninterrupted float64 run', () => {
    const whole = tmp();
    const parts = tmp();
    assert.equal(nabla(['train', '--iters', '1300', '--quiet', '--out', whole]).code, 0);
    assert.equal(nabla(['train', '--iters', '700', '--quiet', '--out', parts]).code, 0);
    const resumed = nabla(['train', '--resume', parts, '--iters', '1300', '--quiet']);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.deepEqual(weights(parts), weights(whole));
    const a = JSON.parse(readFileSync(join(whole, 'metrics.json'), 'utf8'));
    const b = JSON.parse(readFileSync(join(parts, 'metrics.json'), 'utf8'));
    assert.deepEqual(b.losses, a.losses);
    const withoutTime = (epochs: { seconds: number }[]): object[] => epochs.map(({ seconds: _, ...rest }) => rest);
    assert.deepEqual(withoutTime(b.epochs), withoutTime(a.epochs), 'every evaluation, including the mean loss across the resume');
    assert.deepEqual(readFileSync(join(parts, 'metrics.csv'), 'utf8'), readFileSync(join(whole, 'metrics.csv'), 'utf8'));
  });

  it('says a finished run is complete instead of rewriting it', () => {
    const dir = tmp();
    assert.equal(nabla(['train', '--iters', '5', '--quiet', '--out', dir]).code, 0);
    const before = readFileSync(join(dir, 'config.json'), 'utf8');
    const again = nabla(['train', '--resume', dir]);
    assert.equal(again.code, 0);
    assert.match(again.stderr, /the run is already complete \(5\/5 iterations\); give a larger --iters/);
    assert.equal(readFileSync(join(dir, 'config.json'), 'utf8'), before);
  });

  it('keeps only the newest checkpoint weights, named by iteration', () => {
    const dir = tmp();
    assert.equal(nabla(['train', '--iters', '25', '--checkpoint-every', '10', '--quiet', '--out', dir]).code, 0);
    assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith('checkpoint')).sort(), ['checkpoint-25.safetensors', 'checkpoint-history.jsonl', 'checkpoint.json']);
    assert.equal(JSON.parse(readFileSync(join(dir, 'checkpoint.json'), 'utf8')).weights, 'checkpoint-25.safetensors');
  });

  it('Ctrl-C saves a checkpoint, exits 130, and the resumed run matches an uninterrupted one', async () => {
    const whole = tmp();
    const parts = tmp();
    assert.equal(nabla(['train', '--iters', '1500', '--quiet', '--out', whole]).code, 0);
    const child = spawn(process.execPath, [bin, 'train', '--iters', '1500', '--out', parts], { cwd: root });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exit = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      // Interrupt mid-run, once training is under way.
      if (/^\s+0\/2\s/m.test(stdout) && !child.killed) child.kill('SIGINT');
    });
    const code = await exit;
    assert.equal(code, 130, `exit code; stderr: ${stderr}`);
    assert.match(stderr, /interrupted at iteration \d+\/1500: checkpoint saved in .*checkpoint\.json/);
    assert.match(stderr, /continue with: nabla train --resume /);
    assert.ok(!existsSync(join(parts, 'model.safetensors')), 'no final model for an unfinished run');
    const resumed = nabla(['train', '--resume', parts, '--quiet']);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.deepEqual(weights(parts), weights(whole));
  });

  it('rejects a folder without a checkpoint, and bad flags', () => {
    const dir = tmp();
    const missing = nabla(['train', '--resume', dir]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /checkpoint\.json: no checkpoint here/);
    const nowhere = nabla(['train', '--resume', join(dir, 'no-such-run')]);
    assert.equal(nowhere.code, 1);
    assert.match(nowhere.stderr, /no-such-run: no such folder \(--resume takes the folder of an earlier run\)$/m);
    assert.match(nabla(['train', '--out', join(dir, 'x'), '--iters', '1', '--seed', '-1']).stderr, /--seed must be ≥ 0, got -1/);
    assert.match(nabla(['train', '--out', '--quiet']).stderr, /--out needs a value/);
  });
});

describe('divergence', () => {
  it('stops on a NaN or infinite loss, naming the iteration and the learning rate, keeping the last checkpoint', () => {
    const out = tmp();
    const { code, stderr } = nabla(['train', '--lr', '1e6', '--iters', '3000', '--checkpoint-every', '1', '--out', out]);
    assert.equal(code, 1);
    const lines = stderr.trim().split('\n');
    assert.equal(lines.length, 1, stderr);
    assert.match(lines[0]!, /training diverged at iteration (\d+): the loss grew from 2\.\d+ to \d+\.\d+ \(smoothed\); the learning rate \(1000000\) is probably too high; the last checkpoint before it \(iteration \d+\) is kept in /);
    const iteration = Number(/iteration (\d+):/.exec(lines[0]!)![1]);
    const state = JSON.parse(readFileSync(join(out, 'checkpoint.json'), 'utf8'));
    assert.equal(state.state.iteration, iteration, 'checkpoint from the iteration before the bad one');
    const journal = readFileSync(join(out, 'checkpoint-history.jsonl')).subarray(0, state.history.bytes).toString().trim().split('\n');
    const losses = journal.flatMap((line) => JSON.parse(line).losses ?? []);
    assert.equal(losses.length, iteration);
    assert.ok(losses.every((l: number) => Number.isFinite(l)));
  });

  it('stops on a NaN loss, blaming the learning rate after the first step and the initial weights at the first', () => {
    const nan = nabla(['train', '--lr', '1e300', '--iters', '50', '--quiet', '--out', tmp()]);
    assert.equal(nan.code, 1);
    assert.match(nan.stderr.trim(), /^nabla train: training diverged at iteration 1: the loss is NaN; the learning rate \(1e\+300\) is probably too high; no checkpoint was saved before it$/);
    const init = nabla(['train', '--weight-init-std', '1e200', '--iters', '50', '--quiet', '--out', tmp()]);
    assert.match(init.stderr, /diverged at iteration 0: the loss is NaN; the initial weights are probably too large/);
  });
});
