// Where the Draw page's network comes from: a shipped model, fetched from the playground
// server's models/; a .safetensors file the user picks; or a model another page (the Train
// page) posts on the BroadcastChannel 'nabla-model'. Every failure is one line naming the
// model; nothing here leaves a half-loaded network behind.

import { decodeMnistClassifier } from '../../../src/eval/mnist_classifier.js';
import { describeNetwork, type Network } from '../../../src/index.js';

export type ModelOrigin = 'shipped' | 'file' | 'trained';

export interface DrawModel {
  network: Network;
  /** The shipped model's name, the file's name, or the name the Train page gave. */
  name: string;
  origin: ModelOrigin;
  /** The network in words, with its dtype. */
  description: string;
}

/** The shipped models the page offers, as `nabla predict --model NAME` names them. */
export const SHIPPED_MODELS = ['deep-conv', 'simple-conv'] as const;

/**
 * The largest model file the page reads: far more than any network nabla trains on MNIST
 * (the shipped ones are 0.5 and 1.7 MB), and far less than would strain a phone.
 */
export const MAX_MODEL_BYTES = 256 * 1024 * 1024;

/** The name of the channel on which a page posts a trained model to the Draw page. */
export const MODEL_CHANNEL = 'nabla-model';

export function modelFromBytes(bytes: Uint8Array, name: string, origin: ModelOrigin): DrawModel {
  const { network, spec } = decodeMnistClassifier(bytes, name);
  return { network, name, origin, description: `${describeNetwork(spec)}, ${spec.dtype}` };
}

export async function fetchShippedModel(name: string): Promise<DrawModel> {
  const url = `models/${name}.safetensors`;
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new Error(`${url}: cannot fetch (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!response.ok) throw new Error(`${url}: the server answered ${response.status} ${response.statusText}`.trim());
  return modelFromBytes(new Uint8Array(await response.arrayBuffer()), name, 'shipped');
}

export async function fileModel(file: File): Promise<DrawModel> {
  if (file.size > MAX_MODEL_BYTES) {
    throw new Error(`${file.name}: ${(file.size / 2 ** 20).toFixed(0)} MB is too large for a model of MNIST digits (at most ${MAX_MODEL_BYTES / 2 ** 20} MB)`);
  }
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await file.arrayBuffer());
  } catch (error) {
    throw new Error(`${file.name}: cannot read (${error instanceof Error ? error.message : String(error)})`);
  }
  return modelFromBytes(bytes, file.name, 'file');
}

export interface PostedModel {
  bytes: Uint8Array;
  name: string;
}

/**
 * A model message on the channel: `{ type: 'model', bytes, name? }`, the bytes a .safetensors
 * file holds (an ArrayBuffer or a Uint8Array). Anything else is not for this page.
 */
export function postedModel(data: unknown): PostedModel | undefined {
  if (data === null || typeof data !== 'object') return undefined;
  const message = data as { type?: unknown; bytes?: unknown; name?: unknown };
  if (message.type !== 'model') return undefined;
  const bytes = message.bytes instanceof ArrayBuffer ? new Uint8Array(message.bytes)
    : message.bytes instanceof Uint8Array ? message.bytes : undefined;
  if (bytes === undefined) return undefined;
  const name = typeof message.name === 'string' && message.name.trim() !== '' ? message.name.trim().slice(0, 80) : 'the model trained on the Train page';
  return { bytes, name };
}

/**
 * Listens for trained models; on opening, asks (`{ type: 'request' }`) so that a page that
 * trained one before this page opened can post it now. Returns a function that stops.
 */
export function listenForModels(receive: (posted: PostedModel) => void): () => void {
  if (typeof BroadcastChannel !== 'function') return () => undefined;
  const channel = new BroadcastChannel(MODEL_CHANNEL);
  channel.addEventListener('message', (event: MessageEvent) => {
    const posted = postedModel(event.data);
    if (posted !== undefined) receive(posted);
  });
  channel.postMessage({ type: 'request' });
  return () => channel.close();
}
