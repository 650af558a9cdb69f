// The playground tests' harness: Debian's Chromium (test/browser/chromium.ts) against
// `nabla playground` on a free port, one browser and one server per test file. Each page
// opened records every console error, uncaught exception, failed request and error status,
// so that a test can assert that none happened.

import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../browser/chromium.js';
import { startPlayground, stopPlayground, type Served } from '../cli/playground_spawn.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
/** Where screenshots go: test-artifacts/playground/<name>.png in the repository. */
export const SCREENSHOT_DIR = join(root, 'test-artifacts', 'playground');

export interface OpenedPage {
  page: Page;
  /** Console errors, uncaught exceptions, failed requests and answers ≥ 400, in order. */
  problems: string[];
  /** Writes test-artifacts/playground/<name>.png (the whole page) and returns its path. */
  screenshot(name: string): Promise<string>;
}

export interface PlaygroundBrowser {
  /** The server's address, ending in '/'. */
  url: string;
  browser: Browser;
  /** Opens a page of the playground (`graph.html`) and waits until it has loaded. */
  open(path: string, options?: { width?: number; height?: number }): Promise<OpenedPage>;
  close(): Promise<void>;
}

/** Starts the server and the browser; call close() in after(). */
export async function startBrowser(): Promise<PlaygroundBrowser> {
  // Launched first: without Chromium, the one line saying how to get it is all a test shows.
  const browser: Browser = await launchChromium();
  let served: Served;
  try {
    served = await startPlayground(['--port', '0']);
  } catch (error) {
    await browser.close();
    throw error;
  }
  const contexts: BrowserContext[] = [];
  return {
    url: served.url,
    browser,
    async open(path, options = {}) {
      const context = await browser.newContext({ viewport: { width: options.width ?? 1200, height: options.height ?? 900 } });
      contexts.push(context);
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
      });
      page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
      page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()} (${request.failure()?.errorText ?? 'unknown'})`));
      page.on('response', (response) => {
        if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
      });
      const response = await page.goto(new URL(path, served.url).href, { waitUntil: 'load' });
      if (response === null || response.status() !== 200) problems.push(`opening ${path}: HTTP ${response?.status() ?? 'no answer'}`);
      return {
        page,
        problems,
        async screenshot(name) {
          mkdirSync(SCREENSHOT_DIR, { recursive: true });
          const file = join(SCREENSHOT_DIR, `${name}.png`);
          await page.screenshot({ path: file, fullPage: true });
          return file;
        },
      };
    },
    async close() {
      for (const context of contexts) await context.close().catch(() => undefined);
      await browser.close().catch(() => undefined);
      await stopPlayground(served);
    },
  };
}
