import type { DType } from '../backend/backend.js';
import { PARAM_NAMES, TwoLayerNet } from '../nets/two_layer_net.js';
import { countNonFinite } from '../tensor/finite.js';
import { formatShape } from '../tensor/shape.js';
import { NABLA_VERSION } from '../version.js';
import { briefJson, printable } from './printable.js';
import { readSafetensorsFile, SafetensorsError, writeSafetensorsFile, type SafetensorsTensor } from './safetensors.js';

/** Saves the network's parameters (W1 b1 W2 b2) as safetensors, atomically. */
export async function saveNetwork(network: TwoLayerNet, path: string, extra: Record<string, string> = {}): Promise<void> {
  const tensors: Record<string, SafetensorsTensor> = {};
  for (const name of PARAM_NAMES) {
    const p = network.params[name];
    tensors[name] = { dtype: p.dtype, shape: [...p.shape], data: p.data };
  }
  await writeSafetensorsFile(path, tensors, {
    ...extra,
    kind: 'TwoLayerNet',
    inputSize: String(network.inputSize),
    hiddenSize: String(network.hiddenSize),
    outputSize: String(network.outputSize),
    dtype: network.dtype,
    nablaVersion: NABLA_VERSION,
  });
}

export interface LoadedNetwork {
  network: TwoLayerNet;
  metadata: Record<string, string>;
}

/**
 * Rebuilds a TwoLayerNet from a safetensors file written by saveNetwork (or by anyone
 * else with tensors W1 [in, hidden], b1 [hidden], W2 [hidden, out], b2 [out]).
 * `dtype` converts on load; by default the file's dtype is kept.
 */
export async function loadNetwork(path: string, dtype?: DType): Promise<LoadedNetwork> {
  const { tensors, metadata } = await readSafetensorsFile(path);
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
  // NaN or ±Infinity weights (a diverged run) would make every prediction NaN, and ReLU
  // can hide them from the loss; refuse them where they are found.
  for (const name of PARAM_NAMES) {
    const bad = nonFinite(tensors[name]!);
    if (bad !== undefined) fail(`${name} has ${bad.count} non-finite value${bad.count === 1 ? '' : 's'} (first at ${bad.first}: ${bad.value})`);
  }
  const network = new TwoLayerNet(inputSize, hiddenSize, outputSize, { dtype: dtype ?? W1.dtype, weightInitStd: 0 });
  for (const name of PARAM_NAMES) network.params[name].data.set(tensors[name]!.data);
  return { network, metadata };
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
