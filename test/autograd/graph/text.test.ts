import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { add, collectGraph, exp, mul, pow, sub, toText, Variable } from '../../../src/autograd/index.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { buyApple, buyAppleOrange, named } from './graphs.js';

/** The table's row for a variable, split into cells. */
function row(text: string, label: string): string[] | undefined {
  return text.split('\n').map((l) => l.trim().split(/\s{2,}/)).find((cells) => cells[0] === label);
}

describe('toText', () => {
  it('writes one equation per function in generation order, and each variable\'s value, before backward', () => {
    const text = toText(buyAppleOrange());
    const equations = text.split('\n').filter((l) => l.includes(' = '));
    assert.deepEqual(equations.map((l) => l.trim()), [
      'apple_price = apple × apple_num',
      'orange_price = orange × orange_num',
      'all_price = apple_price + orange_price',
      'price = all_price × tax',
    ]);
    assert.deepEqual(row(text, 'variable'), ['variable', 'value'], 'no gradient column before backward');
    assert.deepEqual(row(text, 'price'), ['price', String(650 * 1.1)]);
    assert.deepEqual(row(text, 'orange_num'), ['orange_num', '3']);
  });

  it('adds every gradient after backward with retainGrad, numbers as JavaScript prints them', () => {
    const price = buyAppleOrange();
    price.backward({ retainGrad: true });
    const text = toText(price);
    assert.deepEqual(row(text, 'apple'), ['apple', '100', '2.2']);
    assert.deepEqual(row(text, 'orange'), ['orange', '150', '3.3000000000000003']);
    assert.deepEqual(row(text, 'orange_num'), ['orange_num', '3', String(1.1 * 150)]);
    assert.deepEqual(row(text, 'tax'), ['tax', '1.1', '650']);
    assert.deepEqual(row(text, 'all_price'), ['all_price', '650', '1.1']);
    assert.deepEqual(row(text, 'price'), ['price', '715.0000000000001', '1']);
    for (const line of text.split('\n')) assert.ok(line.length <= 80, `wider than 80 columns: ${line}`);
  });

  it('leaves an intermediate gradient blank when backward did not keep it, and hides gradients on request', () => {
    const { price } = buyApple();
    price.backward();
    const text = toText(price);
    assert.deepEqual(row(text, 'apple_price'), ['apple_price', '200']);
    assert.deepEqual(row(text, 'apple_num'), ['apple_num', '2', String(1.1 * 100)]);
    assert.deepEqual(row(toText(price, { grads: false }), 'variable'), ['variable', 'value']);
    assert.deepEqual(row(toText(price, { values: false }), 'apple'), ['apple', '2.2']);
  });

  it('labels unnamed results t1, t2, … (skipping names taken) and constants by their value', () => {
    const x = new Variable(2, 'x');
    const t1 = new Variable(3, 't1');
    const y = sub(pow(x, 4), mul(2, mul(t1, x)));
    const text = toText(y);
    assert.deepEqual(text.split('\n').filter((l) => l.includes(' = ')).map((l) => l.trim()), [
      't2 = x**4', 't3 = t1 × x', 't4 = 2 × t3', 't5 = t2 − t4',
    ]);
  });

  it('writes a function without a symbol by name, a tensor by its shape and its gradient by its norm', () => {
    const w = new Variable(Tensor.from([[3, 4]]), 'W');
    const y = exp(mul(w, 0));
    y.backward();
    const text = toText(y);
    assert.match(text, /t2 = exp\(t1\)/);
    assert.deepEqual(row(text, 'W'), ['W', '[1, 2]', '‖g‖ 0']);
    const v = new Variable(Tensor.from([[3, 4]]), 'v');
    const s = add(v, v);
    s.backward();
    assert.deepEqual(row(toText(s), 'v'), ['v', '[1, 2]', `‖g‖ ${Number(Math.hypot(2, 2).toPrecision(4))}`]);
  });

  it('draws a lone variable, and shows a name with control characters escaped on its one line', () => {
    assert.deepEqual(row(toText(new Variable(5, 'k')), 'k'), ['k', '5']);
    const y = named(mul(new Variable(2, 'a\nb\u001b[31m'), 3), 'out');
    const text = toText(y);
    assert.match(text, /out = a\\nb\\x1b\[31m × 3/);
    assert.ok(!text.includes('\u001b'));
  });

  it('walks a deep graph without overflowing the stack', () => {
    let v = new Variable(1, 'x');
    for (let i = 0; i < 20000; i++) v = add(v, 1);
    const graph = collectGraph(v);
    assert.equal(graph.functions.length, 20000);
    assert.equal(graph.level.get(v.creator!), 19999);
    assert.ok(toText(v).includes('t20000 = t19999 + 1'));
  });
});
