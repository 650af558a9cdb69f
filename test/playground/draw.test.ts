// The Draw page in Chromium: a digit drawn by a scripted mouse is read correctly by the
// shipped model, the 28×28 preview is exactly what drawingToMnistInput (nabla predict's
// preparation) makes of the canvas, Clear clears, the keyboard can show MNIST digits, and
// models come from a file or another page, a bad one costing one line in the page.

import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { drawingToMnistInput } from '../../src/data/drawn_digit.js';
import { classifyDigit, decodeMnistClassifier } from '../../src/eval/mnist_classifier.js';
import { encodeNetwork } from '../../src/io/model.js';
import type { Network } from '../../src/nets/network.js';
import { TwoLayerNet } from '../../src/nets/two_layer_net.js';
import { startBrowser, type OpenedPage, type PlaygroundBrowser } from './browser.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const shippedBytes = (name: string): Buffer => readFileSync(join(root, 'models', `${name}.safetensors`));
const SIDE = 280;

type Stroke = [number, number][];

/** Strokes in pad pixels (0..280), drawn in the page with the mouse. */
async function draw(page: Page, strokes: Stroke[], steps = 4): Promise<void> {
  const pad = await page.$eval('#pad', (c) => {
    const box = c.getBoundingClientRect();
    return { x: box.left + c.clientLeft, y: box.top + c.clientTop, scale: c.clientWidth / 280 };
  });
  const at = ([x, y]: [number, number]): [number, number] => [pad.x + x * pad.scale, pad.y + y * pad.scale];
  for (const stroke of strokes) {
    await page.mouse.move(...at(stroke[0]!));
    await page.mouse.down();
    for (const point of stroke.slice(1)) await page.mouse.move(...at(point), { steps });
    await page.mouse.up();
  }
  await settled(page);
}

/** Strokes drawn with a finger: touch events through the DevTools protocol, as a phone sends them. */
async function drawByTouch(page: Page, strokes: Stroke[]): Promise<void> {
  const pad = await page.$eval('#pad', (c) => {
    const box = c.getBoundingClientRect();
    return { x: box.left + c.clientLeft, y: box.top + c.clientTop, scale: c.clientWidth / 280 };
  });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setTouchEmulationEnabled', { enabled: true, maxTouchPoints: 5 });
  const at = ([x, y]: [number, number]) => ({ x: pad.x + x * pad.scale, y: pad.y + y * pad.scale });
  for (const stroke of strokes) {
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [at(stroke[0]!)] });
    for (let i = 1; i < stroke.length; i++) {
      const [x0, y0] = stroke[i - 1]!;
      const [x1, y1] = stroke[i]!;
      for (let t = 1; t <= 4; t++) {
        await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [at([x0 + ((x1 - x0) * t) / 4, y0 + ((y1 - y0) * t) / 4])] });
      }
    }
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  }
  await cdp.detach();
  await settled(page);
}

/** Two animation frames: the page's update for the last change has run. */
async function settled(page: Page): Promise<void> {
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
}

const SEVEN: Stroke[] = [[[70, 60], [210, 60], [125, 235]]];
const ONE: Stroke[] = [[[150, 45], [132, 235]]];
const ZERO: Stroke[] = [Array.from({ length: 33 }, (_, i): [number, number] => {
  const a = (2 * Math.PI * i) / 32;
  return [140 + 68 * Math.sin(a), 140 - 95 * Math.cos(a)];
})];

interface Seen {
  /** RGBA pixels of the pad and of the 28×28 preview. */
  pad: Uint8Array;
  preview: Uint8Array;
  label: number | undefined;
  probabilities: (number | undefined)[];
}

async function seen(page: Page): Promise<Seen> {
  return page.evaluate(() => {
    // As a binary string: a quarter of a million numbers are slow to pass as JSON.
    const pixels = (id: string) => {
      const canvas = document.getElementById(id) as HTMLCanvasElement;
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let text = '';
      for (let i = 0; i < data.length; i += 8192) text += String.fromCharCode(...data.subarray(i, i + 8192));
      return btoa(text);
    };
    const label = document.getElementById('guess')!.dataset.label;
    const probabilities = Array.from(document.querySelectorAll<HTMLElement>('#bars li'), ((li) => li.dataset.probability === undefined ? undefined : Number(li.dataset.probability)));
    return { pad: pixels('pad'), preview: pixels('preview'), label: label === undefined ? undefined : Number(label), probabilities };
  }).then((s) => ({ ...s, pad: Buffer.from(s.pad, 'base64'), preview: Buffer.from(s.preview, 'base64') }));
}

const networks = new Map<string, Network>();
function shippedNetwork(name: string): Network {
  if (!networks.has(name)) networks.set(name, decodeMnistClassifier(new Uint8Array(shippedBytes(name)), name).network);
  return networks.get(name)!;
}

/** The page's guess, checked against drawingToMnistInput and classifyDigit on its own canvas here. */
function checkAgainstNode(s: Seen, model: string): number[] {
  const input = drawingToMnistInput(SIDE, SIDE, s.pad);
  assert.ok(input !== undefined, 'the canvas has a digit on it');
  const shown = Array.from({ length: 784 }, (_, i) => s.preview[4 * i]!);
  assert.deepEqual(shown, Array.from(input, (v) => Math.round(255 * v)), 'the preview is the input, pixel for pixel');
  const guess = classifyDigit(shippedNetwork(model), input);
  assert.equal(s.label, guess.label);
  guess.probabilities.forEach((p, c) => assert.ok(Math.abs(p - s.probabilities[c]!) < 1e-5, `class ${c}: page ${s.probabilities[c]}, here ${p}`));
  return shown;
}

/** Centre of mass of a 28×28 image, in pixel indices. */
function centre(pixels: number[]): [number, number] {
  let mass = 0, mx = 0, my = 0;
  pixels.forEach((v, i) => { mass += v; mx += v * (i % 28); my += v * Math.floor(i / 28); });
  return [mx / mass, my / mass];
}

/** The page's model error line once it has one; an uncaught exception or console error fails at once. */
async function modelError(opened: OpenedPage, containing: string): Promise<string> {
  for (let waited = 0; waited < 15_000; waited += 50) {
    assert.deepEqual(opened.problems, []);
    const text = (await opened.page.textContent('#model-error')) ?? '';
    if (text.includes(containing)) return text;
    await new Promise((done) => setTimeout(done, 50));
  }
  return assert.fail(`no model error containing '${containing}' in the page`);
}

describe('playground Draw page', () => {
  let browser: PlaygroundBrowser;
  let opened: OpenedPage;
  before(async () => {
    browser = await startBrowser();
    opened = await browser.open('draw.html');
    await opened.page.waitForSelector('#model-status[data-model="deep-conv"]', { timeout: 20_000 });
  });
  after(async () => {
    await browser?.close();
  });

  it('loads the shipped deep-conv on the wasm backend, with no console error', async () => {
    const { page, problems } = opened;
    assert.match((await page.textContent('#model-status'))!, /^Model: deep-conv \(shipped with nabla\): DeepConvNet\(\[1, 28, 28\]; .*\), float32\.$/);
    await page.waitForFunction(() => document.getElementById('backend')?.textContent !== 'loading…');
    assert.match((await page.textContent('#backend'))!, /^wasm, \d+ threads?, on shared memory$/);
    assert.equal(await page.textContent('#guess'), 'Draw a digit in the box.');
    assert.deepEqual(problems, []);
  });

  it('reads a 7, a 1 and a 0 drawn with the mouse; the preview is the input nabla predict makes of the canvas', async () => {
    const { page, problems, screenshot } = opened;
    for (const [digit, strokes] of [[7, SEVEN], [1, ONE], [0, ZERO]] as const) {
      await page.click('#clear');
      await draw(page, strokes, digit === 0 ? 1 : 4);
      const s = await seen(page);
      assert.equal(s.label, digit, `drew a ${digit}, the page says ${await page.textContent('#guess')}`);
      const shown = checkAgainstNode(s, 'deep-conv');
      const [cx, cy] = centre(shown);
      assert.ok(Math.abs(cx - 14) <= 1 && Math.abs(cy - 14) <= 1, `centred by mass: (${cx}, ${cy})`);
      assert.match((await page.textContent('#guess'))!, new RegExp(`^It looks like a ${digit} \\(\\d+\\.\\d %\\)\\.$`));
      assert.equal(await page.textContent('#announce'), await page.textContent('#guess'), 'said to screen readers when the stroke ends');
      if (digit === 7) {
        assert.ok(statSync(await screenshot('draw')).size > 10_000);
        console.log(`# ${await page.textContent('#timing')}`);
      }
    }
    assert.deepEqual(problems, []);
  });

  it('clears the pad, the preview and the bars', async () => {
    const { page, problems } = opened;
    await draw(page, SEVEN);
    await page.click('#clear');
    await settled(page);
    const s = await seen(page);
    assert.ok(s.pad.every((v) => v === 255), 'white paper');
    assert.ok(s.preview.every((v, i) => i % 4 === 3 || v === 0), 'an empty (black) preview');
    assert.equal(s.label, undefined);
    assert.deepEqual(s.probabilities, Array(10).fill(undefined));
    assert.equal(await page.textContent('#guess'), 'Draw a digit in the box.');
    assert.deepEqual(problems, []);
  });

  it('says so when there is no digit to find: a pad covered in ink', async () => {
    const { page, problems } = opened;
    await page.$eval('#pad', (c) => {
      const context = (c as HTMLCanvasElement).getContext('2d')!;
      context.fillStyle = '#000';
      context.fillRect(0, 0, 280, 280);
    });
    await draw(page, [[[140, 140], [150, 150]]]);
    assert.equal(await page.textContent('#guess'), 'No digit found in the drawing: clear it and draw again.');
    const s = await seen(page);
    assert.equal(s.label, undefined);
    assert.deepEqual(s.probabilities, Array(10).fill(undefined));
    await page.click('#clear');
    await settled(page);
    assert.equal(await page.textContent('#guess'), 'Draw a digit in the box.');
    assert.deepEqual(problems, []);
  });

  it('shows MNIST test digits from the keyboard, classified as drawn ones are', async () => {
    const { page, problems } = opened;
    await page.focus('#sample');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => /labelled/.test(document.getElementById('sample-note')?.textContent ?? ''));
    await settled(page);
    assert.equal(await page.textContent('#sample-note'), 'MNIST test digit 1 of 10000, labelled 7. Press again for the next.');
    checkAgainstNode(await seen(page), 'deep-conv');
    assert.equal((await seen(page)).label, 7);
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => /digit 2 of/.test(document.getElementById('sample-note')?.textContent ?? ''));
    await settled(page);
    assert.equal((await seen(page)).label, 2, 'test digit 2 is a 2');
    assert.deepEqual(problems, []);
  });

  it('refuses a bad model file with one line in the page and keeps the model it had (draw-model-error.png)', async () => {
    const { page, problems } = opened;
    await page.setInputFiles('#model-file', { name: 'broken.safetensors', mimeType: 'application/octet-stream', buffer: Buffer.from('this is not a model') });
    assert.match(await modelError(opened, 'broken'), /^broken\.safetensors: [^\n]+$/);
    assert.equal(await page.getAttribute('#model-status', 'data-model'), 'deep-conv');
    assert.equal(await page.inputValue('#model'), 'deep-conv');
    assert.equal(await page.inputValue('#model-file'), '', 'ready for the same file again');

    const tiny = Buffer.from(encodeNetwork(new TwoLayerNet(4, 3, 2, { seed: 1 })));
    await page.setInputFiles('#model-file', { name: 'tiny.safetensors', mimeType: 'application/octet-stream', buffer: tiny });
    assert.equal(await modelError(opened, 'tiny'), 'tiny.safetensors: the network maps 4 inputs to 2 classes; MNIST digits need 784 to 10');
    assert.equal(await page.getAttribute('#model-status', 'data-model'), 'deep-conv');
    await opened.screenshot('draw-model-error');
    assert.deepEqual(problems, []);
  });

  it('uses a model file the user picks, and switches back to a shipped one', async () => {
    const { page, problems } = opened;
    await page.setInputFiles('#model-file', { name: 'mine.safetensors', mimeType: 'application/octet-stream', buffer: shippedBytes('simple-conv') });
    await page.waitForSelector('#model-status[data-model="mine.safetensors"]');
    assert.equal(await page.textContent('#model-error'), '', 'the earlier error is gone');
    assert.equal(await page.inputValue('#model'), 'file');
    await page.click('#clear');
    await draw(page, SEVEN);
    const s = await seen(page);
    assert.equal(s.label, 7);
    checkAgainstNode(s, 'simple-conv');
    await page.selectOption('#model', 'deep-conv');
    await page.waitForSelector('#model-status[data-model="deep-conv"]');
    await settled(page);
    checkAgainstNode(await seen(page), 'deep-conv');
    assert.deepEqual(problems, []);
  });

  it("takes a model posted on BroadcastChannel('nabla-model'), also one posted in answer to its request", async () => {
    const { page, problems } = opened;
    // Another page of the playground, as the Train page would be, in the same browser.
    const other = await page.context().newPage();
    await other.goto(new URL('index.html', browser.url).href);
    await other.evaluate(async () => {
      const bytes = await (await fetch('models/simple-conv.safetensors')).arrayBuffer();
      const channel = new BroadcastChannel('nabla-model');
      // The Train page's side of the protocol: post a model when trained, and again on request.
      channel.onmessage = (event) => {
        if ((event.data as { type?: string }).type === 'request') channel.postMessage({ type: 'model', name: 'answered', bytes });
      };
      channel.postMessage({ type: 'model', name: 'just trained', bytes: new Uint8Array(bytes) });
      (globalThis as unknown as { keep: BroadcastChannel }).keep = channel;
    });
    await page.waitForSelector('#model-status[data-model="just trained"]');
    assert.equal(await page.getAttribute('#model-status', 'data-origin'), 'trained');
    assert.equal(await page.inputValue('#model'), 'trained');
    await page.reload();
    await page.waitForSelector('#model-status[data-model="answered"]', { timeout: 20_000 });
    // A page in the background gets no animation frames; this one is drawn on next.
    await other.close();
    await page.bringToFront();
    await draw(page, ONE);
    const s = await seen(page);
    assert.equal(s.label, 1);
    checkAgainstNode(s, 'simple-conv');
    assert.deepEqual(problems, []);
  });

  it('says in one line when the shipped model cannot be fetched, and recovers with another', async () => {
    const page = await opened.page.context().newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
    page.on('console', (message) => { if (message.type() === 'error' && !/404/.test(message.text())) problems.push(message.text()); });
    await page.route('**/models/deep-conv.safetensors', (route) => route.fulfill({ status: 404, contentType: 'text/plain', body: 'not found\n' }));
    await page.goto(new URL('draw.html', browser.url).href);
    await page.waitForFunction(() => (document.getElementById('model-error')?.textContent ?? '') !== '');
    assert.match((await page.textContent('#model-error'))!, /^models\/deep-conv\.safetensors: the server answered 404\b[^\n]*$/);
    assert.equal(await page.textContent('#model-status'), 'Model: none loaded.');
    await draw(page, SEVEN);
    assert.equal(await page.textContent('#guess'), 'No model to read it with: choose or load one below.');
    await page.selectOption('#model', 'simple-conv');
    await page.waitForSelector('#model-status[data-model="simple-conv"]');
    await settled(page);
    assert.equal(await page.textContent('#model-error'), '');
    assert.equal((await seen(page)).label, 7);
    await page.close();
    assert.deepEqual(problems, []);
  });

  it('fits a 360 px wide phone, takes a finger\'s strokes, drawn into draw-360.png', async () => {
    const { page, problems, screenshot } = await browser.open('draw.html', { width: 360, height: 740 });
    await page.waitForSelector('#model-status[data-model="deep-conv"]', { timeout: 20_000 });
    const pad = await page.$eval('#pad', (c) => c.getBoundingClientRect().width);
    assert.ok(pad >= 300, `the pad is ${pad} px wide`);
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth) <= 360);
    await drawByTouch(page, ONE);
    const touched = await seen(page);
    assert.equal(touched.label, 1, `a 1 drawn with a finger: ${await page.textContent('#guess')}`);
    checkAgainstNode(touched, 'deep-conv');
    await page.click('#clear');
    await draw(page, ZERO, 1);
    assert.equal((await seen(page)).label, 0);
    assert.ok(statSync(await screenshot('draw-360')).size > 10_000);
    assert.deepEqual(problems, []);
  });
});
