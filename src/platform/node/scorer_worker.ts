// The scoring thread (scorer_thread.ts): copies the sets into its own backend memory,
// then answers each evaluation, in order, with the accuracies of the weights it was sent.

import './register.js';
import { parentPort, workerData } from 'node:worker_threads';
import { getBackend, setBackend } from '../../backend/index.js';
import { ByteImages } from '../../tensor/byte_images.js';
import { NetworkSlot } from '../../io/network_slot.js';
import { BlockScorer } from '../../train/images.js';
import type { ScoreReply, ScorerInit, SetMessage } from './scorer_thread.js';

const init = workerData as ScorerInit;
// One thread: the training thread keeps the rest of the cores.
setBackend(init.backend, init.backend === 'wasm' ? { threads: 1 } : {});

function ownCopy(set: SetMessage): ByteImages {
  const bytes = getBackend().allocBytes(set.bytes.length);
  bytes.set(set.bytes);
  return new ByteImages(bytes, set.shape, set.scale, init.dtype);
}

const xTrain = ownCopy(init.train);
const xTest = ownCopy(init.test);
const scorer = new BlockScorer();
const slot = new NetworkSlot(init.dtype); // one network for the run, its weights replaced per evaluation

parentPort?.on('message', ({ id, model }: { id: number; model: Uint8Array }) => {
  let reply: ScoreReply;
  try {
    const network = slot.load(model, 'the evaluation weights');
    reply = { id, trainAcc: scorer.accuracy(network, xTrain, init.train.labels), testAcc: scorer.accuracy(network, xTest, init.test.labels) };
  } catch (error) {
    reply = { id, error: error instanceof Error ? error.message : String(error) };
  }
  Atomics.sub(init.owed, 0, 1);
  parentPort?.postMessage(reply);
});
