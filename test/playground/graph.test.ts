// The Graph page in Chromium: the book's apple graphs with their numbers, recomputed when
// an input changes, and the expression box.

import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { startBrowser, type OpenedPage, type PlaygroundBrowser } from './browser.js';

/** Each row of a values table: variable → [value, gradient], as the page shows them. */
async function table(page: Page, id: string): Promise<Record<string, [string, string]>> {
  const rows = await page.$$eval(`#${id} tbody tr`, (trs) => trs.map((tr) => [
    (tr as HTMLElement).dataset.variable ?? '', tr.querySelector('.value')?.textContent ?? '', tr.querySelector('.gradient')?.textContent ?? '',
  ]));
  return Object.fromEntries(rows.map(([name, value, grad]) => [name!, [value!, grad!]]));
}

/** The texts drawn in a figure's SVG. */
async function drawn(page: Page, id: string): Promise<string[]> {
  return page.$$eval(`#${id} svg text`, (texts) => texts.map((t) => t.textContent ?? ''));
}

describe('playground Graph page', () => {
  let browser: PlaygroundBrowser;
  let opened: OpenedPage;
  before(async () => {
    browser = await startBrowser();
    opened = await browser.open('graph.html');
  });
  after(async () => {
    await browser?.close();
  });

  it('draws buy_apple and buy_apple_orange with the book\'s values and gradients, with no console error', async () => {
    const { page, problems, screenshot } = opened;
    const apple = await table(page, 'apple-numbers');
    assert.deepEqual(apple.price, ['220', '1']);
    assert.deepEqual(apple.apple, ['100', '2.2']);
    assert.deepEqual(apple.apple_num, ['2', '110']);
    assert.deepEqual(apple.tax, ['1.1', '200']);
    assert.deepEqual(apple.apple_price, ['200', '1.1']);
    assert.equal(await page.textContent('#apple-exact'), 'Numbers are shown to 12 significant digits: in float64 the price is 220.00000000000003, as the book\'s Python prints it.');
    const texts = await drawn(page, 'apple-figure');
    for (const shown of ['220', '2.2', '110', '200', '100', '1.1', 'apple', 'apple_num', 'tax', 'price', '×']) assert.ok(texts.includes(shown), `buy_apple's drawing shows ${shown}: ${texts.join(' | ')}`);
    const orange = await table(page, 'orange-numbers');
    assert.deepEqual(orange.price, ['715', '1']);
    assert.deepEqual(orange.orange, ['150', '3.3']);
    assert.deepEqual(orange.orange_num, ['3', '165']);
    assert.deepEqual(orange.tax, ['1.1', '650']);
    assert.deepEqual(orange.all_price, ['650', '1.1']);
    const orangeTexts = await drawn(page, 'orange-figure');
    for (const shown of ['715', '650', '3.3', '165', '+']) assert.ok(orangeTexts.includes(shown), `buy_apple_orange's drawing shows ${shown}`);
    // Every drawing's arrowheads point at its own marker: ids are not shared between figures.
    const ids = await page.$$eval('svg [id]', (els) => els.map((e) => e.id));
    assert.equal(new Set(ids).size, ids.length, `unique ids: ${ids.join(', ')}`);
    const file = await screenshot('graph');
    assert.ok(statSync(file).size > 10_000, `${file} holds a picture`);
    assert.deepEqual(problems, []);
  });

  it('runs forward and backward again when an input changes: typed or moved by the keyboard', async () => {
    const { page, problems } = opened;
    await page.fill('#input-tax', '1.2');
    let apple = await table(page, 'apple-numbers');
    assert.deepEqual(apple.price, ['240', '1']);
    assert.equal(await page.textContent('#apple-exact'), '', '100 × 2 × 1.2 is 240 exactly');
    assert.deepEqual(apple.apple, ['100', '2.4']);
    assert.deepEqual(apple.tax, ['1.2', '200']);
    assert.ok((await drawn(page, 'apple-figure')).includes('240'));
    assert.deepEqual((await table(page, 'orange-numbers')).price, ['780', '1']);
    assert.equal(await page.inputValue('#input-tax-range'), '1.2', 'the slider follows the typed value');

    // The slider by keyboard: one step right is one cent more tax.
    await page.focus('#input-tax-range');
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.inputValue('#input-tax'), '1.21');
    apple = await table(page, 'apple-numbers');
    assert.deepEqual(apple.price, ['242', '1']);

    await page.fill('#input-apple', '150');
    apple = await table(page, 'apple-numbers');
    assert.deepEqual(apple.price, ['363', '1']);
    assert.deepEqual(apple.apple_num, ['2', '181.5']);

    // No number: said in one line, nothing recomputed from garbage.
    await page.fill('#input-apple', '');
    assert.equal(await page.textContent('#apple-error'), 'Apple price (apple): enter a number');
    assert.deepEqual((await table(page, 'apple-numbers')).price, ['363', '1']);
    await page.fill('#input-apple', '100');
    await page.fill('#input-tax', '1.1');
    assert.equal(await page.textContent('#apple-error'), '');
    assert.deepEqual((await table(page, 'apple-numbers')).price, ['220', '1']);
    assert.deepEqual(problems, []);
  });

  it('draws a typed expression with its value, derivatives and graph', async () => {
    const { page, problems, screenshot } = opened;
    // The example of nabla graph --help: x**4 - 2*x**2 at x = 2.
    assert.deepEqual(await page.$$eval('#expression-results li', (lis) => lis.map((li) => li.textContent)), ['y = 8', 'dy/dx = 24', 'd²y/dx² = 44']);
    await page.fill('#expression', 'x*y + sin(y)');
    await page.waitForSelector('#var-y');
    await page.fill('#var-y', '0');
    assert.deepEqual(await page.$$eval('#expression-results li', (lis) => lis.map((li) => li.textContent)), [
      'f = 0', '∂f/∂x = 0', '∂²f/∂x² = 0', '∂f/∂y = 3', '∂²f/∂y² = 0',
    ]);
    assert.equal(await page.inputValue('#var-x'), '2', 'x kept its value');
    const texts = await drawn(page, 'expression-figure');
    for (const shown of ['f = x*y + sin(y)', 'sin', '×', '+', 'x', 'y', 'f']) assert.ok(texts.includes(shown), `the drawing shows ${shown}: ${texts.join(' | ')}`);
    await page.selectOption('#order', '1');
    assert.deepEqual(await page.$$eval('#expression-results li', (lis) => lis.map((li) => li.textContent)), ['f = 0', '∂f/∂x = 0', '∂f/∂y = 3']);
    await screenshot('graph-expression');
    assert.equal(await page.textContent('#expression-error'), '');
    assert.deepEqual(problems, []);
  });

  it('says what is wrong with a bad expression in one line, with no exception', async () => {
    const { page, problems } = opened;
    for (const [source, error] of [
      ['x +', 'Cannot read the expression: unexpected end of expression at column 4'],
      ['2x', "Cannot read the expression: unexpected 'x' at column 2"],
      ['foo(x)', 'Cannot read the expression: unknown function \'foo\' at column 1 (functions: exp, log, sin, cos, tanh)'],
      ['x ** y', 'Cannot compute the expression: the exponent of ** must be a constant at column 3 (write exp(b*log(a)) for a**b)'],
      ['', 'Type an expression, such as x**2 * y'],
      ['   ', 'Type an expression, such as x**2 * y'],
    ]) {
      await page.fill('#expression', source!);
      assert.equal(await page.textContent('#expression-error'), error, source);
      assert.equal(await page.getAttribute('#expression', 'aria-invalid'), 'true', source);
    }
    await page.fill('#expression', 'exp(x)');
    assert.equal(await page.textContent('#expression-error'), '');
    assert.deepEqual(problems, []);
  });
});
