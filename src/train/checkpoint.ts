import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DType } from '../backend/backend.js';
import { writeFileAtomic } from '../io/atomic.js';
import { loadNetwork, saveNetwork } from '../io/model.js';
import type { TwoLayerNet } from '../nets/two_layer_net.js';
import type { TrainConfig, TrainState } from './train.js';

export const CHECKPOINT_WEIGHTS = 'checkpoint.safetensors';
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

/**
 * Saves weights, then the loop's state, each atomically. The state names the iteration
 * its weights belong to; loading checks the two agree, so a crash between the two
 * writes is detected instead of resuming from mismatched halves.
 */
export async function saveCheckpoint(dir: string, network: TwoLayerNet, setup: RunSetup, state: TrainState): Promise<string> {
  await saveNetwork(network, join(dir, CHECKPOINT_WEIGHTS), { iteration: String(state.iteration) });
  await writeFileAtomic(join(dir, CHECKPOINT_STATE), `${JSON.stringify({ format: FORMAT, setup, state })}\n`);
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
  let parsed: { format?: unknown; setup?: RunSetup; state?: TrainState };
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
  const weightsPath = join(dir, CHECKPOINT_WEIGHTS);
  const { network, metadata } = await loadNetwork(weightsPath, setup.dtype);
  if (metadata.iteration !== String(state.iteration)) {
    throw new Error(`${weightsPath}: weights are from iteration ${metadata.iteration} but ${CHECKPOINT_STATE} is at iteration ${state.iteration}`);
  }
  return { setup, state, network };
}
