// The Trainer with its evaluations scored elsewhere (TrainerOptions.background): the same
// history as scoring in turn, recorded in order as the scores arrive, and nothing read
// from the history before settle() says every evaluation is in.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TrainableNetwork } from '../../src/nets/network.js';
import { TwoLayerNet } from '../../src/nets/two_layer_net.js';
import { Random } from '../../src/tensor/random.js';
import { Tensor } from '../../src/tensor/tensor.js';
import type { Accuracies, BackgroundScorer } from '../../src/train/background_scorer.js';
import { BlockScorer } from '../../src/train/images.js';
import { Trainer, type EpochResult, type TrainData } from '../../src/train/train.js';

function data(): TrainData {
  const rng = new Random(5);
  const x = Tensor.randn([40, 6], rng);
  const labels = Int32Array.from({ length: 40 }, (_, i) => i % 3);
  return { xTrain: x, trainLabels: labels, xTest: x.slice(0, 20), testLabels: labels.subarray(0, 20) };
}
const net = (): TwoLayerNet => new TwoLayerNet(6, 4, 3, { weightInitStd: 0.3, seed: 1 });
const config = { iters: 23, batchSize: 5, learningRate: 0.5, seed: 3, evalEvery: 5 };

/** Scores a copy of the weights later, on a timer, each one slower than the next, so answers come while training goes on. */
class LaterScorer implements BackgroundScorer {
  calls = 0;
  private readonly scorer = new BlockScorer();
  constructor(private readonly d: TrainData, private readonly failAt = -1) {}
  score(network: TrainableNetwork): Promise<Accuracies> {
    const copy = net();
    for (const [key, value] of Object.entries(network.params)) (copy.params as Record<string, Tensor>)[key]!.data.set(value.data);
    const call = this.calls++;
    return new Promise((resolve, reject) => {
      setTimeout(() => {
        if (call === this.failAt) reject(new Error('scorer broke'));
        else resolve({ trainAcc: this.scorer.accuracy(copy, this.d.xTrain, this.d.trainLabels), testAcc: this.scorer.accuracy(copy, this.d.xTest, this.d.testLabels) });
      }, 5 * (5 - call));
    });
  }
}

describe('background scoring in the Trainer', () => {
  it('records the same evaluations as scoring in turn, in order, once settled', async () => {
    const d = data();
    const inTurn = new Trainer(net(), d, config);
    while (inTurn.step());
    const seen: EpochResult[] = [];
    const scorer = new LaterScorer(d);
    const trainer = new Trainer(net(), d, config, { onEpochEnd: (r) => seen.push(r) }, undefined, { background: scorer });
    while (trainer.step());
    assert.equal(scorer.calls, 5);
    assert.ok(trainer.pendingEvaluations > 0, 'the scores arrive later');
    assert.throws(() => trainer.result(), /Trainer\.result: \d evaluation\(s\) are still being scored in the background; await settle\(\) first/);
    assert.throws(() => trainer.snapshot(), /await settle\(\) first/);
    await trainer.settle();
    assert.equal(trainer.pendingEvaluations, 0);
    const expected = inTurn.result().epochs;
    const got = trainer.result().epochs;
    const strip = (e: EpochResult): Omit<EpochResult, 'seconds'> => ({ epoch: e.epoch, iteration: e.iteration, trainAcc: e.trainAcc, testAcc: e.testAcc, loss: e.loss });
    assert.deepEqual(got.map(strip), expected.map(strip));
    assert.deepEqual(seen.map((e) => e.epoch), [0, 1, 2, 3, 4]);
    assert.deepEqual(trainer.result().losses, inTurn.result().losses);
  });

  it('settle() rethrows a failed evaluation once, and the others are still recorded', async () => {
    const d = data();
    const trainer = new Trainer(net(), d, config, {}, undefined, { background: new LaterScorer(d, 2) });
    while (trainer.step());
    await assert.rejects(trainer.settle(), /scorer broke/);
    await trainer.settle();
    assert.deepEqual(trainer.result().epochs.map((e) => e.epoch), [0, 1, 3, 4]);
  });

  it('refuses an unknown option', () => {
    assert.throws(() => new Trainer(net(), data(), config, {}, undefined, { backgroud: {} } as never), /Trainer: unknown option 'backgroud'/);
  });
});
