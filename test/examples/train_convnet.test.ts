import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { trainConvnet } from '../../examples/train_convnet.js';

describe("examples/train_convnet (the book's ch07/train_convnet.py, shortened)", () => {
  it('prints an evaluation per epoch and the final accuracy on all test images, and learns', () => {
    const lines: string[] = [];
    const { testAcc } = trainConvnet((line) => lines.push(line), { maxEpochs: 2, trainSize: 2000, dtype: 'float32' });
    assert.equal(lines.filter((l) => l.startsWith('=== epoch:')).length, 2);
    assert.equal(lines.at(-1), `test acc:${testAcc}`);
    // Chance is 10%; 40 Adam steps get about 76%.
    assert.ok(testAcc > 0.6, `test accuracy ${testAcc} after 40 iterations`);
  });
});
