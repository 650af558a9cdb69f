import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { decodeSafetensors } from '../../src/io/safetensors.js';
import { bin, nabla, root, Running, tinyMnist, tmp } from './train_helpers.js';

const weights = (file: string): Record<string, number[]> =>
  Object.fromEntries(Object.entries(decodeSafetensors(readFileSync(file)).tensors).map(([k, t]) => [k, Array.from(t.data)]));
const temporaries = (dir: string): string[] => readdirSync(dir).filter((name) => name.endsWith('.tmp'));

describe('SIGTERM and SIGHUP', () => {
  for (const [signal, code] of [['SIGTERM', 143], ['SIGHUP', 129]] as const) {
    it(`${signal} saves a checkpoint like Ctrl-C${signal === 'SIGTERM' ? ', and the resumed run matches an uninterrupted one' : ''}`, async () => {
      const data = tinyMnist(1000, 10);
      const parts = tmp();
      const iters = '1500';
      const run = new Running(['train', '--iters', iters, '--checkpoint-every', '0', '--data-dir', data, '--out', parts]);
      await run.waitFor(/epoch\s+loss/);
      run.child.kill(signal);
      assert.equal(await run.exit, code, run.stderr);
      assert.match(run.stderr, new RegExp(`stopped by ${signal} at iteration \\d+/${iters}: checkpoint saved in .*checkpoint\\.json`));
      assert.ok(existsSync(join(parts, 'checkpoint.json')) && !existsSync(join(parts, 'model.safetensors')));
      const resumed = nabla(['train', '--resume', parts, '--quiet']);
      assert.equal(resumed.code, 0, resumed.stderr);
      if (signal !== 'SIGTERM') return;
      const whole = tmp();
      assert.equal(nabla(['train', '--iters', iters, '--quiet', '--data-dir', data, '--out', whole]).code, 0);
      assert.deepEqual(weights(join(parts, 'model.safetensors')), weights(join(whole, 'model.safetensors')));
    });
  }
});

describe('a second Ctrl-C', () => {
  it('during the final save stops at once, says what it left, and leaves no temporary file', async () => {
    // A wide hidden layer makes the save slow enough to be caught in the middle of it.
    const data = tinyMnist();
    const out = tmp();
    assert.equal(nabla(['train', '--iters', '2', '--hidden', '12000', '--batch-size', '10', '--quiet', '--data-dir', data, '--out', out]).code, 0);
    const run = new Running(['train', '--resume', out, '--iters', '100000000', '--checkpoint-every', '0']);
    await run.waitFor(/epoch\s+loss/);
    run.child.kill('SIGINT');
    const started = Date.now();
    while (temporaries(out).length === 0 && Date.now() - started < 60_000) await new Promise((r) => setTimeout(r, 1));
    run.child.kill('SIGINT');
    assert.equal(await run.exit, 130, run.stderr);
    assert.match(run.stderr, new RegExp(`stopped by a second SIGINT before the save finished: ${out} keeps the checkpoint of iteration 2, without the final model; continue with: nabla train --resume ${out}`));
    assert.deepEqual(temporaries(out), [], 'the half-written file is removed');
    assert.equal(JSON.parse(readFileSync(join(out, 'checkpoint.json'), 'utf8')).state.iteration, 2);
  });
});

describe('what a kill leaves', () => {
  it('temporary files of a dead writer are removed on resume; files that are not nabla\'s are kept', () => {
    const data = tinyMnist();
    const out = tmp();
    assert.equal(nabla(['train', '--iters', '2', '--quiet', '--data-dir', data, '--out', out]).code, 0);
    // pid 4194305 is above Linux's largest pid: no such process can exist.
    const left = ['.checkpoint-4.safetensors.4194305.0123456789ab.tmp', '.checkpoint.json.4194305.abcdefabcdef.tmp', '.metrics.csv.4194305.000000000000.tmp'];
    const mine = '.notes.txt.4194305.0123456789ab.tmp';
    for (const name of [...left, mine]) writeFileSync(join(out, name), 'partial');
    const resumed = nabla(['train', '--resume', out, '--iters', '4', '--quiet']);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.deepEqual(temporaries(out), [mine]);
  });
});

describe('stdout that cannot be written', () => {
  it('says so in one line on stderr, keeps training and saving, and exits 1', async () => {
    const data = tinyMnist();
    const out = tmp();
    const full = openSync('/dev/full', 'w');
    const child = spawn(process.execPath, [bin, 'train', '--iters', '20', '--data-dir', data, '--out', out], { cwd: root, stdio: ['ignore', full, 'pipe'] });
    closeSync(full);
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((done) => child.on('close', done));
    assert.equal(code, 1, stderr);
    assert.equal(stderr, 'nabla: cannot write to standard output (ENOSPC); the rest of the output is lost\n');
    assert.ok(existsSync(join(out, 'model.safetensors')), 'the run is saved');
  });

  it('exits 1 when the write error arrives after a short command is done (--version, apple)', async () => {
    for (const args of [['--version'], ['apple']]) {
      const full = openSync('/dev/full', 'w');
      const child = spawn(process.execPath, [bin, ...args], { cwd: root, stdio: ['ignore', full, 'pipe'] });
      closeSync(full);
      let stderr = '';
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      const code = await new Promise<number | null>((done) => child.on('close', done));
      assert.equal(code, 1, `${args.join(' ')}: ${stderr}`);
      assert.equal(stderr, 'nabla: cannot write to standard output (ENOSPC); the rest of the output is lost\n');
    }
  });
});

describe('stdout closed by its reader (nabla train | head)', () => {
  it('stops like Ctrl-C: a checkpoint is saved, exit 141, and --resume finishes the run', async () => {
    const data = tinyMnist(1000, 10);
    const out = tmp();
    const run = new Running(['train', '--iters', '3000', '--checkpoint-every', '0', '--data-dir', data, '--out', out]);
    await run.waitFor(/run folder: /);
    run.child.stdout!.destroy(); // the reader goes away, as head does after its lines
    assert.equal(await run.exit, 141, run.stderr);
    assert.match(run.stderr, /^stopped \(standard output was closed\) at iteration \d+\/3000: checkpoint saved in .*checkpoint\.json\ncontinue with: nabla train --resume /);
    assert.ok(existsSync(join(out, 'checkpoint.json')) && !existsSync(join(out, 'model.safetensors')));
    const resumed = nabla(['train', '--resume', out, '--quiet']);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.ok(existsSync(join(out, 'model.safetensors')));
  });
});
