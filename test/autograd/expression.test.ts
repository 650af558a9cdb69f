import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildExpression, ExpressionError, expressionVariables, parseExpression } from '../../src/autograd/expression.js';
import { Variable } from '../../src/autograd/index.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The expression's value with the given variables. */
function value(source: string, values: Record<string, number> = {}): number {
  const variables = new Map(Object.entries(values).map(([n, v]) => [n, new Variable(v, n)]));
  const built = buildExpression(parseExpression(source), variables);
  return typeof built === 'number' ? built : built.data.data[0]!;
}

function error(source: string, values: Record<string, number> = {}): string {
  try {
    value(source, values);
  } catch (e) {
    assert.ok(e instanceof ExpressionError, `an ExpressionError, got ${String(e)}`);
    return e.message;
  }
  assert.fail(`'${source}' parsed`);
}

describe('parseExpression', () => {
  it('follows Python\'s precedence', () => {
    assert.equal(value('1 + 2 * 3'), 7);
    assert.equal(value('(1 + 2) * 3'), 9);
    assert.equal(value('10 - 4 - 3'), 3, '- is left-associative');
    assert.equal(value('12 / 3 / 2'), 2, '/ is left-associative');
    assert.equal(value('2 ** 3 ** 2'), 512, '** is right-associative');
    assert.equal(value('-2 ** 2'), -4, '** binds tighter than a unary minus on its left');
    assert.equal(value('2 ** -1'), 0.5, 'a unary minus in the exponent');
    assert.equal(value('-x**2', { x: 3 }), -9);
    assert.equal(value('x - -x', { x: 3 }), 6);
    assert.equal(value('+x * - - 2', { x: 3 }), 6);
    assert.equal(value('1.5e1 + .5 + 2. + 1E-1'), 17.6);
    assert.equal(value('exp(0) + log(1) + sin(0) + cos(0) + tanh(0)'), 2);
    assert.equal(value('x*y + x/y', { x: 6, y: 3 }), 20);
  });

  it('builds the tree the precedence says', () => {
    const tree = parseExpression('-x**2');
    assert.equal(tree.kind, 'unary');
    assert.equal(tree.kind === 'unary' && tree.arg.kind === 'binary' ? tree.arg.op : undefined, '**');
    assert.deepEqual(expressionVariables(parseExpression('y*x + exp(y) - z')), ['y', 'x', 'z']);
  });

  it('names the column of a mistake', () => {
    assert.equal(error('x**4 - 2*x)'), "unexpected ')' at column 11");
    assert.equal(error('(x + 1'), "'(' at column 1 is never closed at column 7");
    assert.equal(error('x +'), 'unexpected end of expression at column 4');
    assert.equal(error(''), 'unexpected end of expression at column 1');
    assert.equal(error('2x'), "unexpected 'x' at column 2");
    assert.equal(error('x $ 1'), "unexpected character '$' at column 3");
    assert.equal(error('x ^ 2'), "unexpected character '^' at column 3");
    assert.equal(error('1 + \u001b'), "unexpected character '\\x1b' at column 5");
    assert.equal(error('1 + foo(x)'), "unknown function 'foo' at column 5 (functions: exp, log, sin, cos, tanh)");
    assert.equal(error('exp + 1'), "function exp without its '(' at column 1 (write exp(…))");
    assert.equal(error('x + q', { x: 1 }), "unknown variable 'q' at column 5 (given: x)");
    assert.equal(error('x ** y', { x: 1, y: 2 }), 'the exponent of ** must be a constant at column 3 (write exp(b*log(a)) for a**b)');
    assert.equal(error('1e999'), 'number 1e999 is too large at column 1');
    assert.equal(error('x * * 2', { x: 1 }), "unexpected '*' at column 5");
  });

  it('refuses what would overflow the stack, with a column', () => {
    assert.match(error(`${'('.repeat(300)}x${')'.repeat(300)}`, { x: 1 }), /nested more than 200 deep at column 201$/);
    assert.match(error('-'.repeat(300) + 'x', { x: 1 }), /nested more than 200 deep/);
    assert.match(error(Array(2000).fill('x').join('+'), { x: 1 }), /longer than 1000 tokens/);
  });

  it('never runs the text as JavaScript', () => {
    const source = readFileSync(join(root, 'src', 'autograd', 'expression.ts'), 'utf8');
    assert.doesNotMatch(source, /\beval\s*\(|new Function\b|\bFunction\s*\(/);
    assert.equal(error('constructor.constructor("return 1")()'), "unexpected character '.' at column 12");
  });
});

describe('buildExpression', () => {
  it('gives x**4 - 2*x**2 at 2 its value 8, and the derivatives 24 and 44 by double backprop', () => {
    const x = new Variable(2, 'x');
    const y = buildExpression(parseExpression('x**4 - 2*x**2'), new Map([['x', x]]));
    assert.ok(y instanceof Variable);
    assert.equal(y.data.data[0], 8);
    y.backward({ createGraph: true });
    const gx = x.grad!;
    assert.equal(gx.data.data[0], 24);
    x.cleargrad();
    gx.backward({ createGraph: true });
    assert.equal(x.grad!.data.data[0], 44);
  });

  it('folds constants where pow needs a number, and a minus on a number into the number', () => {
    const x = new Variable(3, 'x');
    const y = buildExpression(parseExpression('x ** (1 + 1)'), new Map([['x', x]]));
    assert.ok(y instanceof Variable && y.creator?.name === 'Pow');
    assert.equal(y.data.data[0], 9);
    assert.equal(buildExpression(parseExpression('-2'), new Map()), -2);
    const z = buildExpression(parseExpression('-2 * x'), new Map([['x', x]]));
    assert.ok(z instanceof Variable && z.creator?.name === 'Mul' && z.creator.inputs[0]!.data.data[0] === -2);
  });
});
