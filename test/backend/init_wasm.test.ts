// initWasm() outside the Node entry: what a browser, Deno or a bundle gets. Run in a child
// process that imports only the core entry, so no Node host is registered.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';

const core = new URL('../../src/index.js', import.meta.url).href;

function runCore(script: string): { status: number | null; stdout: string; stderr: string } {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env['NABLA_BACKEND'];
  delete env['NABLA_THREADS'];
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', `const nabla = await import(${JSON.stringify(core)});\n${script}`], { encoding: 'utf8', env, timeout: 30_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('initWasm on the core entry', () => {
  it('runs the reference backend, quietly and saying why, until initWasm; then the bundled kernels', () => {
    const { status, stdout, stderr } = runCore(`
      const before = nabla.backendReport();
      const a = nabla.Tensor.from([[1, 2], [3, 4]]);
      const slow = Array.from(nabla.matmul(a, a).data);
      const after = await nabla.initWasm();
      const fast = Array.from(nabla.matmul(a, a).data);
      console.log(JSON.stringify({ before, after, slow, fast, active: nabla.getBackend().name }));`);
    assert.equal(status, 0, stderr);
    assert.equal(stderr, '', 'nothing on stderr');
    const seen = JSON.parse(stdout) as Record<string, unknown>;
    assert.deepEqual(seen['before'], {
      name: 'reference', threads: 1, platform: 'web', sharedMemory: true,
      reason: 'the WebAssembly kernels are not loaded: await initWasm() to use them',
    });
    // Node has no Web Worker global, so the web host runs the kernels on one thread.
    assert.deepEqual(seen['after'], { name: 'wasm', threads: 1, platform: 'web', sharedMemory: true });
    assert.deepEqual(seen['slow'], [7, 10, 15, 22]);
    assert.deepEqual(seen['fast'], [7, 10, 15, 22]);
    assert.equal(seen['active'], 'wasm');
  });

  it("refuses setBackend('wasm') before initWasm in one clear line, and bad options", () => {
    const { status, stdout, stderr } = runCore(`
      const messages = [];
      for (const attempt of [() => nabla.setBackend('wasm'), () => nabla.initWasm({ thread: 2 }), () => nabla.initWasm({ threads: 0 })]) {
        try { await attempt(); messages.push('no error'); } catch (error) { messages.push(error.message); }
      }
      console.log(JSON.stringify(messages));`);
    assert.equal(status, 0, stderr);
    const [early, typo, zero] = JSON.parse(stdout) as string[];
    assert.match(early!, /^the WebAssembly kernels are not loaded here yet: await initWasm\(\) first/);
    assert.match(typo!, /^initWasm: .*thread/);
    assert.match(zero!, /threads must be a positive integer, got 0/);
  });

  it('keeps computing, on the main thread, when Web Workers cannot be made, saying so in one line', () => {
    // A Worker constructor that throws, as a module worker does in some browsers and sandboxes.
    const { status, stdout, stderr } = runCore(`
      globalThis.Worker = class { constructor() { throw new Error('module workers are not supported'); } };
      const report = await nabla.initWasm({ threads: 2 });
      const a = nabla.Tensor.full([300, 300], 1);
      const c = nabla.matmul(a, a);
      console.log(JSON.stringify({ report, c: c.data[0] }));`);
    assert.equal(status, 0, stderr);
    const lines = stderr.trim().split('\n');
    assert.equal(lines.length, 1, stderr);
    assert.match(lines[0]!, /^nabla: a wasm worker thread failed to start \(.*module workers are not supported.*\)/);
    assert.deepEqual(JSON.parse(stdout), { report: { name: 'wasm', threads: 2, platform: 'web', sharedMemory: true }, c: 300 });
  });
});
