import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { trainNeuralnet } from '../../examples/train_neuralnet.js';

describe('examples/train_neuralnet (the book-style loop the README lists)', () => {
  it('runs all 10000 iterations and prints the 17 evaluations, as the notes do', () => {
    const lines: string[] = [];
    trainNeuralnet((line) => lines.push(line));
    assert.equal(lines.length, 17);
    const [trainAcc, testAcc] = lines.at(-1)!.split(' ').map(Number) as [number, number];
    assert.ok(trainAcc > 0.96 && testAcc > 0.96, `final line: ${lines.at(-1)}`);
  });
});
