// The Train page in Chromium: it trains the seed's TwoLayerNet in its Worker to a test
// accuracy above 0.85 with points in both plots, and its weight files go both ways
// between the page and the command line.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { bin } from '../cli/playground_spawn.js';
import { startBrowser, type OpenedPage, type PlaygroundBrowser } from './browser.js';

const run = promisify(execFile);

/** `nabla ...args` to its end; its stdout. */
async function nabla(...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [bin, ...args], { maxBuffer: 16 * 1024 * 1024, timeout: 60_000 });
  return stdout;
}

/** Dots in the loss plot, and points of each line in the accuracy plot, as drawn. */
async function plotted(page: Page): Promise<{ lossDots: number; accuracyPoints: number[] }> {
  return page.evaluate(() => {
    const commands = (d: string | null, letters: RegExp): number => (d ?? '').match(letters)?.length ?? 0;
    const dots = document.querySelector('#loss-chart path.series-points');
    const lines = Array.from(document.querySelectorAll('#accuracy-chart path.series-line'));
    return { lossDots: commands(dots?.getAttribute('d') ?? null, /M/g), accuracyPoints: lines.map((p) => commands(p.getAttribute('d'), /[ML]/g)) };
  });
}

async function state(page: Page, wanted: string, timeout = 45_000): Promise<void> {
  await page.waitForSelector(`body[data-state="${wanted}"]`, { timeout });
}

describe('playground Train page', () => {
  let browser: PlaygroundBrowser;
  let opened: OpenedPage;
  const temp = mkdtempSync(join(tmpdir(), 'nabla-train-page-'));
  before(async () => {
    browser = await startBrowser();
    opened = await browser.open('train.html');
  });
  after(async () => {
    await browser?.close();
    rmSync(temp, { recursive: true, force: true });
  });

  it('loads with labelled controls and names the Worker\'s backend, with no console error', async () => {
    const { page, problems } = opened;
    await page.waitForSelector('#backend[data-backend]');
    assert.equal(await page.getAttribute('#backend', 'data-backend'), 'wasm');
    assert.match(await page.textContent('#backend') ?? '', /^wasm, \d+ threads?, on shared memory$/);
    for (const id of ['net', 'optimizer', 'learningRate', 'batchSize', 'dtype', 'iterations', 'seed', 'load']) {
      assert.equal(await page.locator(`label[for="${id}"]`).count(), 1, `#${id} has a label`);
    }
    assert.equal(await page.inputValue('#net'), 'two-layer');
    assert.equal(await page.inputValue('#optimizer'), 'sgd');
    assert.equal(await page.inputValue('#learningRate'), '0.1');
    assert.equal(await page.inputValue('#batchSize'), '100');
    assert.equal(await page.textContent('#net-description'), 'TwoLayerNet(784, 50, 10), in float32.');
    assert.deepEqual(problems, []);
  });

  it('trains TwoLayerNet for 300 iterations in the Worker to a test accuracy above 0.85, plotting every loss and each evaluation', async () => {
    const { page, problems, screenshot } = opened;
    // A page of the same site listening where the Draw page listens for trained networks.
    const listener = await page.context().newPage();
    await listener.goto(new URL('index.html', browser.url).href);
    await listener.evaluate((name) => {
      const heard: unknown[] = [];
      const channel = new BroadcastChannel(name);
      channel.onmessage = (event: MessageEvent) => heard.push({ type: event.data.type, name: event.data.name, bytes: (event.data.bytes as ArrayBuffer | undefined)?.byteLength });
      Object.assign(globalThis, { heard, channel });
    }, 'nabla-model');
    await page.fill('#iterations', '300');
    await page.click('#start');
    await state(page, 'done');
    const firstThousand = Number(await page.getAttribute('#stat-test', 'data-value'));
    const all = Number(await page.getAttribute('#stat-final', 'data-value'));
    assert.ok(firstThousand > 0.85, `test accuracy on the first 1000 test images: ${firstThousand}`);
    assert.ok(all > 0.85, `test accuracy on all 10000: ${all}`);
    assert.equal(await page.textContent('#stat-iteration'), '300 of 300');
    const speed = Number(await page.getAttribute('#stat-speed', 'data-value'));
    assert.ok(speed > 0, `iterations per second shown: ${speed}`);
    // One dot per iteration; the accuracy lines: after iterations 1, 51, …, 251, and 300.
    assert.deepEqual(await plotted(page), { lossDots: 300, accuracyPoints: [7, 7] });
    assert.match(await page.textContent('#status') ?? '', /^Done: 300 iterations in [\d.]+ s of training \(\d+ per second\)\. Test accuracy 0\.\d{4} on all 10000 test images\.$/);
    console.log(`# Train page: 300 iterations, ${speed.toFixed(0)} iterations/s at the end; test accuracy ${firstThousand} (first 1000), ${all} (all 10000)`);
    // The finished network goes to the Draw page, now and whenever it asks.
    const model = { type: 'model', name: 'two-layer after 300 iterations', bytes: 4 * (784 * 50 + 50 + 50 * 10 + 10) };
    await listener.waitForFunction(() => (globalThis as unknown as { heard: unknown[] }).heard.length > 0);
    await listener.evaluate(() => (globalThis as unknown as { channel: BroadcastChannel }).channel.postMessage({ type: 'request' }));
    await listener.waitForFunction(() => (globalThis as unknown as { heard: unknown[] }).heard.length > 1);
    const heard = await listener.evaluate(() => (globalThis as unknown as { heard: unknown[] }).heard);
    assert.ok(heard.length === 2 && heard.every((m) => typeof m === 'object' && m !== null && (m as { bytes: number }).bytes > model.bytes && (m as { bytes: number }).bytes < model.bytes + 2048
      && (m as { name: string }).name === model.name && (m as { type: string }).type === 'model'), JSON.stringify(heard));
    assert.equal(await page.textContent('#share-status'), 'The Draw page can classify your digits with two-layer after 300 iterations.');
    await listener.close();
    const file = await screenshot('train');
    assert.ok(statSync(file).size > 20_000, `${file} holds a picture`);
    assert.deepEqual(problems, []);
  });

  it('hands the trained network to a Draw page opened afterwards, which takes it as its model', async () => {
    const { page, problems } = opened;
    const draw = await page.context().newPage();
    const drawProblems: string[] = [];
    draw.on('console', (message) => {
      if (message.type() === 'error') drawProblems.push(message.text());
    });
    draw.on('pageerror', (error) => drawProblems.push(error.message));
    await draw.goto(new URL('draw.html', browser.url).href);
    await draw.waitForFunction(() => document.querySelector<HTMLOptionElement>('#model option[value="trained"]')?.disabled === false, undefined, { timeout: 30_000 });
    assert.equal(await draw.textContent('#model option[value="trained"]'), 'two-layer after 300 iterations: trained on the Train page');
    assert.equal(await draw.inputValue('#model'), 'trained');
    assert.equal(await draw.getAttribute('#model-status', 'data-origin'), 'trained');
    assert.equal(await draw.getAttribute('#model-status', 'data-model'), 'two-layer after 300 iterations');
    assert.deepEqual(drawProblems, []);
    await draw.close();
    assert.deepEqual(problems, []);
  });

  it('saves weights that nabla evaluate reads and scores as the page did', async () => {
    const { page, problems } = opened;
    const pageAcc = Number(await page.getAttribute('#stat-final', 'data-value'));
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#save')]);
    assert.equal(download.suggestedFilename(), 'nabla-two-layer-300.safetensors');
    const file = join(temp, download.suggestedFilename());
    await download.saveAs(file);
    assert.match(await page.textContent('#model-status') ?? '', /^Saved nabla-two-layer-300\.safetensors \([\d.]+ MB\)\. Check it with: npx nabla evaluate --model nabla-two-layer-300\.safetensors$/);
    const report = JSON.parse(await nabla('evaluate', '--model', file, '--json')) as { testAcc: number };
    // The same float32 weights scored on the same 10000 images by the same kernels.
    assert.equal(report.testAcc, pageAcc);
    const text = await nabla('evaluate', '--model', file);
    assert.match(text, new RegExp(`test accuracy:? ${pageAcc.toFixed(4)}`, 'i'));
    assert.deepEqual(problems, []);
  });

  it('loads a model that nabla train wrote and shows the accuracy nabla evaluate gives it', async () => {
    const { page, problems } = opened;
    const runDir = join(temp, 'run');
    await nabla('train', '--iters', '40', '--out', runDir, '--quiet', '--checkpoint-every', '0');
    const model = join(runDir, 'model.safetensors');
    const cli = (JSON.parse(await nabla('evaluate', '--model', model, '--json')) as { testAcc: number }).testAcc;
    await page.selectOption('#dtype', 'float64'); // the file's own dtype, as nabla evaluate computes it
    await page.setInputFiles('#load', model);
    await state(page, 'loaded');
    const shown = Number(await page.getAttribute('#model-status', 'data-test-acc'));
    assert.equal(shown, cli);
    assert.equal(await page.textContent('#model-status'), `Loaded model.safetensors: TwoLayerNet(784, 50, 10). Test accuracy ${cli.toFixed(4)} on all 10000 test images.`);
    assert.equal(await page.textContent('#model-error'), '');
    assert.equal(await page.isEnabled('#save'), true);
    assert.deepEqual(problems, []);
  });

  it('says in one line why a file is not a model, and keeps working', async () => {
    const { page, problems } = opened;
    const before = await page.textContent('#model-status');
    await page.setInputFiles('#load', { name: 'notes.safetensors', mimeType: 'application/octet-stream', buffer: Buffer.from('these are not weights\n') });
    await page.waitForFunction(() => (document.getElementById('model-error')?.textContent ?? '') !== '');
    const error = await page.textContent('#model-error') ?? '';
    assert.match(error, /^Could not load: notes\.safetensors: /);
    assert.ok(!error.includes('\n') && error.length < 300, error);
    // The network loaded before is still there.
    assert.equal(await page.getAttribute('body', 'data-state'), 'loaded');
    assert.equal(before !== '', true);
    // A model file cut short names what is missing.
    const model = readFileSync(join(temp, 'run', 'model.safetensors'));
    await page.setInputFiles('#load', { name: 'cut.safetensors', mimeType: 'application/octet-stream', buffer: model.subarray(0, model.length >> 1) });
    await page.waitForFunction(() => /cut\.safetensors/.test(document.getElementById('model-error')?.textContent ?? ''));
    const cut = await page.textContent('#model-error') ?? '';
    assert.match(cut, /^Could not load: cut\.safetensors: /);
    console.log(`# Train page, bad files: ${error} | ${cut}`);
    assert.deepEqual(problems, []);
  });

  it('pauses, resumes and resets a run', async () => {
    const { page, problems } = opened;
    await page.fill('#iterations', '100000');
    await page.click('#start');
    await page.waitForFunction(() => Number(document.getElementById('stat-iteration')?.dataset.value ?? 0) >= 100, undefined, { timeout: 30_000 });
    assert.equal(await page.isDisabled('#net'), true, 'the settings are locked while a run exists');
    await page.click('#pause');
    await state(page, 'paused');
    assert.equal(await page.textContent('#pause'), 'Resume');
    const at = await page.getAttribute('#stat-iteration', 'data-value');
    await page.waitForTimeout(300);
    assert.equal(await page.getAttribute('#stat-iteration', 'data-value'), at, 'no iteration while paused');
    assert.match(await page.textContent('#status') ?? '', new RegExp(`^Paused at iteration ${at}\\.$`));
    await page.click('#pause');
    await state(page, 'running');
    await page.waitForFunction((was) => Number(document.getElementById('stat-iteration')?.dataset.value ?? 0) > was, Number(at));
    await page.click('#reset');
    await state(page, 'idle');
    assert.deepEqual(await plotted(page), { lossDots: 0, accuracyPoints: [] });
    assert.equal(await page.textContent('#stat-iteration'), '–');
    assert.equal(await page.isEnabled('#net'), true);
    assert.equal(await page.isDisabled('#save'), true);
    assert.deepEqual(problems, []);
  });

  it('is used by keyboard alone at phone width: Enter in a field starts training, and the plots fit the screen', async () => {
    const { page, problems, screenshot } = await browser.open('train.html', { width: 360, height: 740 });
    await page.waitForSelector('#backend[data-backend]');
    await page.focus('#iterations');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('120');
    await page.keyboard.press('Enter');
    await state(page, 'done');
    const widths = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, chart: document.querySelector('#loss-chart svg')?.getBoundingClientRect().width ?? 0 }));
    assert.ok(widths.page <= 360, `the page is ${widths.page} px wide at 360`);
    assert.ok(widths.chart > 250 && widths.chart <= 330, `the loss plot is ${widths.chart} px wide`);
    assert.equal((await plotted(page)).lossDots, 120);
    await page.keyboard.press('Tab');
    await screenshot('train-phone-trained');
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('trains on the threads train.html?threads=N asks for, and says why it ignores a bad N', async () => {
    const one = await browser.open('train.html?threads=1');
    await one.page.waitForSelector('#backend[data-backend]');
    assert.equal(await one.page.textContent('#backend'), 'wasm, 1 thread, on shared memory');
    assert.deepEqual(one.problems, []);
    await one.page.close();
    const bad = await browser.open('train.html?threads=lots');
    await bad.page.waitForSelector('#backend[data-backend]');
    assert.equal(await bad.page.textContent('#settings-error'), 'Ignoring ?threads=lots: it must be a whole number from 1 to 256.');
    assert.match(await bad.page.textContent('#backend') ?? '', /^wasm, \d+ threads?, on shared memory$/);
    assert.deepEqual(bad.problems, []);
    await bad.page.close();
  });

  it('says in one line when the MNIST files the server sends are not MNIST, and can start again', async () => {
    const { page, problems } = await browser.open('train.html');
    await page.waitForSelector('#backend[data-backend]');
    // The Worker's requests go through the page's context: answer one file with a web page.
    await page.context().route('**/data/t10k-labels-idx1-ubyte', (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>oops</title>' }));
    await page.fill('#iterations', '5');
    await page.click('#start');
    await page.waitForFunction(() => (document.getElementById('settings-error')?.textContent ?? '') !== '', undefined, { timeout: 30_000 });
    assert.match(await page.textContent('#settings-error') ?? '', /^Could not load MNIST: http:\/\/[^ ]+\/data\/t10k-labels-idx1-ubyte: not an IDX file \(magic number 0x[0-9a-f]{8} does not start with two zero bytes\)$/);
    assert.equal(await page.getAttribute('body', 'data-state'), 'idle');
    assert.equal(await page.isEnabled('#start'), true);
    await page.context().unroute('**/data/t10k-labels-idx1-ubyte');
    await page.click('#start');
    await state(page, 'done');
    assert.equal(await page.textContent('#settings-error'), '');
    assert.deepEqual(problems, []);
    await page.close();
  });
});
