// MNIST in the training Worker: the four IDX files fetched from the playground server once,
// kept as bytes, and turned into tensors of the dtype a run asks for (the tensors of the
// other dtype are freed first: float64 training images alone are 376 MB).

import type { DType } from '../../../src/backend/backend.js';
import { getBackend } from '../../../src/backend/index.js';
import { MNIST_IDX_NAMES, mnistFromBytes, type MnistIdxBytes, type MnistIdxKey, type MnistTensors } from '../../../src/data/mnist_bytes.js';

/** Where the server puts the files: data/<IDX file name>, next to the pages. */
export function dataUrl(key: MnistIdxKey, base: string): string {
  return new URL(`data/${MNIST_IDX_NAMES[key]}`, base).href;
}

export class MnistCache {
  private bytes: Promise<MnistIdxBytes> | undefined;
  private tensors: (MnistTensors & { dtype: DType }) | undefined;

  /** `base`: the URL the data/ folder is relative to; `onProgress` hears of bytes fetched. */
  constructor(private readonly base: string, private readonly onProgress: (loaded: number, total: number) => void) {}

  async get(dtype: DType): Promise<MnistTensors> {
    if (this.tensors?.dtype === dtype) return this.tensors;
    const files = await this.fetchAll();
    if (this.tensors?.dtype === dtype) return this.tensors; // made by a call that waited alongside
    if (this.tensors) {
      getBackend().free(this.tensors.xTrain.data);
      getBackend().free(this.tensors.xTest.data);
      this.tensors = undefined;
    }
    const sources = Object.fromEntries((Object.keys(MNIST_IDX_NAMES) as MnistIdxKey[]).map((key) => [key, dataUrl(key, this.base)]));
    try {
      this.tensors = { ...mnistFromBytes(files, { dtype, sources }), dtype };
    } catch (error) {
      // Files that are not MNIST are not kept either: the next run fetches them again.
      this.bytes = undefined;
      throw error;
    }
    return this.tensors;
  }

  private fetchAll(): Promise<MnistIdxBytes> {
    // A failed fetch is not kept: the next run tries again (the server may be back).
    this.bytes ??= this.fetchFiles().catch((error: unknown) => {
      this.bytes = undefined;
      throw error;
    });
    return this.bytes;
  }

  private async fetchFiles(): Promise<MnistIdxBytes> {
    const keys = Object.keys(MNIST_IDX_NAMES) as MnistIdxKey[];
    const loaded = new Map<MnistIdxKey, number>();
    const totals = new Map<MnistIdxKey, number>();
    const report = (): void => {
      const sum = (m: Map<MnistIdxKey, number>): number => [...m.values()].reduce((a, b) => a + b, 0);
      const known = totals.size === keys.length && [...totals.values()].every((n) => n > 0);
      this.onProgress(sum(loaded), known ? sum(totals) : 0);
    };
    const parts = await Promise.all(keys.map(async (key) => {
      const url = dataUrl(key, this.base);
      let response: Response;
      try {
        response = await fetch(url);
      } catch (error) {
        throw new Error(`${url}: could not be fetched (${error instanceof Error ? error.message : String(error)}); is nabla playground still running?`);
      }
      if (!response.ok) throw new Error(`${url}: the server answered ${response.status} ${response.statusText}`.trimEnd());
      totals.set(key, response.headers.get('Content-Encoding') ? 0 : Number(response.headers.get('Content-Length')) || 0);
      return [key, await readAll(response, url, (n) => {
        loaded.set(key, n);
        report();
      })] as const;
    }));
    return Object.fromEntries(parts) as MnistIdxBytes;
  }
}

/** The body in one array, reporting bytes read as they come. */
async function readAll(response: Response, url: string, onBytes: (n: number) => void): Promise<Uint8Array> {
  if (!response.body) return new Uint8Array(await response.arrayBuffer());
  // A compressed answer's Content-Length counts the compressed bytes, not those read here.
  const declared = response.headers.get('Content-Encoding') ? 0 : Number(response.headers.get('Content-Length')) || 0;
  const chunks: Uint8Array[] = [];
  let length = 0;
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      length += value.length;
      onBytes(length);
    }
  } catch (error) {
    throw new Error(`${url}: the download broke off after ${length} bytes (${error instanceof Error ? error.message : String(error)})`);
  }
  if (declared > 0 && length !== declared) throw new Error(`${url}: ${length} bytes arrived of the ${declared} the server announced`);
  if (chunks.length === 1) return chunks[0]!;
  const all = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    all.set(chunk, at);
    at += chunk.length;
  }
  return all;
}
