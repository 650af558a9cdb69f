// The browser tests' harness: Debian's Chromium driven by playwright-core (which never
// downloads a browser), against `nabla playground` on a free port. One browser and one
// server per test file; each page opened records every console error, uncaught exception,
// failed request and error status, so that a test can assert that none happened.

import { accessSync, constants, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startPlayground, stopPlayground, type Served } from '../cli/playground_spawn.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
/** Where screenshots go: test-artifacts/playground/<name>.png in the repository. */
export const SCREENSHOT_DIR = join(root, 'test-artifacts', 'playground');

const CHROMIUM_FLAGS = [
  '--headless', '--no-sandbox', '--disable-background-networking', '--disable-component-update',
  '--disable-default-apps', '--no-first-run', '--disable-sync', '--metrics-recording-only',
  // Containers often have a small /dev/shm; Chromium then crashes mid-test.
  '--disable-dev-shm-usage',
];

/** The Chromium to drive: $NABLA_CHROMIUM, else Debian's; one clear line if there is none. */
export function findChromium(): string {
  const fromEnv = process.env.NABLA_CHROMIUM;
  const path = fromEnv !== undefined && fromEnv !== '' ? fromEnv : '/usr/bin/chromium';
  try {
    accessSync(path, constants.X_OK);
  } catch {
    const where = fromEnv ? `NABLA_CHROMIUM (${fromEnv}) is not an executable file` : 'no Chromium at /usr/bin/chromium';
    throw new Error(`browser tests need Chromium: ${where}; install it with apt-get install chromium, or set NABLA_CHROMIUM to a Chromium or Chrome executable`);
  }
  return path;
}

/** Debian's Chromium, headless, with nothing that reaches the network by itself. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: findChromium(), headless: true, args: CHROMIUM_FLAGS, timeout: 60_000 });
}

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
  findChromium(); // before the server starts: a missing browser is one clear line
  const served: Served = await startPlayground(['--port', '0']);
  let browser: Browser;
  try {
    browser = await launchChromium();
  } catch (error) {
    await stopPlayground(served);
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
