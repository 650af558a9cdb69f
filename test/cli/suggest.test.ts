import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { closest, editDistance } from '../../src/cli/suggest.js';

describe('editDistance', () => {
  it('counts insertions, deletions, substitutions and neighbour swaps as one edit each', () => {
    assert.equal(editDistance('train', 'train'), 0);
    assert.equal(editDistance('trian', 'train'), 1);
    assert.equal(editDistance('tran', 'train'), 1);
    assert.equal(editDistance('trains', 'train'), 1);
    assert.equal(editDistance('traim', 'train'), 1);
    assert.equal(editDistance('', 'apple'), 5);
    assert.equal(editDistance('kitten', 'sitting'), 3);
    assert.equal(editDistance('ca', 'abc'), 3); // a swap is not edited again (optimal string alignment)
  });
});

describe('closest', () => {
  const commands = ['apple', 'evaluate', 'gradcheck', 'predict', 'train'];
  it('names the command a typo was most likely meant to be', () => {
    assert.equal(closest('trian', commands), 'train');
    assert.equal(closest('predcit', commands), 'predict');
    assert.equal(closest('evalute', commands), 'evaluate');
    assert.equal(closest('gradchek', commands), 'gradcheck');
    assert.equal(closest('aple', commands), 'apple');
  });

  it('names nothing when no command is near', () => {
    assert.equal(closest('fly', commands), undefined);
    assert.equal(closest('tr', commands), undefined);
    assert.equal(closest('', commands), undefined);
    assert.equal(closest('trainingrun', commands), undefined);
  });
});
