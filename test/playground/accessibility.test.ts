// Every page of the playground at phone width and by keyboard: readable at 360 px without
// sideways scrolling of the page (a wide drawing scrolls in its own box), every control
// labelled, and the Graph page usable without a mouse.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { startBrowser, type PlaygroundBrowser } from './browser.js';

const PAGES = ['index', 'graph', 'train', 'draw'];

/** Controls without an accessible name: no <label>, aria-label or aria-labelledby. */
async function unlabelled(page: Page): Promise<string[]> {
  return page.$$eval('input, select, textarea, button', (els) => els
    .filter((el) => {
      const control = el as HTMLInputElement;
      if (control.type === 'hidden') return false;
      const labelled = (control.labels?.length ?? 0) > 0 || control.hasAttribute('aria-label') || control.hasAttribute('aria-labelledby');
      return !labelled && !(el.tagName === 'BUTTON' && (el.textContent ?? '').trim() !== '');
    })
    .map((el) => el.outerHTML.slice(0, 80)));
}

describe('playground pages: phone width, labels and keyboard', () => {
  let browser: PlaygroundBrowser;
  before(async () => {
    browser = await startBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  it('fit a 360 px wide phone screen, with every control labelled, and are drawn into <page>-phone.png', async () => {
    for (const name of PAGES) {
      const { page, problems, screenshot } = await browser.open(`${name}.html`, { width: 360, height: 740 });
      // The footer is written once the kernels are loaded; wait for the page to settle.
      await page.waitForFunction(() => document.getElementById('backend')?.textContent !== 'loading…');
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 360, `${name}: the page is ${width} px wide at 360`);
      assert.equal(await page.getAttribute('html', 'lang'), 'en', name);
      assert.equal(await page.locator('h1').count(), 1, `${name}: one heading`);
      assert.deepEqual(await unlabelled(page), [], `${name}: unlabelled controls`);
      await screenshot(`${name}-phone`);
      assert.deepEqual(problems, [], name);
      await page.close();
    }
  });

  it('lets the Graph page be used by keyboard alone: skip link, then the inputs', async () => {
    const { page, problems } = await browser.open('graph.html');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Skip to the content');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'main');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'input-apple');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('120');
    assert.equal(await page.textContent('#apple-numbers tr[data-variable="price"] .value'), '264');
    // On to the slider beside it, whose arrow keys move the price by one.
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'input-apple-range');
    await page.keyboard.press('ArrowLeft');
    assert.equal(await page.inputValue('#input-apple'), '119');
    assert.equal(await page.textContent('#apple-numbers tr[data-variable="price"] .value'), '261.8');
    // Every focused control shows where the focus is.
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    assert.notEqual(outline, 'none');
    assert.deepEqual(problems, []);
  });
});
