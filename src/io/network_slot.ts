import type { DType } from '../backend/backend.js';
import type { Network } from '../nets/network.js';
import type { Tensor } from '../tensor/tensor.js';
import { decodeSafetensors } from './safetensors.js';
import { MODEL_HEADER_BYTES, networkFromTensors, SPEC_KEY } from './model.js';

/**
 * Decodes model-file bytes into one network kept from call to call: bytes with the same
 * spec have their tensors copied into it, so a thread scoring a snapshot per epoch builds
 * the network (and its layers' activation buffers, megabytes when scoring 10000 rows at a
 * time) once, and its memory stays flat however long the run. Other bytes build a new one.
 */
export class NetworkSlot {
  private current: { spec: string; network: Network; tensors: Record<string, Tensor> } | undefined;

  constructor(private readonly dtype?: DType) {}

  load(bytes: Uint8Array, source = '<model>'): Network {
    const { tensors, metadata } = decodeSafetensors(bytes, source, MODEL_HEADER_BYTES);
    const spec = metadata[SPEC_KEY];
    const kept = this.current;
    if (kept && spec !== undefined && kept.spec === spec && fits(kept.tensors, tensors)) {
      for (const [name, t] of Object.entries(tensors)) kept.tensors[name]!.data.set(t.data);
      return kept.network;
    }
    const { network } = networkFromTensors(source, tensors, metadata, this.dtype);
    this.current = spec === undefined ? undefined : { spec, network, tensors: { ...network.params, ...(network.buffers?.() ?? {}) } };
    return network;
  }
}

/** Whether every tensor of the file has a tensor of the same name, type and size to go into, and no other is left out. */
function fits(into: Record<string, Tensor>, from: Record<string, { dtype: DType; data: ArrayLike<number> }>): boolean {
  const names = Object.keys(from);
  if (names.length !== Object.keys(into).length) return false;
  return names.every((name) => into[name] !== undefined && into[name]!.dtype === from[name]!.dtype && into[name]!.size === from[name]!.data.length);
}
