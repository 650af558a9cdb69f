import type { DType } from '../backend/backend.js';
import { PARAM_NAMES, TwoLayerNet } from '../nets/two_layer_net.js';
import { formatShape } from '../tensor/shape.js';
import { NABLA_VERSION } from '../version.js';
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
  if (metadata.kind !== undefined && metadata.kind !== 'TwoLayerNet') fail(`holds a '${metadata.kind}', not a TwoLayerNet`);
  for (const name of PARAM_NAMES) if (!tensors[name]) fail(`has no tensor '${name}' (a TwoLayerNet needs ${PARAM_NAMES.join(', ')})`);
  const { W1, b1, W2, b2 } = tensors as Record<'W1' | 'b1' | 'W2' | 'b2', SafetensorsTensor>;
  if (W1.shape.length !== 2 || W2.shape.length !== 2) fail(`W1 ${formatShape(W1.shape)} and W2 ${formatShape(W2.shape)} must be 2-d`);
  const [inputSize, hiddenSize] = W1.shape as [number, number];
  const outputSize = W2.shape[1]!;
  const expect = (name: string, t: SafetensorsTensor, shape: number[]): void => {
    if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) fail(`${name} has shape ${formatShape(t.shape)}, expected ${formatShape(shape)} to fit W1 ${formatShape(W1.shape)}`);
  };
  expect('b1', b1, [hiddenSize]);
  expect('W2', W2, [hiddenSize, outputSize]);
  expect('b2', b2, [outputSize]);
  const fileDtypes = new Set([W1.dtype, b1.dtype, W2.dtype, b2.dtype]);
  if (fileDtypes.size !== 1) fail(`mixes dtypes (${[...fileDtypes].join(', ')})`);
  const network = new TwoLayerNet(inputSize, hiddenSize, outputSize, { dtype: dtype ?? W1.dtype, weightInitStd: 0 });
  for (const name of PARAM_NAMES) network.params[name].data.set(tensors[name]!.data);
  return { network, metadata };
}
