// Worker threads start under whatever Node flags the user gave the process: a V8 flag or a
// process-wide one must never cost the fast backend, and a worker that does fail says so.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';

const index = new URL('../../../src/node.js', import.meta.url).href;
const platform = new URL('../../../src/backend/wasm/host.js', import.meta.url).href;

// One large product (far above THREADING_THRESHOLD, so the pool splits it), then a wait
// for the worker to report that it runs; prints what the test checks.
const script = `
  const { getBackend, matmul, Tensor } = await import(${JSON.stringify(index)});
  const { workerThreads } = await import(${JSON.stringify(platform)});
  const backend = getBackend();
  const n = 256;
  const c = matmul(Tensor.full([n, n], 1), Tensor.full([n, n], 2));
  for (let i = 0; i < 500 && workerThreads.ready + workerThreads.failed < backend.threads - 1; i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  console.log(JSON.stringify({ name: backend.name, threads: backend.threads, dense: backend.gemmPaths?.dense, c: c.data[0], ...workerThreads }));
`;

function runWith(flags: string[]): { status: number | null; stdout: string; stderr: string } {
  // Two threads even on a one-core machine, so that there is a worker to start.
  const env: NodeJS.ProcessEnv = { ...process.env, NABLA_THREADS: '2' };
  delete env['NABLA_BACKEND'];
  const result = spawnSync(process.execPath, [...flags, '--input-type=module', '-e', script], { encoding: 'utf8', env, timeout: 30_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('wasm worker threads and Node flags', () => {
  for (const flag of ['--max-old-space-size=4096', '--expose-gc', '--stack-size=2000', '--title=nabla-flag-test']) {
    it(`keeps the wasm backend and its worker under node ${flag}`, () => {
      const { status, stdout, stderr } = runWith([flag]);
      assert.equal(status, 0, stderr);
      assert.doesNotMatch(stderr, /reference backend|worker/i);
      const seen = JSON.parse(stdout) as Record<string, unknown>;
      assert.deepEqual(seen, { name: 'wasm', threads: 2, dense: 1, c: 512, started: 1, ready: 1, failed: 0 });
    });
  }

  it('says in one line when a worker thread fails to start, and still computes on the main thread', () => {
    // A preload that throws only in worker threads: the pool's worker dies before it runs.
    const preload = "import { isMainThread } from 'node:worker_threads'; if (!isMainThread) throw new Error('no workers here');";
    const { status, stdout, stderr } = runWith([`--import=data:text/javascript,${encodeURIComponent(preload)}`]);
    assert.equal(status, 0, stderr);
    const lines = stderr.trim().split('\n');
    assert.equal(lines.length, 1, `one line on stderr, got:\n${stderr}`);
    assert.match(lines[0]!, /^nabla: a wasm worker thread failed to start \(.*no workers here.*\)/);
    const seen = JSON.parse(stdout) as Record<string, unknown>;
    assert.deepEqual(seen, { name: 'wasm', threads: 2, dense: 1, c: 512, started: 1, ready: 0, failed: 1 });
  });
});
