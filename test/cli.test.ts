import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
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
    for (const command of ['apple', 'evaluate', 'experiment', 'filters', 'gradcheck', 'graph', 'predict', 'train']) {
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
    assertOneLineError(nabla('train', '--iter', '5'), 2, /^nabla: train: unknown option --iter \(did you mean --iters\?\)$/);
    assertOneLineError(nabla('train', '--zzz', '5'), 2, /^nabla: train: unknown option --zzz \(see nabla train --help\)$/);
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
    assert.deepEqual(Object.keys(result), ['epochs', 'trainAcc', 'testAcc', 'testImages', 'seconds', 'wallSeconds', 'runDir']);
    const { seconds, wallSeconds } = result as unknown as { seconds: number; wallSeconds: number };
    assert.ok(wallSeconds > seconds, `the whole process (${wallSeconds} s) takes longer than its training loop (${seconds} s)`);
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

describe('nabla --version and mistyped commands', () => {
  it('prints the version from package.json with --version, exit 0', async () => {
    const { readFileSync } = await import('node:fs'); // imported here, so this block only appends to the file
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    const result = nabla('--version');
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, `${version}\n`);
    assert.equal(result.stderr, '');
    assertOneLineError(nabla('--version', 'train'), 2, /^nabla: --version takes no arguments, got 'train'$/);
  });

  it('suggests the nearest command or option for a typo, in one line with exit code 2', () => {
    assertOneLineError(nabla('trian'), 2, /^nabla: unknown command 'trian'; did you mean 'train'\?$/);
    assertOneLineError(nabla('predcit', 'x.png'), 2, /^nabla: unknown command 'predcit'; did you mean 'predict'\?$/);
    assertOneLineError(nabla('--verison'), 2, /^nabla: unknown option '--verison'; did you mean '--version'\?$/);
    assertOneLineError(nabla('fly'), 2, /^nabla: unknown command 'fly' \(commands: apple, evaluate, experiment, filters, graph, gradcheck, playground, predict, train\)$/);
  });

  it('shows an unknown command printable and short', () => {
    const result = nabla(`\u001b]0;pwned\u0007${'x'.repeat(5000)}`);
    assertOneLineError(result, 2, /^nabla: unknown command '\\x1b\]0;pwned\\x07x{24}… \(\d+ more characters\)' \(commands: /);
  });
});

describe('flags, bounds and error lines', () => {
  it('takes integers only in plain decimal digits and refuses a flag given twice', () => {
    for (const value of ['0x3', '0b11', '3e0', ' 3']) assertOneLineError(nabla('train', '--iters', value), 2, /^nabla: train: --iters must be an integer, got '/);
    assertOneLineError(nabla('train', '--lr', '0x1'), 2, /^nabla: train: --lr must be a number, got '0x1'$/);
    assertOneLineError(nabla('train', '--iters', '5', '--lr', '0.1', '--iters', '6'), 2, /^nabla: train: --iters is given more than once$/);
  });

  it('refuses sizes that cannot fit before allocating them, naming the flag', () => {
    const cores = availableParallelism();
    const bound = Math.min(256, 4 * cores);
    assertOneLineError(nabla('train', '--threads', String(bound + 1), '--iters', '1'), 2, new RegExp(`^nabla: train: --threads must be ≤ ${bound} \\(4 × the ${cores} cores here`));
    // From the environment: with the default backend, and with --backend wasm.
    for (const args of [['gradcheck'], ['evaluate', '--model', 'unused', '--backend', 'wasm']]) {
      const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, NABLA_THREADS: String(bound + 1) } });
      assertOneLineError({ code: r.status, stdout: r.stdout, stderr: r.stderr }, 1, new RegExp(`^nabla ${args[0]}: NABLA_THREADS must be at most ${bound} \\(4 × the ${cores} cores here`));
    }
    const started = performance.now();
    assertOneLineError(nabla('train', '--hidden', '1000000', '--iters', '1'), 2, /^nabla: train: --hidden 1000000 is too large: the float64 computation needs about \d+(\.\d)? GiB, more than the /);
    assertOneLineError(nabla('train', '--batch-size', '10000000', '--backend', 'reference', '--iters', '1'), 2, /^nabla: train: --batch-size 10000000 is too large: /);
    assertOneLineError(nabla('gradcheck', '--hidden', '3000000'), 2, /^nabla: gradcheck: --hidden 3000000 is too large: /);
    assert.ok(performance.now() - started < 60_000, 'refused without trying');
  });

  it('prints one line of printable characters, bounded, whatever a name or a value holds', () => {
    const control = /[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;
    const spoof = nabla(`fly\x1b]0;pwned\x07\u202e`);
    assertOneLineError(spoof, 2, /^nabla: unknown command 'fly\\x1b\]0;pwned\\x07\\u\{202e\}'/);
    assert.doesNotMatch(spoof.stderr.trimEnd(), control);
    const dir = join(mkdtempSync(join(tmpdir(), 'nabla-names-')), 'data\x1b[2J\nnabla train: all good\r');
    const data = nabla('train', '--data-dir', dir, '--iters', '1');
    assertOneLineError(data, 1, /^nabla train: .*data\\x1b\[2J\\nnabla train: all good\\r/);
    assert.doesNotMatch(data.stderr.trimEnd(), control);
    const long = nabla('x'.repeat(5000));
    assertOneLineError(long, 2, /^nabla: unknown command 'x{40}… \(4960 more characters\)' \(commands: /);
    assert.ok(long.stderr.trimEnd().length <= 400, `${long.stderr.length} characters`);
  });

  it('on --resume, accepts flags that repeat the run\'s own settings and refuses changed ones or other data', () => {
    const run = mkdtempSync(join(tmpdir(), 'nabla-resume-flags-'));
    const first = nabla('train', '--iters', '1', '--quiet', '--out', run);
    assert.equal(first.code, 0, first.stderr);
    const dataDir = (JSON.parse(readFileSync(join(run, 'config.json'), 'utf8')) as { dataDir: string }).dataDir;
    const same = nabla('train', '--resume', run, '--iters', '2', '--quiet', '--dtype', 'float64', '--hidden', '50', '--lr', '0.1', '--batch-size', '100',
      '--weight-init-std', '0.01', '--seed', '42', '--out', `${run}/`, '--data-dir', dataDir);
    assert.equal(same.code, 0, same.stderr);
    assertOneLineError(nabla('train', '--resume', run, '--iters', '3', '--lr', '0.5'), 2, /^nabla: train: --lr 0\.5 differs from the run's own 0\.1 \(.*\); a resumed run keeps its settings, only --iters may change$/);
    assertOneLineError(nabla('train', '--resume', run, '--iters', '3', '--dtype', 'float32'), 2, /^nabla: train: --dtype float32 differs from the run's own float64/);
    assertOneLineError(nabla('train', '--resume', run, '--iters', '3', '--out', mkdtempSync(join(tmpdir(), 'nabla-other-'))), 2, /^nabla: train: --out .* is not the run being resumed/);
    // The same files under another folder are other data as far as the run can tell.
    const copy = mkdtempSync(join(tmpdir(), 'nabla-other-data-'));
    for (const name of readdirSync(dataDir)) symlinkSync(join(dataDir, name), join(copy, name));
    assertOneLineError(nabla('train', '--resume', run, '--iters', '3', '--data-dir', copy), 2, /^nabla: train: --data-dir .* is not the data the run was trained on \(.*\); a resumed run continues on its own data$/);
    // A link to the run's own folder is the same data.
    const link = join(copy, 'link');
    symlinkSync(dataDir, link);
    const linked = nabla('train', '--resume', run, '--iters', '3', '--quiet', '--data-dir', link);
    assert.equal(linked.code, 0, linked.stderr);
  });
});
