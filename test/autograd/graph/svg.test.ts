import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { add, drawGraph, Function, mul, pow, sub, Variable } from '../../../src/autograd/index.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { buyApple, buyAppleOrange, named } from './graphs.js';
import { assertWellFormedXml } from './xml.js';

interface Text { cls: string; x: number; y: number; text: string }

function texts(svg: string): Text[] {
  return [...svg.matchAll(/<text class="([\w-]+)" x="([-\d.]+)" y="([-\d.]+)"[^>]*>([^<]*)<\/text>/g)]
    .map((m) => ({ cls: m[1]!, x: Number(m[2]), y: Number(m[3]), text: m[4]! }));
}

/** Horizontal stretches of edges: y and the x range. */
function lanes(svg: string): Array<{ y: number; x0: number; x1: number }> {
  return [...svg.matchAll(/<path class="edge" d="M([-\d.]+) ([-\d.]+)H([-\d.]+)"/g)].map((m) => ({ x0: Number(m[1]), y: Number(m[2]), x1: Number(m[3]) }));
}

/** The circles of functions and their symbols. */
function functionNodes(svg: string): Array<{ x: number; y: number; symbol: string }> {
  const symbols = texts(svg).filter((t) => t.cls === 'symbol');
  return [...svg.matchAll(/<circle class="function" cx="([-\d.]+)" cy="([-\d.]+)"/g)].map((m) => {
    const x = Number(m[1]);
    const y = Number(m[2]);
    return { x, y, symbol: symbols.find((s) => s.x === x && Math.abs(s.y - y) < 10)!.text };
  });
}

describe('assertWellFormedXml (the checker itself)', () => {
  it('finds mistakes', () => {
    assertWellFormedXml('<svg a="1"><g><text>x &amp; y</text></g><path/></svg>\n');
    for (const bad of ['<svg><g></svg>', '<svg>a & b</svg>', '<svg a=1/>', '<svg a="<"/>', '<svg/><svg/>', '<svg a="1" a="2"/>', '<svg><text>1 < 2</text></svg>']) {
      assert.throws(() => assertWellFormedXml(bad), { name: 'AssertionError' }, bad);
    }
  });
});

describe('drawGraph', () => {
  it('draws buy_apple as the book does: × circles left to right, values above the edges, gradients below', () => {
    const { price } = buyApple();
    price.backward({ retainGrad: true });
    const svg = drawGraph(price, { title: 'buy_apple' });
    assertWellFormedXml(svg);
    const nodes = functionNodes(svg);
    assert.deepEqual(nodes.map((n) => n.symbol), ['×', '×']);
    assert.ok(nodes[0]!.x < nodes[1]!.x, 'the later generation to the right');
    const all = texts(svg);
    const edges = lanes(svg);
    for (const [value, grad] of [['100', '2.2'], ['2', String(1.1 * 100)], ['200', '1.1'], ['1.1', '200'], [String(200 * 1.1), '1']]) {
      const v = all.find((t) => t.cls === 'value' && t.text === value)!;
      const g = all.find((t) => t.cls === 'grad' && t.text === grad && t.x === v.x)!;
      assert.ok(v && g, `value ${value} and gradient ${grad} drawn at one edge`);
      const edge = edges.find((e) => e.x0 < v.x && v.x < e.x1 && v.y < e.y && e.y < g.y);
      assert.ok(edge, `an edge between value ${value} (above) and gradient ${grad} (below)`);
    }
    for (const name of ['apple', 'apple_num', 'tax', 'price']) assert.ok(all.some((t) => t.cls === 'name' && t.text === name), name);
    assert.ok(all.some((t) => t.cls === 'inner-name' && t.text === 'apple_price'));
    assert.ok(all.some((t) => t.cls === 'legend' && t.text.includes('∂price')));
  });

  it('puts each generation in its own column and the inputs of a function on either side of it', () => {
    const price = buyAppleOrange();
    const svg = drawGraph(price);
    assertWellFormedXml(svg);
    const [mulApple, mulOrange, plus, mulTax] = functionNodes(svg);
    assert.deepEqual([mulApple, mulOrange, plus, mulTax].map((n) => n!.symbol), ['×', '×', '+', '×']);
    assert.equal(mulApple!.x, mulOrange!.x);
    assert.ok(mulApple!.x < plus!.x && plus!.x < mulTax!.x);
    assert.ok(mulApple!.y < plus!.y && plus!.y < mulOrange!.y);
    assert.ok(!texts(svg).some((t) => t.cls === 'grad'), 'no gradients before backward');
  });

  it('draws a variable used twice once, branching to both uses', () => {
    const x = new Variable(2, 'x');
    const y = named(sub(pow(x, 4), mul(2, pow(x, 2))), 'y');
    y.backward();
    const svg = drawGraph(y);
    assertWellFormedXml(svg);
    assert.equal(texts(svg).filter((t) => t.cls === 'name' && t.text === 'x').length, 1);
    assert.equal(svg.match(/class="branch"/g)?.length, 1);
    assert.ok(texts(svg).some((t) => t.cls === 'grad' && t.text === '24'));
    assert.deepEqual(functionNodes(svg).map((n) => n.symbol).sort(), ['**2', '**4', '×', '−'].sort());
  });

  it('puts a function\'s long name in a pill, and writes shapes and gradient norms for tensors', () => {
    class Scale extends Function {
      readonly name = 'ScaleByTwoLonger';
      forward(x: Tensor): Tensor { return Tensor.from(Array.from(x.data, (v) => 2 * v)); }
      backward(gy: Variable): Variable[] { return [mul(gy, 2)]; }
    }
    const w = new Variable(Tensor.from([3, 4]), 'W');
    const y = named(new Scale().call(w), 'y');
    y.backward();
    const svg = drawGraph(y);
    assertWellFormedXml(svg);
    const pill = /<rect class="function" x="([-\d.]+)" y="[-\d.]+" width="([-\d.]+)"/.exec(svg);
    assert.ok(pill, 'a pill');
    const name = texts(svg).find((t) => t.cls === 'function-name')!;
    assert.equal(name.text, 'ScaleByTwoLonger');
    assert.ok(Number(pill[2]) >= name.text.length * 8, 'wide enough for the name at 14px');
    assert.ok(texts(svg).some((t) => t.cls === 'value' && t.text === '[2]'));
    assert.ok(texts(svg).some((t) => t.cls === 'grad' && t.text === `‖g‖ ${Number(Math.hypot(2, 2).toPrecision(4))}`));
    assert.match(svg, /a tensor: its norm ‖g‖/);
  });

  it('escapes names and titles, and draws a lone variable', () => {
    const y = named(add(new Variable(1, '<a href="x">&'), 1), "it's </svg>");
    const svg = drawGraph(y, { title: 'a & <b>' });
    assertWellFormedXml(svg);
    assert.ok(svg.includes('&lt;a href=&quot;x&quot;&gt;&amp;'));
    assertWellFormedXml(drawGraph(new Variable(3, 'k')));
    assert.equal(texts(drawGraph(new Variable(3, 'k'))).filter((t) => t.text === 'k').length, 1, 'a lone variable\'s name drawn once');
  });
});
