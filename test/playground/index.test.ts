// The playground's index page in Chromium: it loads cleanly, every link leads to a page,
// and the footer names the backend.

import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { startBrowser, type PlaygroundBrowser } from './browser.js';

describe('playground index page', () => {
  let browser: PlaygroundBrowser;
  before(async () => {
    browser = await startBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  it('loads with no console error, links every page, names the backend, and is drawn into index.png', async () => {
    const { page, problems, screenshot } = await browser.open('index.html');
    assert.equal(await page.title(), 'nabla playground');
    await page.waitForFunction(() => document.getElementById('backend')?.textContent !== 'loading…');
    // Served cross-origin isolated, the page gets shared memory and so the threaded kernels.
    assert.equal(await page.evaluate(() => crossOriginIsolated), true);
    assert.match((await page.textContent('footer'))!, /^\s*Backend: wasm, \d+ threads?, on shared memory\s*$/);
    const links = await page.$$eval('main a[href]', (as) => as.map((a) => [a.textContent, (a as HTMLAnchorElement).href]));
    assert.deepEqual(links.map(([text]) => text), ['Graph', 'Train', 'Draw']);
    const navigation = await page.$$eval('nav a[href]', (as) => as.map((a) => (a as HTMLAnchorElement).href));
    for (const href of new Set([...links.map(([, href]) => href!), ...navigation])) {
      const response = await fetch(href);
      assert.equal(response.status, 200, href);
      assert.match(response.headers.get('content-type') ?? '', /^text\/html/, href);
    }
    const file = await screenshot('index');
    assert.ok(statSync(file).size > 1000, `${file} holds a picture`);
    assert.deepEqual(problems, []);
  });

  it('opens each linked page with no console error', async () => {
    for (const path of ['graph.html', 'train.html', 'draw.html']) {
      const { page, problems } = await browser.open(path);
      assert.ok((await page.textContent('h1'))!.length > 0, `${path} has a heading`);
      assert.deepEqual(problems, [], path);
      await page.close();
    }
  });
});
