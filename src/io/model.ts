import type { DType } from '../backend/backend.js';
import type { Network, NetworkSpec } from '../nets/network.js';
import { buildNetwork, describeNetwork, parseNetworkSpec, specTensorShapes } from '../nets/network_spec.js';
import { PARAM_NAMES, TwoLayerNet } from '../nets/two_layer_net.js';
import { countNonFinite } from '../tensor/finite.js';
import { formatShape } from '../tensor/shape.js';
import { NABLA_VERSION } from '../version.js';
import { briefJson, printable } from './printable.js';
import { decodeSafetensors, encodeSafetensors, SafetensorsError, type SafetensorsTensor } from './safetensors.js';

/**
 * The longest header a model or checkpoint file needs: a few dozen tensors and a spec are a
 * few kilobytes; a checkpoint of a deep net with an optimizer's slots, tens of kilobytes.
 */
export const MODEL_HEADER_BYTES = 1024 * 1024;

/** The metadata key of the JSON that rebuilds the network (its spec()). */
export const SPEC_KEY = 'network';

/**
 * The tensors a model file holds for `network`: its parameters under the book's names
 * (W1 b1 … gamma1 beta1 …) and its buffers (runningMean1 runningVar1 …).
 */
export function networkTensors(network: Network): Record<string, SafetensorsTensor> {
  const tensors: Record<string, SafetensorsTensor> = {};
  for (const [name, t] of Object.entries({ ...network.params, ...(network.buffers?.() ?? {}) })) {
    tensors[name] = { dtype: t.dtype, shape: [...t.shape], data: t.data };
  }
  return tensors;
}

/** The metadata a model file carries: the network's spec (JSON) and, for TwoLayerNet, the sizes old readers look for. */
export function networkMetadata(network: Network): Record<string, string> {
  const spec = network.spec();
  const sizes: Record<string, string> = spec.type === 'TwoLayerNet'
    ? { inputSize: String(spec.inputSize), hiddenSize: String(spec.hiddenSize), outputSize: String(spec.outputSize) }
    : {};
  return { kind: spec.type, ...sizes, dtype: spec.dtype, [SPEC_KEY]: JSON.stringify(spec), nablaVersion: NABLA_VERSION };
}

/** The bytes of a model file: what saveNetwork writes, for a browser to offer as a download. */
export function encodeNetwork(network: Network, extra: Record<string, string> = {}, source = '<model>'): Uint8Array {
  return encodeSafetensors(networkTensors(network), { ...extra, ...networkMetadata(network) }, source);
}

export interface LoadedNetwork {
  network: Network;
  /** What the file holds, with the dtype it was loaded as. */
  spec: NetworkSpec;
  metadata: Record<string, string>;
}

/** loadNetwork's work on bytes already in memory (a file a browser user picked, or fetched). */
export function decodeNetwork(bytes: Uint8Array, source = '<model>', dtype?: DType): LoadedNetwork {
  const { tensors, metadata } = decodeSafetensors(bytes, source, MODEL_HEADER_BYTES);
  return networkFromTensors(source, tensors, metadata, dtype);
}

/** loadNetwork's work on a file already read (a checkpoint reads its own, which holds more). */
export function networkFromTensors(path: string, tensors: Record<string, SafetensorsTensor>, metadata: Record<string, string>, dtype?: DType): LoadedNetwork {
  const fail = (problem: string): never => {
    throw new SafetensorsError(path, problem);
  };
  if (metadata[SPEC_KEY] === undefined) return legacyTwoLayerNet(path, tensors, metadata, dtype);
  let json: unknown;
  try {
    json = JSON.parse(metadata[SPEC_KEY]);
  } catch {
    return fail(`metadata '${SPEC_KEY}' is not valid JSON (the file is damaged)`);
  }
  const saved = parseNetworkSpec(json, fail);
  const expected = specTensorShapes(saved);
  const what = describeNetwork(saved);
  // Every tensor checked against the spec before the network is built: the file's own
  // bytes bound what is allocated, whatever the spec claims.
  for (const [name, shape] of Object.entries(expected)) {
    const t = tensors[name];
    if (!t) fail(`has no tensor '${name}' (its ${what} needs ${Object.keys(expected).join(', ')})`);
    if (t!.shape.length !== shape.length || t!.shape.some((d, i) => d !== shape[i])) fail(`${name} has shape ${briefJson(t!.shape)}, expected ${formatShape(shape)} for its ${what}`);
  }
  for (const name of Object.keys(tensors)) if (!(name in expected)) fail(`has a tensor '${printable(name, 80)}' that its ${what} does not have`);
  const fileDtypes = new Set(Object.keys(expected).map((name) => tensors[name]!.dtype));
  if (fileDtypes.size !== 1) fail(`mixes dtypes (${[...fileDtypes].join(', ')})`);
  checkFinite(fail, tensors, Object.keys(expected));
  const spec = { ...saved, dtype: dtype ?? tensors.W1!.dtype };
  const network = buildNetwork(spec);
  const targets = { ...network.params, ...(network.buffers?.() ?? {}) };
  for (const name of Object.keys(expected)) targets[name]!.data.set(tensors[name]!.data);
  return { network, spec: network.spec(), metadata };
}

/** A file without a spec: a TwoLayerNet, its sizes read from the shapes of W1 b1 W2 b2. */
function legacyTwoLayerNet(path: string, tensors: Record<string, SafetensorsTensor>, metadata: Record<string, string>, dtype?: DType): LoadedNetwork {
  const fail = (problem: string): never => {
    throw new SafetensorsError(path, problem);
  };
  if (metadata.kind !== undefined && metadata.kind !== 'TwoLayerNet') fail(`holds a "${printable(metadata.kind, 80)}", not a TwoLayerNet`);
  for (const name of PARAM_NAMES) if (!tensors[name]) fail(`has no tensor '${name}' (a TwoLayerNet needs ${PARAM_NAMES.join(', ')})`);
  const { W1, b1, W2, b2 } = tensors as Record<'W1' | 'b1' | 'W2' | 'b2', SafetensorsTensor>;
  if (W1.shape.length !== 2 || W2.shape.length !== 2) fail(`W1 ${briefJson(W1.shape)} and W2 ${briefJson(W2.shape)} must be 2-d`);
  const [inputSize, hiddenSize] = W1.shape as [number, number];
  const outputSize = W2.shape[1]!;
  const expect = (name: string, t: SafetensorsTensor, shape: number[]): void => {
    if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) fail(`${name} has shape ${briefJson(t.shape)}, expected ${formatShape(shape)} to fit W1 ${formatShape(W1.shape)}`);
  };
  expect('b1', b1, [hiddenSize]);
  expect('W2', W2, [hiddenSize, outputSize]);
  expect('b2', b2, [outputSize]);
  // An empty layer makes a network that cannot classify anything; say so here rather
  // than let the TwoLayerNet constructor complain without naming the file.
  for (const [what, size] of [['input', inputSize], ['hidden', hiddenSize], ['output', outputSize]] as const) {
    if (size < 1) fail(`${what} size is 0 (W1 ${formatShape(W1.shape)}, W2 ${formatShape(W2.shape)}); a TwoLayerNet needs at least one unit per layer`);
  }
  const fileDtypes = new Set([W1.dtype, b1.dtype, W2.dtype, b2.dtype]);
  if (fileDtypes.size !== 1) fail(`mixes dtypes (${[...fileDtypes].join(', ')})`);
  checkFinite(fail, tensors, PARAM_NAMES);
  const network = new TwoLayerNet(inputSize, hiddenSize, outputSize, { dtype: dtype ?? W1.dtype, weightInitStd: 0 });
  for (const name of PARAM_NAMES) network.params[name].data.set(tensors[name]!.data);
  return { network, spec: network.spec(), metadata };
}

/**
 * NaN or ±Infinity weights (a diverged run) would make every prediction NaN, and ReLU
 * can hide them from the loss; refuse them where they are found.
 */
function checkFinite(fail: (problem: string) => never, tensors: Record<string, SafetensorsTensor>, names: readonly string[]): void {
  for (const name of names) {
    const bad = nonFinite(tensors[name]!);
    if (bad !== undefined) fail(`${name} has ${bad.count} non-finite value${bad.count === 1 ? '' : 's'} (first at ${bad.first}: ${bad.value})`);
  }
}

/** How many values of t are NaN or infinite, and where the first is (as [i, j]). */
export function nonFinite(t: SafetensorsTensor): { count: number; first: string; value: number } | undefined {
  const bad = countNonFinite(t.data);
  return bad && { count: bad.count, first: formatShape(unravel(bad.first, t.shape)), value: bad.value };
}

function unravel(index: number, shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    out[d] = index % shape[d]!;
    index = Math.floor(index / shape[d]!);
  }
  return out;
}
