// Spawning `nabla train` for the run-folder tests: synchronously, or in the background
// to signal it or race a second process against it.

import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeSafetensors } from '../../src/io/safetensors.js';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const bin = join(root, 'bin', 'nabla.js');

export interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function nabla(args: string[], options: { cwd?: string; timeout?: number } = {}): Result {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: options.cwd ?? root, timeout: options.timeout ?? 600_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export const tmp = (): string => mkdtempSync(join(tmpdir(), 'nabla-train-'));

/**
 * A copy of the run in `run` whose checkpoint.json `edit` changes in place, or replaces
 * with what it returns. Free-form JSON on purpose: tests damage it in ways no type allows.
 */
export function damagedCopy(run: string, edit: (checkpoint: Record<string, any>) => unknown): string {
  const dir = tmp();
  cpSync(run, dir, { recursive: true });
  const path = join(dir, 'checkpoint.json');
  const checkpoint = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  const replaced = edit(checkpoint);
  writeFileSync(path, JSON.stringify(replaced === undefined ? checkpoint : replaced));
  return dir;
}

export function assertOneLineError(result: Result, code: number, pattern: RegExp): void {
  assert.equal(result.code, code, `exit code (stderr: ${result.stderr})`);
  const lines = result.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `exactly one line on stderr, got:\n${result.stderr}`);
  assert.match(lines[0]!, pattern);
  assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
}

/** A background `nabla train`, with its output so far and a way to wait for a line. */
export class Running {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  readonly exit: Promise<number | null>;

  constructor(args: string[]) {
    this.child = spawn(process.execPath, [bin, ...args], { cwd: root });
    this.child.stdout!.on('data', (d: Buffer) => (this.stdout += d.toString()));
    this.child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.exit = new Promise((done) => this.child.on('close', (code, signal) => done(code ?? (signal ? -1 : null))));
  }

  /** Resolves once stdout matches `pattern` (rejects if the process ends first). */
  async waitFor(pattern: RegExp, timeoutMs = 60_000): Promise<void> {
    const started = Date.now();
    while (!pattern.test(this.stdout)) {
      if (this.child.exitCode !== null || this.child.signalCode !== null) throw new Error(`ended before ${pattern}: ${this.stderr}`);
      if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${pattern}; stdout: ${this.stdout}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }
}

/** An IDX file of unsigned bytes. */
function idx(dims: number[], values: Uint8Array): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE(0x800 + dims.length, 0);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, values]);
}

/** A tiny MNIST-shaped data set (28×28 images, `train` and `test` of them), for fast runs. */
export function tinyMnist(train = 40, test = 10): string {
  const dir = tmp();
  let seed = 1;
  const bytes = (n: number): Uint8Array => Uint8Array.from({ length: n }, () => (seed = (seed * 1103515245 + 12345) % 2147483648) % 256);
  const labels = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => i % 10);
  writeFileSync(join(dir, 'train-images-idx3-ubyte'), idx([train, 28, 28], bytes(train * 784)));
  writeFileSync(join(dir, 'train-labels-idx1-ubyte'), idx([train], labels(train)));
  writeFileSync(join(dir, 't10k-images-idx3-ubyte'), idx([test, 28, 28], bytes(test * 784)));
  writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), idx([test], labels(test)));
  return dir;
}

/** Every tensor of a safetensors file as plain numbers, by name. */
export function tensors(file: string): Record<string, number[]> {
  const { tensors: all } = decodeSafetensors(readFileSync(file));
  return Object.fromEntries(Object.entries(all).map(([k, t]) => [k, Array.from(t.data)]));
}

/** A run folder's metrics.json. */
export const metrics = (dir: string): { losses: number[]; epochs: { seconds: number }[] } => JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8'));

/** Evaluations without their timings, which differ from run to run. */
export const withoutTime = (epochs: { seconds: number }[]): object[] => epochs.map(({ seconds: _, ...rest }) => rest);
