// The playground server must close a file whose client goes away mid-transfer (a page
// reloaded during the 47 MB MNIST fetch): with res piped but the file not closed, every
// abort would leave a descriptor open for as long as the server runs.

import assert from 'node:assert/strict';
import { readdirSync, readlinkSync } from 'node:fs';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { playgroundSiteDir } from '../../src/cli/commands/playground.js';
import { createPlaygroundServer } from '../../src/cli/playground_server.js';
import { defaultMnistDir, MNIST_FILES } from '../../src/data/mnist.js';
import { shippedModelsDir } from '../../src/io/shipped_models.js';

/** This process's descriptors open on `file` (Linux: /proc/self/fd). */
function descriptorsOn(file: string): number {
  let count = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(join('/proc/self/fd', fd)) === file) count++;
    } catch {
      // closed between the listing and the read
    }
  }
  return count;
}

/** GETs path and drops the connection as soon as the first bytes of the body arrive. */
function abortAfterFirstChunk(port: number, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      res.once('data', () => {
        req.destroy();
        resolve();
      });
    });
    req.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' ? resolve() : reject(e)));
    req.end();
  });
}

describe('playground server', { skip: process.platform !== 'linux' ? 'counts descriptors in /proc/self/fd' : false }, () => {
  it('closes the file of every client that goes away mid-transfer', async () => {
    const images = join(defaultMnistDir(), MNIST_FILES.trainImages);
    const server = createPlaygroundServer({ site: playgroundSiteDir(), data: defaultMnistDir(), models: shippedModelsDir() });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const before = descriptorsOn(images);
      const aborts = 10;
      for (let i = 0; i < aborts; i++) await abortAfterFirstChunk(port, `/data/${MNIST_FILES.trainImages}`);
      // The server learns of each close a moment later; give it time to act on all of them.
      let open = descriptorsOn(images) - before;
      for (let waited = 0; open > 0 && waited < 2000; waited += 50) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        open = descriptorsOn(images) - before;
      }
      assert.equal(open, 0, `${open} of ${aborts} aborted transfers left ${images} open`);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
