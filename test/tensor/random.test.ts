import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Random } from '../../src/tensor/random.js';

describe('Random.setState', () => {
  it('refuses the all-zero xoshiro state, which would draw 0 forever', () => {
    const rng = new Random(1);
    assert.throws(() => rng.setState({ s: [0, 0, 0, 0], spareNormal: null }), /all zeros/);
    // Still usable and not stuck after the refusal.
    const draws = new Set(Array.from({ length: 20 }, () => rng.int(60000)));
    assert.ok(draws.size > 1);
  });

  it('refuses a non-finite spare normal deviate', () => {
    assert.throws(() => new Random(1).setState({ s: [1, 2, 3, 4], spareNormal: Number.NaN }), /spareNormal/);
  });
});
