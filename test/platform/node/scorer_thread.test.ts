// The Node scoring thread: the accuracies of the weights as they were when score() was
// called, the bits the main thread computes, answered in order; and when the thread
// fails, every evaluation still scored, on the main thread, with the reason said once.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getBackend } from '../../../src/backend/index.js';
import { TwoLayerNet } from '../../../src/nets/two_layer_net.js';
import { ThreadScorer } from '../../../src/platform/node/scorer_thread.js';
import { ByteImages } from '../../../src/tensor/byte_images.js';
import { Random } from '../../../src/tensor/random.js';
import { BlockScorer } from '../../../src/train/images.js';

function images(rows: number, seed: number): ByteImages {
  const bytes = getBackend().allocBytes(rows * 64);
  const random = new Random(seed);
  for (let i = 0; i < bytes.length; i++) bytes[i] = random.uniform() < 0.7 ? 0 : Math.floor(random.uniform() * 256);
  return new ByteImages(bytes, [rows, 64], 1 / 255, 'float64');
}

const sets = {
  xTrain: images(300, 1),
  trainLabels: Int32Array.from({ length: 300 }, (_, i) => i % 10),
  xTest: images(100, 2),
  testLabels: Int32Array.from({ length: 100 }, (_, i) => (i * 3) % 10),
};

function here(network: TwoLayerNet): { trainAcc: number; testAcc: number } {
  const scorer = new BlockScorer();
  return { trainAcc: scorer.accuracy(network, sets.xTrain, sets.trainLabels), testAcc: scorer.accuracy(network, sets.xTest, sets.testLabels) };
}

describe('ThreadScorer', () => {
  it('scores the weights as they were when asked, with the main thread\'s bits, in order', async () => {
    const scorer = new ThreadScorer(sets);
    try {
      const network = new TwoLayerNet(64, 16, 10, { weightInitStd: 0.5, seed: 3 });
      const expected = [];
      const pending = [];
      for (let round = 0; round < 3; round++) {
        expected.push(here(network));
        pending.push(scorer.score(network));
        assert.equal(scorer.idle, false);
        // Training goes on at once: the thread must score the copy, not these.
        network.params.W1.data.forEach((w, i, W) => (W[i] = w + 0.05 * Math.sin(i + round)));
      }
      assert.deepEqual(await Promise.all(pending), expected);
      assert.equal(scorer.idle, true);
      assert.equal(scorer.fallbackReason, undefined);
      assert.ok(expected[0]!.trainAcc !== expected[2]!.trainAcc || expected[0]!.testAcc !== expected[2]!.testAcc, 'the rounds differ');
    } finally {
      await scorer.close();
    }
  });

  it('scores on the main thread, saying why once, when the thread stops', async () => {
    const reasons: string[] = [];
    const scorer = new ThreadScorer(sets, (reason) => reasons.push(reason));
    try {
      const network = new TwoLayerNet(64, 16, 10, { weightInitStd: 0.5, seed: 4 });
      const first = scorer.score(network);
      // The thread dies with the evaluation unanswered (as an out-of-memory kill would).
      await (scorer as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
      const second = scorer.score(network);
      assert.deepEqual(await first, here(network));
      assert.deepEqual(await second, here(network));
      assert.equal(reasons.length, 1);
      assert.match(reasons[0]!, /^the scoring thread exited \(code \d+\)$/);
      assert.equal(scorer.idle, true);
    } finally {
      await scorer.close();
    }
  });

  it('refuses float images and one-hot labels with one clear error', () => {
    assert.throws(() => new ThreadScorer({ ...sets, xTest: sets.xTest.toFloats() as never }), /^TypeError: ThreadScorer: the images must be ByteImages \(loadMnistBytes\)$/);
    assert.throws(() => new ThreadScorer({ ...sets, testLabels: sets.xTest.toFloats() }), /^TypeError: ThreadScorer: the labels must be Int32Arrays of class indices$/);
  });

  it('close() rejects what is still unanswered and refuses more', async () => {
    const scorer = new ThreadScorer(sets);
    const network = new TwoLayerNet(64, 16, 10, { weightInitStd: 0.5, seed: 5 });
    const unanswered = assert.rejects(scorer.score(network), /ThreadScorer: closed before the evaluation was scored/);
    await scorer.close();
    await unanswered;
    await assert.rejects(scorer.score(network), /ThreadScorer: closed/);
  });
});
