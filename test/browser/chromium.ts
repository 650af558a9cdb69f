// Debian's Chromium driven by playwright-core (never a downloaded browser), for the tests
// that run nabla in a page. $NABLA_CHROMIUM overrides the path.

import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env['NABLA_CHROMIUM'] || '/usr/bin/chromium';

/** Headless, no sandbox (CI runs as root), and nothing that reaches the network by itself. */
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-background-networking', '--disable-component-update',
  '--disable-default-apps', '--disable-sync', '--no-first-run', '--metrics-recording-only', '--disable-extensions',
];

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium (Debian), or set NABLA_CHROMIUM to its path`);
  }
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}
