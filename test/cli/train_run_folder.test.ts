import assert from 'node:assert/strict';
import { appendFileSync, copyFileSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { assertOneLineError, nabla, Running, tinyMnist, tmp } from './train_helpers.js';

const listing = (dir: string): string[] => readdirSync(dir).sort();

describe('--out refuses what is not a nabla run folder', () => {
  it('refuses a folder of someone else\'s files, touching nothing in it', () => {
    const out = tmp();
    writeFileSync(join(out, 'config.json'), '{"mine": true}\n');
    writeFileSync(join(out, 'loss.svg'), '<svg/>');
    const result = nabla(['train', '--iters', '1', '--quiet', '--out', out]);
    assertOneLineError(result, 2, /^nabla: train: --out .* is not empty and is not a nabla run folder \(it holds "config\.json", "loss\.svg"\); give a new or empty folder$/);
    assert.deepEqual(listing(out), ['config.json', 'loss.svg']);
    assert.equal(readFileSync(join(out, 'config.json'), 'utf8'), '{"mine": true}\n');
  });

  it('refuses --out . in a project folder, keeping its config.json', () => {
    const project = tmp();
    writeFileSync(join(project, 'config.json'), '{"project": 1}\n');
    const result = nabla(['train', '--iters', '1', '--quiet', '--out', '.'], { cwd: project });
    assertOneLineError(result, 2, /--out \. is not empty and is not a nabla run folder/);
    assert.deepEqual(listing(project), ['config.json']);
  });

  it('refuses unusable paths at once with one line instead of spinning', () => {
    const proc = nabla(['train', '--iters', '1', '--out', '/proc/nabla-x'], { timeout: 20_000 });
    assert.notEqual(proc.code, null, 'ended (it used to spin at 100 % CPU)');
    assertOneLineError(proc, 1, /^nabla train: --out \/proc\/nabla-x: cannot create the folder \/proc\/nabla-x \([\w ]+\)$/);
    assertOneLineError(nabla(['train', '--iters', '1', '--out', '/dev/null']), 2, /--out \/dev\/null is not a folder/);
    assertOneLineError(nabla(['train', '--iters', '1', '--out', '/dev/null/x']), 1, /^nabla train: --out \/dev\/null\/x: cannot use it \(a part of the path is not a folder\)$/);
  });

  it('accepts an empty folder, and creates missing parents', () => {
    const data = tinyMnist();
    const empty = tmp();
    assert.equal(nabla(['train', '--iters', '2', '--quiet', '--data-dir', data, '--out', empty]).code, 0);
    assert.ok(existsSync(join(empty, 'model.safetensors')));
    const nested = join(tmp(), 'a', 'b');
    assert.equal(nabla(['train', '--iters', '2', '--quiet', '--data-dir', data, '--out', nested]).code, 0);
    assert.ok(existsSync(join(nested, 'model.safetensors')));
  });

  it('never deletes a file nabla did not write, even one named like a checkpoint', () => {
    const data = tinyMnist();
    const out = tmp();
    assert.equal(nabla(['train', '--iters', '4', '--checkpoint-every', '2', '--quiet', '--data-dir', data, '--out', out]).code, 0);
    copyFileSync(join(out, 'checkpoint-4.safetensors'), join(out, 'checkpoint-3.safetensors')); // the user's copy
    // What a kill between the weights and checkpoint.json leaves: weights the journal names past its valid part.
    copyFileSync(join(out, 'checkpoint-4.safetensors'), join(out, 'checkpoint-5.safetensors'));
    appendFileSync(join(out, 'checkpoint-history.jsonl'), '{"losses":[2.5]}\n{"weights":"checkpoint-5.safetensors"}\n');
    const resumed = nabla(['train', '--resume', out, '--iters', '8', '--checkpoint-every', '2', '--quiet']);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.ok(existsSync(join(out, 'checkpoint-3.safetensors')), 'the user\'s file is kept');
    assert.ok(!existsSync(join(out, 'checkpoint-4.safetensors')) && !existsSync(join(out, 'checkpoint-6.safetensors')), 'nabla\'s older checkpoints are replaced');
    assert.ok(!existsSync(join(out, 'checkpoint-5.safetensors')), 'nabla\'s leftover from the kill is removed');
    assert.ok(existsSync(join(out, 'checkpoint-8.safetensors')));
  });
});

describe('a run stopped after its last checkpoint', () => {
  it('is finished by --resume: model, metrics and plots are written', () => {
    const data = tinyMnist();
    const out = tmp();
    assert.equal(nabla(['train', '--iters', '6', '--quiet', '--data-dir', data, '--out', out]).code, 0);
    const model = readFileSync(join(out, 'model.safetensors'));
    const metrics = readFileSync(join(out, 'metrics.csv'), 'utf8');
    // What the folder holds when the process dies between the final checkpoint and the model.
    for (const name of ['model.safetensors', 'metrics.csv', 'metrics.json', 'accuracy.svg', 'loss.svg']) rmSync(join(out, name));
    const state = JSON.parse(readFileSync(join(out, 'checkpoint.json'), 'utf8'));
    if ('finished' in state) writeFileSync(join(out, 'checkpoint.json'), JSON.stringify({ ...state, finished: false }));
    const resumed = nabla(['train', '--resume', out, '--quiet']);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.doesNotMatch(resumed.stderr, /already complete/);
    assert.deepEqual(readFileSync(join(out, 'model.safetensors')), model, 'the model of the checkpoint');
    assert.equal(readFileSync(join(out, 'metrics.csv'), 'utf8'), metrics);
    for (const plot of ['accuracy.svg', 'loss.svg']) assert.ok(existsSync(join(out, plot)));
    // Now it is complete.
    assert.match(nabla(['train', '--resume', out]).stderr, /already complete \(6\/6 iterations\)/);
  });
});

describe('one process per run folder', () => {
  it('refuses a second run on the same --out and a second --resume, naming the process; a dead holder does not block', async () => {
    const data = tinyMnist();
    const out = tmp();
    const first = new Running(['train', '--iters', '100000000', '--checkpoint-every', '0', '--data-dir', data, '--out', out]);
    try {
      await first.waitFor(/epoch\s+loss/);
      const second = nabla(['train', '--iters', '1', '--quiet', '--data-dir', data, '--out', out]);
      assertOneLineError(second, 1, new RegExp(`^nabla train: ${out}: the run folder is in use by another nabla process \\(pid ${first.child.pid}, per \\.nabla\\.lock\\)`));
    } finally {
      first.child.kill('SIGKILL');
      await first.exit;
    }

    const run = tmp();
    assert.equal(nabla(['train', '--iters', '2', '--quiet', '--data-dir', data, '--out', run]).code, 0);
    const resuming = new Running(['train', '--resume', run, '--iters', '100000000', '--checkpoint-every', '0']);
    try {
      await resuming.waitFor(/epoch\s+loss/);
      const again = nabla(['train', '--resume', run, '--iters', '4', '--quiet']);
      assertOneLineError(again, 1, new RegExp(`${run}: the run folder is in use by another nabla process \\(pid ${resuming.child.pid}, per \\.nabla\\.lock\\)`));
    } finally {
      resuming.child.kill('SIGKILL');
      await resuming.exit;
    }
    assert.ok(existsSync(join(run, '.nabla.lock')), 'SIGKILL leaves the lock behind');
    const after = nabla(['train', '--resume', run, '--iters', '4', '--quiet']);
    assert.equal(after.code, 0, `a lock whose process is gone is taken over: ${after.stderr}`);
    assert.ok(!existsSync(join(run, '.nabla.lock')), 'released at the end');
  });
});

describe('checkpoint cost', () => {
  it('checkpoint.json does not grow with the run: the losses are appended to their own file', () => {
    const data = tinyMnist(1000, 10); // batch 1: an epoch is 1000 iterations, so both runs evaluate once
    const short = tmp();
    const long = tmp();
    assert.equal(nabla(['train', '--iters', '10', '--batch-size', '1', '--quiet', '--data-dir', data, '--out', short]).code, 0);
    assert.equal(nabla(['train', '--iters', '900', '--batch-size', '1', '--quiet', '--data-dir', data, '--out', long]).code, 0);
    const size = (dir: string): number => readFileSync(join(dir, 'checkpoint.json')).length;
    const perIteration = (size(long) - size(short)) / 890;
    assert.ok(perIteration < 0.1, `checkpoint.json grows by ${perIteration} bytes per iteration`);
  });
});

describe('final report', () => {
  it('--json names the run folder, and a run shorter than an epoch reports its final weights', () => {
    const out = tmp();
    const result = nabla(['train', '--iters', '50', '--json', '--out', out]);
    assert.equal(result.code, 0, result.stderr);
    const summary = JSON.parse(result.stdout);
    assert.equal(summary.runDir, out);
    const evaluated = JSON.parse(nabla(['evaluate', '--model', join(out, 'model.safetensors'), '--json']).stdout);
    assert.equal(summary.testAcc, evaluated.testAcc, 'the accuracy of the saved model');
    assert.notEqual(summary.testAcc, summary.epochs[0].testAcc, 'not the evaluation after the first iteration');
    const text = nabla(['train', '--iters', '50', '--out', join(out, 'text')]);
    assert.match(text.stdout, new RegExp(`final: train acc [\\d.]+, test acc ${evaluated.testAcc.toFixed(4)} in [\\d.]+ s \\(best test acc ${evaluated.testAcc.toFixed(4)} at the end\\)`), 'never a "best" below the final accuracy');
  });
});

describe('a run folder whose name holds control characters', () => {
  it('is shown escaped on stdout and stderr, never raw (no spoofed lines, no terminal title)', async () => {
    const out = join(tmp(), 'run\x1b]0;pwned\x07\nnabla train: all good\r');
    const done = nabla(['train', '--iters', '3', '--checkpoint-every', '1', '--data-dir', tinyMnist(), '--out', out]);
    assert.equal(done.code, 0, done.stderr);
    assert.match(done.stdout, /^run folder: .*run\\x1b\]0;pwned\\x07\\nnabla train: all good\\r$/m);
    assert.match(done.stdout, /^wrote .*run\\x1b\]0;pwned\\x07\\nnabla train: all good\\r\/: model\.safetensors/m);
    assert.doesNotMatch(done.stdout + done.stderr, /[\x07\x1b\r]/);
    assert.ok(!done.stdout.split('\n').some((line) => line.startsWith('nabla train: all good')), 'no line of its own');
    const again = nabla(['train', '--resume', out, '--iters', '3']);
    assert.doesNotMatch(again.stdout + again.stderr, /[\x07\x1b\r]/);
  });
});
