// `nabla train` scoring its evaluations on a thread of their own: when it does, and that
// a run gives the same files, byte for byte, whether it does or not.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { wantsBackgroundScoring } from '../../src/cli/train_scoring.js';
import { bin, tmp } from './train_helpers.js';

describe('when the evaluations get a thread', () => {
  const seed = { threads: 2, imagesPerEvaluation: 70000, evaluations: 17, iterations: 10000, batchSize: 100 };
  it('the seed\'s run (scoring 40% of the training work) does; a conv net\'s (1%) does not', () => {
    assert.equal(wantsBackgroundScoring(seed), true);
    assert.equal(wantsBackgroundScoring({ ...seed, imagesPerEvaluation: 2000, evaluations: 21, iterations: 12000 }), false);
  });
  it('never on one thread; NABLA_EVAL_THREAD=0 or 1 decides otherwise', () => {
    assert.equal(wantsBackgroundScoring({ ...seed, threads: 1 }), false);
    assert.equal(wantsBackgroundScoring({ ...seed, threads: 1, override: '1' }), false);
    assert.equal(wantsBackgroundScoring({ ...seed, override: '0' }), false);
    assert.equal(wantsBackgroundScoring({ ...seed, imagesPerEvaluation: 10, override: '1' }), true);
    assert.throws(() => wantsBackgroundScoring({ ...seed, override: 'yes' }), /^Error: NABLA_EVAL_THREAD must be 0 \(score in turn\) or 1 \(a scoring thread\), got 'yes'$/);
  });
  it('nabla train refuses a bad NABLA_EVAL_THREAD in one line, before it makes a run folder', () => {
    const out = join(tmp(), 'run');
    const r = spawnSync(process.execPath, [bin, 'train', '--iters', '5', '--train-size', '500', '--out', out], { encoding: 'utf8', env: { ...process.env, NABLA_EVAL_THREAD: '2' } });
    assert.equal(r.status, 1);
    assert.equal(r.stderr, "nabla train: NABLA_EVAL_THREAD must be 0 (score in turn) or 1 (a scoring thread), got '2'\n");
    assert.equal(existsSync(out), false);
  });
});

/** The history journal's losses and evaluations, without the seconds each evaluation was recorded at. */
function journal(run: string): { losses: number[]; epochs: unknown[] } {
  const losses: number[] = [];
  const epochs: unknown[] = [];
  for (const line of readFileSync(join(run, 'checkpoint-history.jsonl'), 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const entry = JSON.parse(line) as { losses?: number[]; epoch?: Record<string, unknown> };
    if (entry.losses) losses.push(...entry.losses);
    if (entry.epoch) {
      const { seconds: _seconds, ...rest } = entry.epoch;
      epochs.push(rest);
    }
  }
  return { losses, epochs };
}

describe('nabla train with a scoring thread', () => {
  function run(evalThread: '0' | '1', dtype: string): { out: string; stdout: string; stderr: string } {
    const out = join(tmp(), 'run');
    const r = spawnSync(process.execPath, [bin, 'train', '--iters', '95', '--train-size', '3000', '--checkpoint-every', '40', '--threads', '2', '--dtype', dtype, '--out', out], {
      encoding: 'utf8', env: { ...process.env, NABLA_EVAL_THREAD: evalThread }, timeout: 120_000,
    });
    assert.equal(r.status, 0, r.stderr);
    return { out, stdout: r.stdout, stderr: r.stderr };
  }

  for (const dtype of ['float64', 'float32']) {
    it(`writes the same model, metrics and checkpoint as scoring in turn (${dtype})`, () => {
      const inTurn = run('0', dtype);
      const beside = run('1', dtype);
      assert.match(beside.stdout, /on wasm \(2 threads\), evaluations on a thread of their own/);
      assert.doesNotMatch(inTurn.stdout, /evaluations on a thread/);
      assert.equal(beside.stderr, '');
      const backendOf = (run: string): Record<string, unknown> => (JSON.parse(readFileSync(join(run, 'config.json'), 'utf8')) as { backend: Record<string, unknown> }).backend;
      assert.deepEqual(backendOf(beside.out), { name: 'wasm', threads: 2, scoringThread: true });
      assert.deepEqual(backendOf(inTurn.out), { name: 'wasm', threads: 2 });
      for (const file of ['model.safetensors', 'metrics.csv']) {
        assert.ok(readFileSync(join(beside.out, file)).equals(readFileSync(join(inTurn.out, file))), `${file} differs`);
      }
      // The checkpoint's journal holds the same losses and evaluations (their clock times aside).
      assert.deepEqual(journal(beside.out), journal(inTurn.out));
      // Every epoch's line is printed, in order, before the final one.
      const rows = (stdout: string): string[] => [...stdout.matchAll(/^ +(\d+\/\d+ +[\d.]+ +[\d.]+ +[\d.]+)/gm)].map((m) => m[1]!);
      assert.deepEqual(rows(beside.stdout), rows(inTurn.stdout));
      assert.equal(rows(beside.stdout).length, 4, beside.stdout);
      assert.ok(beside.stdout.indexOf('final:') > beside.stdout.indexOf(' 3/3 '));
      // The final weights (iteration 95; the last evaluation was after 91) score the same.
      const finalLine = (stdout: string): string => /^final: train acc [\d.]+, test acc [\d.]+/m.exec(stdout)?.[0] ?? 'none';
      assert.equal(finalLine(beside.stdout), finalLine(inTurn.stdout));
      assert.notEqual(finalLine(beside.stdout), 'none');
    });
  }
});
