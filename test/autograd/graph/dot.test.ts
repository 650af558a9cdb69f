import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { mul, toDot, Variable } from '../../../src/autograd/index.js';
import { quote } from '../../../src/autograd/graph/dot.js';
import { buyAppleOrange, named } from './graphs.js';

/** The SVG Graphviz makes of `dot`; fails (never skips) where Graphviz is missing. */
function renderWithGraphviz(dot: string): string {
  const result = spawnSync('dot', ['-Tsvg'], { input: dot, encoding: 'utf8' });
  if ((result.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
    assert.fail('Graphviz is not installed: the DOT output is checked with `dot -Tsvg`; install it (apt-get install graphviz, brew install graphviz)');
  }
  assert.equal(result.error, undefined);
  assert.equal(result.status, 0, `dot rejected the graph:\n${result.stderr}\n${dot}`);
  assert.equal(result.stderr, '', 'no warnings from dot');
  return result.stdout;
}

/** The lines of text in Graphviz's SVG, unescaped. */
function svgTexts(svg: string): string[] {
  const unescape = (s: string): string => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => unescape(m[1]!));
}

describe('toDot', () => {
  it('is a left-to-right digraph of orange variables and blue function boxes that Graphviz draws', () => {
    const price = buyAppleOrange();
    price.backward({ retainGrad: true });
    const dot = toDot(price);
    assert.match(dot, /^digraph g \{\nrankdir=LR\n/);
    assert.equal(dot.match(/color=orange/g)?.length, 9);
    assert.equal(dot.match(/shape=box/g)?.length, 4);
    const texts = svgTexts(renderWithGraphviz(dot));
    for (const t of ['apple', '100', 'grad 2.2', 'orange', 'grad 3.3000000000000003', 'tax', 'grad 650', 'price', '715.0000000000001', '×', '+']) {
      assert.ok(texts.includes(t), `'${t}' drawn (got ${texts.join(' | ')})`);
    }
  });

  it('shows values and gradients only where asked and where there are some', () => {
    const price = buyAppleOrange();
    assert.doesNotMatch(toDot(price), /grad/);
    price.backward();
    assert.match(toDot(price), /label="apple\\n100\\ngrad 2.2"/);
    assert.match(toDot(price, { values: false, grads: false }), /label="apple"/);
  });

  it('escapes names, so quotes, backslashes, line breaks and entities show as written', () => {
    const name = '"q" \\N \\ &amp; &#65;<i>'; // within the 24 characters shown
    const y = named(mul(new Variable(2, name), 3), 'two\nlines');
    const texts = svgTexts(renderWithGraphviz(toDot(y)));
    assert.ok(texts.includes(name), `the name drawn as written (got ${texts.join(' | ')})`);
    assert.ok(texts.includes('two\\nlines'), 'a line break in a name is shown as \\n, on one line');
  });

  it('quotes strings for DOT', () => {
    assert.equal(quote('a"b\\c\nd&e'), '"a\\"b\\\\c\\nd&amp;e"');
  });
});
