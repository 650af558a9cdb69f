// The shared kernel suite (test/backend/*) in Chromium, on the wasm backend compiled the web's
// way (initWasm): threaded on Web Workers in a cross-origin isolated page, and on one
// thread in a page that is not isolated, where there is no shared memory.

import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../playground/browser.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const shims = (name: string): string => `${root}test/browser/shims/${name}.ts`;

/** Serves the page and the bundle; `isolated` adds the headers that give a page shared memory. */
function serve(bundle: string, isolated: boolean): Promise<Server> {
  const page = '<!doctype html><meta charset="utf-8"><title>kernel suite</title><script type="module" src="/suite.js"></script>';
  const server = createServer((request, response) => {
    if (isolated) {
      response.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
      response.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    }
    if (request.url === '/suite.js') response.writeHead(200, { 'Content-Type': 'text/javascript' }).end(bundle);
    else if (request.url === '/') response.writeHead(200, { 'Content-Type': 'text/html' }).end(page);
    else if (request.url === '/favicon.ico') response.writeHead(204).end();
    else response.writeHead(404).end();
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('the kernel suite in Chromium', () => {
  let browser: Browser;
  let bundle = '';

  before(async () => {
    const result = await build({
      entryPoints: [`${root}test/browser/kernel_suite.ts`],
      bundle: true, format: 'esm', platform: 'browser', target: 'es2022', write: false, logLevel: 'silent',
      alias: { 'node:test': shims('node_test'), 'node:assert/strict': shims('node_assert') },
    });
    bundle = result.outputFiles[0]!.text;
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
  });

  async function open(isolated: boolean): Promise<{ page: import('playwright-core').Page; errors: string[]; close: () => Promise<void> }> {
    const server = await serve(bundle, isolated);
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    await page.waitForFunction(() => 'runKernelSuite' in globalThis);
    return { page, errors, close: async () => { await page.close(); server.close(); } };
  }

  it('passes on the wasm backend with Web Worker threads when the page is cross-origin isolated', async () => {
    const { page, errors, close } = await open(true);
    try {
      const result = await page.evaluate(() => (globalThis as unknown as { runKernelSuite: () => Promise<import('./kernel_suite.js').SuiteResult> }).runKernelSuite());
      assert.equal(result.crossOriginIsolated, true);
      assert.equal(result.report.name, 'wasm');
      assert.equal(result.report.platform, 'web');
      assert.equal(result.report.sharedMemory, true);
      const failed = result.outcomes.filter((o) => !o.ok).map((o) => `${o.name}: ${o.error}`);
      assert.deepEqual(failed, []);
      // The suite's threaded cases assert that their kernels were split across two threads.
      assert.ok(result.outcomes.some((o) => /wasm, 2 threads/.test(o.name)), 'the suite ran its 2-thread backend');
      assert.ok(result.outcomes.length >= 40, `only ${result.outcomes.length} tests ran`);
      assert.deepEqual(errors, []);
    } finally {
      await close();
    }
  });

  it('runs the wasm backend on one thread when the page is not isolated (no shared memory)', async () => {
    const { page, errors, close } = await open(false);
    try {
      const result = await page.evaluate(() => (globalThis as unknown as { checkOneThread: () => Promise<{ report: { name: string; threads: number; sharedMemory: boolean }; crossOriginIsolated: boolean; sameAsReference: boolean }> }).checkOneThread());
      assert.equal(result.crossOriginIsolated, false);
      assert.deepEqual({ ...result.report }, { name: 'wasm', threads: 1, platform: 'web', sharedMemory: false });
      assert.equal(result.sameAsReference, true);
      assert.deepEqual(errors, []);
    } finally {
      await close();
    }
  });
});
