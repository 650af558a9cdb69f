// nabla graph: the buy_apple graphs with their gradients, and --expr. Most runs go through
// main() in-process; the ones that write into the current folder spawn the binary there.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/main.js';
import { assertWellFormedXml } from '../autograd/graph/xml.js';
import { capture } from './capture.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const bin = join(root, 'bin', 'nabla.js');

interface Run { code: number | null; stdout: string; stderr: string }

async function nabla(...args: string[]): Promise<Run> {
  const c = capture();
  const code = await main(args, c.io);
  return { code, stdout: c.stdout(), stderr: c.stderr() };
}

function spawnIn(cwd: string, ...args: string[]): Run {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function assertOneLineError(r: Run, code: number, pattern: RegExp): void {
  assert.equal(r.code, code, `exit code (stderr: ${r.stderr})`);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `exactly one line on stderr, got:\n${r.stderr}`);
  assert.match(lines[0]!, pattern);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
}

/** The table row of a variable in one graph's block. */
function row(block: string, name: string): string[] {
  const cells = block.split('\n').map((l) => l.trim().split(/\s{2,}/)).find((c) => c[0] === name);
  assert.ok(cells, `a row for ${name} in:\n${block}`);
  return cells;
}

function blocks(stdout: string): { apple: string; orange: string } {
  const at = stdout.indexOf('# buy_apple_orange');
  assert.ok(stdout.startsWith('# buy_apple\n') && at > 0, stdout);
  return { apple: stdout.slice(0, at), orange: stdout.slice(at) };
}

const FILES = ['buy_apple.dot', 'buy_apple.svg', 'buy_apple_orange.dot', 'buy_apple_orange.svg'];

describe('nabla graph apple', () => {
  it('prints both graphs with every number of the notes, and draws them into the current folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nabla-graph-'));
    const r = spawnIn(dir, 'graph', 'apple');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    const { apple, orange } = blocks(r.stdout);
    assert.match(apple, /apple_price = apple × apple_num\n {2}price = apple_price × tax\n/);
    assert.deepEqual(row(apple, 'apple'), ['apple', '100', '2.2']);
    assert.deepEqual(row(apple, 'tax'), ['tax', '1.1', '200']);
    assert.deepEqual(row(apple, 'price'), ['price', String(100 * 2 * 1.1), '1']);
    assert.match(apple, /as the notes print them: price: 220, dApple: 2\.2, dApple_num: 110, dTax: 200\n/);
    assert.deepEqual(row(orange, 'orange'), ['orange', '150', '3.3000000000000003']);
    assert.deepEqual(row(orange, 'tax'), ['tax', '1.1', '650']);
    assert.match(orange, /as the notes print them: price: 715, dApple: 2\.2, dApple_num: 110,\n {2}dOrange: 3\.3000000000000003, dOrange_num: 165, dTax: 650\n/);
    for (const line of r.stdout.split('\n')) assert.ok(line.length <= 80 || line.startsWith('wrote '), `wider than 80 columns: ${line}`);
    assert.deepEqual(readdirSync(dir).sort(), FILES);
    assert.match(r.stdout, new RegExp(`wrote buy_apple.svg, buy_apple.dot, buy_apple_orange.svg, buy_apple_orange.dot in ${dir}\n$`));
    for (const svg of ['buy_apple.svg', 'buy_apple_orange.svg']) assertWellFormedXml(readFileSync(join(dir, svg), 'utf8'));
    for (const dot of ['buy_apple.dot', 'buy_apple_orange.dot']) {
      const rendered = spawnSync('dot', ['-Tsvg', join(dir, dot)], { encoding: 'utf8' });
      if ((rendered.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') assert.fail('Graphviz is not installed: install it (apt-get install graphviz) to check the .dot files');
      assert.equal(rendered.status, 0, rendered.stderr);
    }

    // A second run would replace the pictures unasked: refused, and nothing changes.
    writeFileSync(join(dir, 'buy_apple_orange.dot'), 'mine');
    assertOneLineError(spawnIn(dir, 'graph', 'apple', '--tax', '2'), 2, /^nabla: graph: buy_apple.svg already exists here; replace the files with --out \., or choose another --out DIR$/);
    assert.equal(readFileSync(join(dir, 'buy_apple_orange.dot'), 'utf8'), 'mine');
    // Naming the folder asks for the files there.
    assert.equal(spawnIn(dir, 'graph', 'apple', '--out', '.').code, 0);
    assert.match(readFileSync(join(dir, 'buy_apple_orange.dot'), 'utf8'), /^digraph g/);
  });

  it('moves the gradients with the inputs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nabla-graph-'));
    const r = await nabla('graph', 'apple', '--tax', '1.2', '--apple', '150', '--apple-num', '3', '--orange', '200', '--orange-num', '4', '--out', join(dir, 'pictures'));
    assert.equal(r.code, 0, r.stderr);
    const { apple, orange } = blocks(r.stdout);
    assert.deepEqual(row(apple, 'apple'), ['apple', '150', '3.5999999999999996']);
    assert.deepEqual(row(apple, 'apple_num'), ['apple_num', '3', String(1.2 * 150)]);
    assert.deepEqual(row(apple, 'tax'), ['tax', '1.2', '450']);
    assert.deepEqual(row(orange, 'orange'), ['orange', '200', '4.8']);
    assert.deepEqual(row(orange, 'tax'), ['tax', '1.2', '1250']);
    assert.deepEqual(readdirSync(join(dir, 'pictures')).sort(), FILES, '--out makes the folder');

    const tax = await nabla('graph', 'apple', '--tax', '1.2', '--out', join(dir, 'pictures'));
    assert.deepEqual(row(blocks(tax.stdout).apple, 'apple'), ['apple', '100', '2.4']);
  });

  it('refuses bad flags in one line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nabla-graph-'));
    writeFileSync(join(dir, 'file'), '');
    assertOneLineError(await nabla('graph', 'apple', '--out', join(dir, 'file')), 2, /^nabla: graph: --out .*file is not a folder$/);
    assertOneLineError(await nabla('graph', 'apple', '--tax', 'much'), 2, /^nabla: graph: --tax must be a number, got 'much'$/);
    assertOneLineError(await nabla('graph', 'apple', '--order', '2'), 2, /^nabla: graph: --order is for --expr$/);
    assertOneLineError(await nabla('graph', 'pear'), 2, /^nabla: graph: unknown graph 'pear' \(graphs: apple, two-layer-net; or --expr EXPR\)$/);
    assertOneLineError(await nabla('graph'), 2, /^nabla: graph: name a graph \(apple, two-layer-net\) or give --expr EXPR/);
    assert.deepEqual(readdirSync(dir), ['file']);
  });
});

describe('nabla graph two-layer-net', () => {
  it('draws TwoLayerNet on autograd with shapes and gradient norms, as Graphviz accepts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nabla-graph-'));
    const r = await nabla('graph', 'two-layer-net', '--out', dir);
    assert.equal(r.code, 0, r.stderr);
    for (const line of ['h = Linear(x, W1, b1)', 'a = Relu(h)', 'scores = Linear(a, W2, b2)', 'loss = SoftmaxCrossEntropy(scores)']) assert.ok(r.stdout.includes(line), line);
    assert.deepEqual(row(r.stdout, 'W1').slice(0, 2), ['W1', '[784, 50]']);
    assert.match(row(r.stdout, 'W1')[2]!, /^‖g‖ \d/);
    // The loss of std-0.01 weights is near ln 10, and it is where backward starts.
    const [, loss, seed] = row(r.stdout, 'loss');
    assert.ok(Math.abs(Number(loss) - Math.log(10)) < 0.01, `loss ${loss}`);
    assert.equal(seed, '1');
    assertWellFormedXml(readFileSync(join(dir, 'two_layer_net.svg'), 'utf8'));
    const dot = spawnSync('dot', ['-Tsvg', join(dir, 'two_layer_net.dot')], { encoding: 'utf8' });
    assert.equal(dot.status, 0, `Graphviz refused the DOT (install it with apt-get install graphviz): ${dot.error ?? dot.stderr}`);
    assertOneLineError(await nabla('graph', 'two-layer-net', '--tax', '2'), 2, /^nabla: graph: --tax is for nabla graph apple, not two-layer-net$/);
  });
});

describe('nabla graph --expr', () => {
  it('prints the value, the derivatives by double backprop and the graph', async () => {
    const r = await nabla('graph', '--expr', 'x**4 - 2*x**2', '--x', '2', '--order', '2');
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n');
    assert.deepEqual(lines.slice(0, 5), ['y = x**4 - 2*x**2', 'at x = 2', 'y = 8', 'dy/dx = 24', 'd²y/dx² = 44']);
    assert.ok(lines.includes('  y = t1 − t3'), r.stdout);
    assert.ok(lines.some((l) => /^ {2}x +2 +24$/.test(l)), 'x with its gradient in the table');
  });

  it('takes several variables, each as a flag of its name, and draws into --out', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nabla-graph-'));
    const r = await nabla('graph', '--expr=x*y + sin(x)', '--x', '0', '--y=-3', '--order', '2', '--out', dir);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n');
    assert.deepEqual(lines.slice(0, 7), ['f = x*y + sin(x)', 'at x = 0, y = -3', 'f = 0', '∂f/∂x = -2', '∂²f/∂x² = 0', '∂f/∂y = 0', '∂²f/∂y² = 0']);
    assert.deepEqual(readdirSync(dir).sort(), ['expression.dot', 'expression.svg']);
    assertWellFormedXml(readFileSync(join(dir, 'expression.svg'), 'utf8'));
  });

  it('prints only the value with --order 0, and writes nothing without --out', async () => {
    const r = await nabla('graph', '--expr', 'exp(x)', '--x', '0', '--order', '0');
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /d.*\/dx|grad|wrote/);
    assert.match(r.stdout, /^y = exp\(x\)\nat x = 0\ny = 1\n/);
  });

  it('says when rounding may have eaten a derivative (the naive graph of a high one cancels huge terms)', async () => {
    const r = await nabla('graph', '--expr', '1/(x+1)', '--x', '1', '--order', '10');
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n');
    // The 9th, 10!/2^11·(-1)·… = -354.375, is exact; the 10th (1771.875 exactly) is lost to cancellation.
    const ninth = lines.indexOf('d⁹y/dx⁹ = -354.375');
    assert.ok(ninth > 0, r.stdout);
    assert.match(lines[ninth + 1]!, /^d¹⁰y\/dx¹⁰ = /);
    assert.match(lines[ninth + 2]!, /^ {2}\(not to be trusted: float64 rounding in its graph may be off by /);
    assert.equal(lines.filter((l) => l.includes('not to be trusted')).length, 1);
    const exact = await nabla('graph', '--expr', 'x**12', '--x', '1', '--order', '10');
    assert.ok(exact.stdout.includes('d¹⁰y/dx¹⁰ = 239500800\n'));
    assert.doesNotMatch(exact.stdout, /not to be trusted/);
  });

  it('refuses an order whose graph would take minutes, before printing anything', async () => {
    const r = await nabla('graph', '--expr', '1/(x+1)/(x+2)/(x+3)/(x+4)', '--x', '1', '--order', '10');
    assertOneLineError(r, 2, /^nabla: graph: --order 10: derivative 7 by x already has a graph of \d+ functions, too many to differentiate again; ask for --order 7 or less$/);
    assert.equal(r.stdout, '');
  });

  it('points at the column of a mistake, in one line with exit code 2', async () => {
    assertOneLineError(await nabla('graph', '--expr', 'x**4 - 2*x)', '--x', '2'), 2, /^nabla: graph: --expr: unexpected '\)' at column 11$/);
    assertOneLineError(await nabla('graph', '--expr', 'x + foo(x)', '--x', '2'), 2, /^nabla: graph: --expr: unknown function 'foo' at column 5 \(functions: exp, log, sin, cos, tanh\)$/);
    assertOneLineError(await nabla('graph', '--expr', 'x + q', '--x', '2'), 2, /^nabla: graph: --expr: unknown variable 'q' at column 5 \(give its value with --q N\)$/);
    assertOneLineError(await nabla('graph', '--expr', 'x', '--x', '2', '--z', '1'), 2, /^nabla: graph: unknown option --z/);
    assertOneLineError(await nabla('graph', '--expr', 'order * 2', '--order', '2'), 2, /^nabla: graph: --expr: the variable 'order' has the name of an option of nabla graph; rename it$/);
    assertOneLineError(await nabla('graph', '--expr', 'x', '--x', '2', '--tax', '1'), 2, /^nabla: graph: --tax is for nabla graph apple, not --expr$/);
    assertOneLineError(await nabla('graph', 'apple', '--expr', 'x', '--x', '1'), 2, /^nabla: graph: unexpected argument 'apple'$/);
    assertOneLineError(await nabla('graph', '--expr', '\u001b[2J', '--x', '2'), 2, /^nabla: graph: --expr: unexpected character '\\x1b' at column 1$/);
    assertOneLineError(await nabla('graph', '--expr', 'x + __proto__', '--x', '2', '--__proto__', '1'), 2, /^nabla: graph: --expr: '__proto__' cannot be a variable name at column 5$/);
  });

  it('has help', async () => {
    const r = await nabla('graph', '--help');
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^Usage: nabla graph apple/);
    assert.match(r.stdout, /--expr EXPR/);
    assert.ok(existsSync(bin));
  });
});
