import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { activationHistograms, BINS, histogram, HISTOGRAM_CASES } from '../../src/experiments/activation_histograms.js';

describe('activation histograms (figures 6-10 to 6-14)', () => {
  it('bins values in [0, 1] into 30 equal bins, 1 in the last', () => {
    const counts = histogram([0, 0.01, 1 / 30, 0.5, 0.999, 1, -0.1, 1.5, Number.NaN]);
    assert.equal(counts.length, BINS);
    assert.equal(counts[0], 2);
    assert.equal(counts[1], 1);
    assert.equal(counts[15], 1);
    assert.equal(counts[29], 2);
    assert.equal(counts.reduce((a, b) => a + b, 0), 6);
  });

  it("shows the book's findings: sigmoid std 1 saturates at 0 and 1, std 0.01 crowds at 0.5, Xavier spreads", () => {
    const hists = activationHistograms(42, 'float64');
    assert.deepEqual(hists.map((h) => h.case), HISTOGRAM_CASES.map((c) => `${c.activation}, ${c.init}`));
    const total = 1000 * 100;
    const last = (name: string): number[] => hists.find((h) => h.case === name)!.layers[4]!;
    const saturated = last('sigmoid, std=1');
    assert.ok(saturated[0]! + saturated[29]! > 0.5 * total, 'std 1: over half at the ends');
    const crowded = last('sigmoid, std=0.01');
    assert.ok(crowded.slice(13, 17).reduce((a, b) => a + b, 0) >= 0.99 * total, 'std 0.01: nearly all within 0.07 of 0.5');
    const xavier = last('sigmoid, Xavier');
    assert.ok(xavier.filter((n) => n > 0).length >= 10 && Math.max(...xavier) < 0.5 * total, 'Xavier: spread over many bins');
    // ReLU with He keeps activations alive in the last layer; with std 0.01 they vanish to 0.
    const he = last('relu, He');
    const tiny = last('relu, std=0.01');
    assert.ok(he.slice(1).reduce((a, b) => a + b, 0) > 10 * tiny.slice(1).reduce((a, b) => a + b, 0));
  });
});
