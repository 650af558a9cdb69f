import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { add, buildExpression, DerivativeGraphTooLarge, div, higherDerivatives, mul, parseExpression, pow, sub, Variable } from '../../../src/autograd/index.js';

describe('higherDerivatives', () => {
  it('differentiates again and again: x**4 - 2*x**2 at 2 gives 24, 44, 48, 24, 0', () => {
    const x = new Variable(2, 'x');
    const y = sub(pow(x, 4), mul(2, pow(x, 2)));
    assert.deepEqual(higherDerivatives(y, x, 6), [24, 44, 48, 24, 0, 0].map((value) => ({ value })));
  });

  it('gives 0 by a variable the expression does not use, and by each of several', () => {
    const x = new Variable(3, 'x');
    const w = new Variable(5, 'w');
    const y = mul(x, add(x, 1));
    assert.deepEqual(higherDerivatives(y, w, 2), [{ value: 0 }, { value: 0 }]);
    assert.deepEqual(higherDerivatives(y, x, 3), [{ value: 7 }, { value: 2 }, { value: 0 }]);
  });

  it('doubts a derivative whose graph cancels terms too large for float64, and only that one', () => {
    // d^k/dx^k 1/(x+1) at 1 is (-1)^k k!/2^(k+1): -354.375 for k = 9 and 1771.875 for k = 10.
    const x = new Variable(1, 'x');
    const found = higherDerivatives(div(1, add(x, 1)), x, 10);
    assert.deepEqual(found[8], { value: -354.375 });
    assert.notEqual(found[9]!.value, 1771.875, 'the 10th is lost to rounding (if this fails, the graph got better: drop the doubt)');
    assert.ok(found[9]!.doubtful !== undefined);
    assert.ok(found.slice(0, 9).every((d) => d.doubtful === undefined));
  });

  it('stops before differentiating a graph larger than the bound', () => {
    const x = new Variable(1, 'x');
    const y = buildExpression(parseExpression('1/(x+1)/(x+2)'), new Map([['x', x]])) as Variable;
    assert.throws(() => higherDerivatives(y, x, 10, 500), (e: unknown) => e instanceof DerivativeGraphTooLarge && e.order >= 2 && e.functions > 500);
  });
});
