// Model files on disk (Node). What a model file holds, and how it is checked, is in model.ts.

import type { DType } from '../backend/backend.js';
import type { Network } from '../nets/network.js';
import { MODEL_HEADER_BYTES, networkFromTensors, networkMetadata, networkTensors, type LoadedNetwork } from './model.js';
import { readSafetensorsFile, writeSafetensorsFile } from './safetensors_file.js';

/** Saves the network's parameters and buffers as safetensors, atomically, with its spec in the metadata. */
export async function saveNetwork(network: Network, path: string, extra: Record<string, string> = {}): Promise<void> {
  await writeSafetensorsFile(path, networkTensors(network), { ...extra, ...networkMetadata(network) });
}

/**
 * Rebuilds the network a safetensors file written by saveNetwork holds, from the spec in
 * its metadata. A file without one (written before nabla saved specs, or by anyone else
 * with tensors W1 [in, hidden], b1 [hidden], W2 [hidden, out], b2 [out]) is a TwoLayerNet.
 * `dtype` converts on load; by default the file's dtype is kept.
 */
export async function loadNetwork(path: string, dtype?: DType): Promise<LoadedNetwork> {
  const { tensors, metadata } = await readSafetensorsFile(path, { maxHeaderBytes: MODEL_HEADER_BYTES });
  return networkFromTensors(path, tensors, metadata, dtype);
}

