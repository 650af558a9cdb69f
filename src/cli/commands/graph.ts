import { lstatSync, mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { add, Variable } from '../../autograd/core.js';
import { buildExpression, expressionVariables, ExpressionError, parseExpression, type Expression } from '../../autograd/expression.js';
import { linear } from '../../autograd/functions/linear.js';
import { mul } from '../../autograd/functions/mul.js';
import { relu } from '../../autograd/functions/relu.js';
import { softmaxCrossEntropy } from '../../autograd/functions/softmax_cross_entropy.js';
import { TwoLayerNet as AutogradTwoLayerNet } from '../../autograd/two_layer_net.js';
import { loadMnistBytes } from '../../data/mnist.js';
import { DerivativeGraphTooLarge, higherDerivatives, type Derivative } from '../../autograd/graph/derivatives.js';
import { drawGraph } from '../../autograd/graph/svg.js';
import { toDot } from '../../autograd/graph/dot.js';
import { toText } from '../../autograd/graph/text.js';
import { writeFileAtomic } from '../../io/atomic.js';
import { printable } from '../../io/printable.js';
import { describeFsError } from '../../io/regular_file.js';
import { formatHelp, parseArgs, UsageError, type FlagSpecs } from '../args.js';
import type { Output } from '../common.js';

const appleFlags = {
  apple: { type: 'number', default: 100, help: 'price of one apple', arg: 'N' },
  'apple-num': { type: 'number', default: 2, help: 'number of apples', arg: 'N' },
  orange: { type: 'number', default: 150, help: 'price of one orange (buy_apple_orange)', arg: 'N' },
  'orange-num': { type: 'number', default: 3, help: 'number of oranges (buy_apple_orange)', arg: 'N' },
  tax: { type: 'number', default: 1.1, help: 'tax factor', arg: 'N' },
} as const satisfies FlagSpecs;

const MAX_ORDER = 10;

const flags = {
  ...appleFlags,
  expr: { type: 'string', help: 'an expression to differentiate instead of a named graph (see above)', arg: 'EXPR' },
  order: { type: 'int', min: 0, max: MAX_ORDER, help: `with --expr: how many derivatives to print, 0 to ${MAX_ORDER} (default: 1)`, arg: 'N' },
  out: { type: 'string', help: 'folder for the .svg and .dot files; files of the same names there are replaced (default: the current folder, where nothing is replaced)', arg: 'DIR' },
  verbose: { type: 'boolean', help: 'print stack traces on errors' },
} as const satisfies FlagSpecs;

export const graphHelp = formatHelp(
  'nabla graph apple [--apple N] [--apple-num N] [--orange N] [--orange-num N] [--tax N] [--out DIR]\n' +
    '       nabla graph two-layer-net [--out DIR]\n' +
    '       nabla graph --expr EXPR [--NAME VALUE ...] [--order N] [--out DIR]',
  "Shows a computational graph built with the autograd Variables: every function in order, every\n" +
    'variable with its value and, after backward, its gradient.\n\n' +
    "apple: the seed's buy_apple and buy_apple_orange graphs, printed and drawn into buy_apple.svg,\n" +
    'buy_apple.dot, buy_apple_orange.svg and buy_apple_orange.dot (the .dot files are for Graphviz:\n' +
    "dot -Tpng buy_apple.dot -o buy_apple.png). Change the inputs to see the gradients move. In the\n" +
    'current folder an existing file is never replaced; in a folder named with --out it is.\n\n' +
    "two-layer-net: the seed's TwoLayerNet(784, 50, 10) on autograd (seed 42), after one backward\n" +
    'pass on the first 100 MNIST training images: every tensor with its shape and, as its gradient,\n' +
    'the norm ‖g‖; drawn into two_layer_net.svg and two_layer_net.dot.\n\n' +
    '--expr: an expression of numbers, variables, + - * / ** (as in Python: -x**2 is -(x**2)),\n' +
    'parentheses and exp log sin cos tanh. Give each variable its value with a flag of its name:\n' +
    `nabla graph --expr "x**4 - 2*x**2" --x 2 --order 2. Prints the value and the first --order\n` +
    'derivatives by each variable (double backprop), and the graph; --out DIR also draws it into\n' +
    'expression.svg and expression.dot there. A derivative that float64 rounding in its graph may\n' +
    'have lost is marked as not to be trusted.',
  flags,
);

const APPLE_FILES = ['buy_apple.svg', 'buy_apple.dot', 'buy_apple_orange.svg', 'buy_apple_orange.dot'];
const TWO_LAYER_FILES = ['two_layer_net.svg', 'two_layer_net.dot'];

/** TwoLayerNet's graph after one backward pass on a batch: shapes, and each gradient's norm. */
async function twoLayerNetGraph(outDir: string, io: Output): Promise<number> {
  const data = loadMnistBytes({ normalize: true });
  const batch = 100;
  const net = new AutogradTwoLayerNet(784, 50, 10, { seed: 42 });
  const x = new Variable(data.xTrain.toFloats(0, batch), 'x');
  const { W1, b1, W2, b2 } = net.vars;
  const h = linear(x, W1, b1);
  h.name = 'h';
  const a = relu(h);
  a.name = 'a';
  const scores = linear(a, W2, b2);
  scores.name = 'scores';
  const loss = softmaxCrossEntropy(scores, data.trainLabels.subarray(0, batch));
  loss.name = 'loss';
  loss.backward({ retainGrad: true });
  io.out(`# TwoLayerNet(784, 50, 10) on autograd, one backward pass on the first ${batch} training images`);
  io.out(toText(loss));
  io.out('');
  await writeAll(outDir, [
    ['two_layer_net.svg', drawGraph(loss, { title: 'TwoLayerNet' })],
    ['two_layer_net.dot', toDot(loss)],
  ], io);
  return 0;
}
const EXPRESSION_FILES = ['expression.svg', 'expression.dot'];

export async function graphCommand(argv: readonly string[], io: Output): Promise<number> {
  // Each variable of --expr gets a flag of its name, so the expression is read first.
  const source = findExpr(argv);
  const expression = source === undefined ? undefined : parse(source);
  const names = expression === undefined ? [] : expressionVariables(expression);
  for (const name of names) {
    // The flag parser keeps values in a plain object, where this name is the prototype.
    if (name === '__proto__') throw new UsageError(`graph: --expr: '__proto__' cannot be a variable name at column ${firstColumn(expression!, name)}`);
    if (Object.hasOwn(flags, name) || name === 'help') throw new UsageError(`graph: --expr: the variable '${name}' has the name of an option of nabla graph; rename it`);
  }
  const variableFlags: FlagSpecs = Object.fromEntries(names.map((name) => [name, { type: 'number', help: `value of ${name}`, arg: 'N' }]));
  const { flags: f, positional, help, given } = parseArgs('graph', argv, { ...flags, ...variableFlags });
  if (help) {
    io.out(graphHelp);
    return 0;
  }
  if (positional.length > 1 || (positional.length === 1 && expression !== undefined)) {
    throw new UsageError(`graph: unexpected argument '${printable(positional[positional.length - 1]!, 40)}'`);
  }
  if (expression !== undefined) {
    for (const name of Object.keys(appleFlags)) if (given.has(name)) throw new UsageError(`graph: --${name} is for nabla graph apple, not --expr`);
    const values = new Map<string, number>();
    for (const name of names) {
      const value = (f as Record<string, unknown>)[name];
      if (typeof value !== 'number') throw new UsageError(`graph: --expr: unknown variable '${name}' at column ${firstColumn(expression, name)} (give its value with --${name} N)`);
      values.set(name, value);
    }
    return expressionGraph(source!, expression, values, f.order ?? 1, f.out, io);
  }
  if (positional[0] !== 'apple' && positional[0] !== 'two-layer-net') {
    throw new UsageError(positional.length === 0
      ? 'graph: name a graph (apple, two-layer-net) or give --expr EXPR (see nabla graph --help)'
      : `graph: unknown graph '${printable(positional[0]!, 40)}' (graphs: apple, two-layer-net; or --expr EXPR)`);
  }
  if (given.has('order')) throw new UsageError('graph: --order is for --expr');
  if (positional[0] === 'two-layer-net') {
    for (const name of Object.keys(appleFlags)) if (given.has(name)) throw new UsageError(`graph: --${name} is for nabla graph apple, not two-layer-net`);
    return twoLayerNetGraph(prepareOut(f.out, TWO_LAYER_FILES), io);
  }
  const outDir = prepareOut(f.out, APPLE_FILES);

  const inputs = { apple: f.apple!, appleNum: f.appleNum!, orange: f.orange!, orangeNum: f.orangeNum!, tax: f.tax! }; // all have defaults
  const apple = buyApple(inputs.apple, inputs.appleNum, inputs.tax);
  const orange = buyAppleOrange(inputs.apple, inputs.appleNum, inputs.orange, inputs.orangeNum, inputs.tax);
  const notes = (pairs: Array<[string, number]>): string => wrap(`as the notes print them: ${pairs.map(([k, v]) => `${k}: ${v}`).join(', ')}`);
  io.out('# buy_apple');
  io.out(toText(apple.price));
  io.out(notes([['price', Math.trunc(apple.price.data.data[0]!)], ['dApple', grad(apple.apple)], ['dApple_num', Math.trunc(grad(apple.appleNum))], ['dTax', grad(apple.tax)]]));
  io.out('');
  io.out('# buy_apple_orange');
  io.out(toText(orange.price));
  io.out(notes([
    ['price', Math.trunc(orange.price.data.data[0]!)], ['dApple', grad(orange.apple)], ['dApple_num', Math.trunc(grad(orange.appleNum))],
    ['dOrange', grad(orange.orange)], ['dOrange_num', Math.trunc(grad(orange.orangeNum))], ['dTax', grad(orange.tax)],
  ]));
  io.out('');
  await writeAll(outDir, [
    ['buy_apple.svg', drawGraph(apple.price, { title: 'buy_apple' })],
    ['buy_apple.dot', toDot(apple.price)],
    ['buy_apple_orange.svg', drawGraph(orange.price, { title: 'buy_apple_orange' })],
    ['buy_apple_orange.dot', toDot(orange.price)],
  ], io);
  return 0;
}

/** Where the variable first appears in the expression. */
function firstColumn(e: Expression, name: string): number {
  let best = Infinity;
  const stack = [e];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n.kind === 'variable' && n.name === name) best = Math.min(best, n.column);
    else if (n.kind === 'call' || n.kind === 'unary') stack.push(n.arg);
    else if (n.kind === 'binary') stack.push(n.left, n.right);
  }
  return best;
}

/** The value of --expr, found before the flags are parsed (its variables decide which flags exist). */
function findExpr(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') return undefined;
    if (arg.startsWith('--expr=')) return arg.slice('--expr='.length);
    if (arg === '--expr' && i + 1 < argv.length && !argv[i + 1]!.startsWith('--')) return argv[i + 1];
  }
  return undefined;
}

function parse(source: string): Expression {
  try {
    return parseExpression(source);
  } catch (e) {
    if (e instanceof ExpressionError) throw new UsageError(`graph: --expr: ${e.message}`);
    throw e;
  }
}

/** The folder to write into, ready; refuses before any work if a file would be replaced that the user did not ask for. */
function prepareOut(out: string | undefined, files: readonly string[]): string {
  if (out === undefined) {
    const existing = files.find((name) => lstatSync(name, { throwIfNoEntry: false }) !== undefined);
    if (existing !== undefined) throw new UsageError(`graph: ${existing} already exists here; replace the files with --out ., or choose another --out DIR`);
    return '.';
  }
  const stat = statSync(out, { throwIfNoEntry: false });
  if (stat !== undefined && !stat.isDirectory()) throw new UsageError(`graph: --out ${printable(out)} is not a folder`);
  if (stat === undefined) {
    try {
      mkdirSync(out);
    } catch (e) {
      throw new Error(`${printable(out, 1000)}: cannot create the folder (${describeFsError(e)})`);
    }
  }
  return out;
}

async function writeAll(dir: string, files: Array<[string, string]>, io: Output): Promise<void> {
  for (const [name, contents] of files) {
    const path = join(dir, name);
    await writeFileAtomic(path, contents).catch((e: unknown) => {
      throw new Error(`${printable(path, 1000)}: cannot write (${describeFsError(e)})`);
    });
  }
  io.out(`wrote ${files.map(([name]) => name).join(', ')} in ${printable(resolve(dir), 1000)}`);
}

function grad(v: Variable): number {
  return v.grad === null ? 0 : v.grad.data.data[0]!;
}

function named(v: Variable, name: string): Variable {
  v.name = name;
  return v;
}

/** The seed's buy_apple with autograd Variables: price = apple × apple_num × tax. */
function buyApple(applePrice: number, appleNum: number, taxRate: number) {
  const apple = new Variable(applePrice, 'apple');
  const num = new Variable(appleNum, 'apple_num');
  const tax = new Variable(taxRate, 'tax');
  const price = named(mul(named(mul(apple, num), 'apple_price'), tax), 'price');
  price.backward({ retainGrad: true });
  return { apple, appleNum: num, tax, price };
}

/** The seed's buy_apple_orange: price = (apple × apple_num + orange × orange_num) × tax. */
function buyAppleOrange(applePrice: number, appleNum: number, orangePrice: number, orangeNum: number, taxRate: number) {
  const apple = new Variable(applePrice, 'apple');
  const aNum = new Variable(appleNum, 'apple_num');
  const orange = new Variable(orangePrice, 'orange');
  const oNum = new Variable(orangeNum, 'orange_num');
  const tax = new Variable(taxRate, 'tax');
  const all = named(add(named(mul(apple, aNum), 'apple_price'), named(mul(orange, oNum), 'orange_price')), 'all_price');
  const price = named(mul(all, tax), 'price');
  price.backward({ retainGrad: true });
  return { apple, appleNum: aNum, orange, orangeNum: oNum, tax, price };
}

const SUPERSCRIPT = '⁰¹²³⁴⁵⁶⁷⁸⁹';

function superscript(k: number): string {
  return k === 1 ? '' : [...String(k)].map((d) => SUPERSCRIPT[Number(d)]).join('');
}

async function expressionGraph(source: string, expression: Expression, values: Map<string, number>, order: number, out: string | undefined, io: Output): Promise<number> {
  const variables = new Map([...values].map(([name, value]) => [name, new Variable(value, name)]));
  let built: Variable | number;
  try {
    built = buildExpression(expression, variables);
  } catch (e) {
    if (e instanceof ExpressionError) throw new UsageError(`graph: --expr: ${e.message}`);
    throw e;
  }
  const taken = new Set(values.keys());
  const yName = ['y', 'f', 'z', 'out'].find((n) => !taken.has(n)) ?? 'result';
  // The expression `x` is x itself; naming it would rename x.
  const y = typeof built === 'number' ? new Variable(built, yName) : [...variables.values()].includes(built) ? built : named(built, yName);
  const shownName = y.name!;

  if (order > 0 && variables.size > 0) y.backward({ retainGrad: true, createGraph: true });
  const text = toText(y);
  // All computed before anything is printed: a refusal leaves no half an answer.
  const files: Array<[string, string]> = [['expression.svg', drawGraph(y, { title: `${shownName} = ${printable(source)}` })], ['expression.dot', toDot(y)]];
  const found = [...variables.values()].map((v) => ({ v, values: derivativesOrRefuse(y, v, order) }));
  const outDir = out === undefined ? undefined : prepareOut(out, EXPRESSION_FILES);
  io.out(`${shownName} = ${printable(source)}`);
  if (values.size > 0) io.out(`at ${[...values].map(([n, v]) => `${n} = ${v}`).join(', ')}`);
  io.out(`${shownName} = ${y.data.data[0]}`);
  const d = variables.size === 1 ? 'd' : '∂';
  for (const { v, values: ds } of found) {
    ds.forEach(({ value, doubtful }, i) => {
      const k = superscript(i + 1);
      io.out(`${d}${k}${shownName}/${d}${v.name}${k} = ${value}`);
      if (doubtful !== undefined) io.out(`  (not to be trusted: float64 rounding in its graph may be off by ${Number.isFinite(doubtful) ? `up to ${doubtful.toPrecision(3)}` : 'anything'})`);
    });
  }
  io.out('');
  io.out(text);
  if (outDir !== undefined) await writeAll(outDir, files, io);
  return 0;
}

/** The derivatives, or a usage error naming the --order to ask for instead. */
function derivativesOrRefuse(y: Variable, v: Variable, order: number): Derivative[] {
  try {
    return higherDerivatives(y, v, order);
  } catch (e) {
    if (!(e instanceof DerivativeGraphTooLarge)) throw e;
    throw new UsageError(`graph: --order ${order}: derivative ${e.order} by ${v.name} already has a graph of ${e.functions} functions, too many to differentiate again; ask for --order ${e.order} or less`);
  }
}

/** Text cut into lines of at most 78 columns at ", ". */
function wrap(text: string): string {
  const lines: string[] = [];
  let line = '';
  for (const piece of text.split(', ')) {
    const next = line === '' ? piece : `${line}, ${piece}`;
    if (next.length > 78 && line !== '') { lines.push(`${line},`); line = `  ${piece}`; } else line = next;
  }
  lines.push(line);
  return lines.join('\n');
}
