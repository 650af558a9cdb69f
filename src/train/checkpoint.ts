import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { DType } from '../backend/backend.js';
import { writeFileAtomic } from '../io/atomic.js';
import { loadNetwork, saveNetwork } from '../io/model.js';
import type { TwoLayerNet } from '../nets/two_layer_net.js';
import type { TrainConfig, TrainState } from './train.js';

export const CHECKPOINT_STATE = 'checkpoint.json';
const FORMAT = 'nabla-checkpoint-1';

/** Everything needed to rebuild the run: how the network and data were set up, and the loop's settings. */
export interface RunSetup {
  hidden: number;
  weightInitStd: number;
  dtype: DType;
  dataDir: string;
  train: TrainConfig;
}

export interface Checkpoint {
  setup: RunSetup;
  state: TrainState;
  network: TwoLayerNet;
}

const WEIGHTS_FILE = /^checkpoint-(\d+)\.safetensors$/;

/** The weights file of the checkpoint taken after `iteration` iterations. */
export function checkpointWeightsFile(iteration: number): string {
  return `checkpoint-${iteration}.safetensors`;
}

/**
 * Saves the weights under a name of their own (checkpoint-N.safetensors), then the
 * loop's state, which names that file, each atomically; older weights are removed only
 * after that. A crash at any point leaves the previous consistent pair, or the new one.
 */
export async function saveCheckpoint(dir: string, network: TwoLayerNet, setup: RunSetup, state: TrainState): Promise<string> {
  const weights = checkpointWeightsFile(state.iteration);
  await saveNetwork(network, join(dir, weights), { iteration: String(state.iteration) });
  await writeFileAtomic(join(dir, CHECKPOINT_STATE), `${JSON.stringify({ format: FORMAT, weights, setup, state })}\n`);
  for (const name of await readdir(dir)) {
    if (name !== weights && WEIGHTS_FILE.test(name)) await rm(join(dir, name), { force: true });
  }
  return dir;
}

export async function loadCheckpoint(dir: string): Promise<Checkpoint> {
  const statePath = join(dir, CHECKPOINT_STATE);
  let text: string;
  try {
    text = await readFile(statePath, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(`${statePath}: ${code === 'ENOENT' ? 'no checkpoint here (train with --checkpoint-every, or give the folder of an earlier run)' : `cannot read (${code})`}`);
  }
  let parsed: { format?: unknown; weights?: unknown; setup?: RunSetup; state?: TrainState };
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    throw new Error(`${statePath}: not valid JSON (the checkpoint is damaged)`);
  }
  if (parsed.format !== FORMAT || !parsed.setup || !parsed.state) throw new Error(`${statePath}: not a nabla checkpoint (format ${String(parsed.format)})`);
  const { setup, state } = parsed;
  if (!Number.isInteger(state.iteration) || !Array.isArray(state.losses) || state.losses.length !== state.iteration) {
    throw new Error(`${statePath}: inconsistent state (iteration ${state.iteration}, ${state.losses?.length} losses)`);
  }
  if (typeof parsed.weights !== 'string' || !WEIGHTS_FILE.test(parsed.weights)) throw new Error(`${statePath}: names no valid weights file (${String(parsed.weights)})`);
  const weightsPath = join(dir, parsed.weights);
  const { network, metadata } = await loadNetwork(weightsPath, setup.dtype);
  if (metadata.iteration !== String(state.iteration)) {
    throw new Error(`${weightsPath}: weights are from iteration ${metadata.iteration} but ${CHECKPOINT_STATE} is at iteration ${state.iteration}`);
  }
  return { setup, state, network };
}
