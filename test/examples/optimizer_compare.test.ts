import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareOptimizers } from '../../examples/optimizer_compare.js';

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('examples/optimizer_compare (the book\'s chapter 6 comparison, shortened)', () => {
  it('Momentum, AdaGrad and Adam end with a lower loss than SGD after a few hundred iterations', () => {
    const lines: string[] = [];
    const losses = compareOptimizers((line) => lines.push(line), { iters: 300, hiddenSizeList: [50, 50, 50, 50], printEvery: 100 });
    assert.deepEqual(lines.filter((l) => l.startsWith('=')), ['===========iteration:0===========', '===========iteration:100===========', '===========iteration:200===========']);
    const last = Object.fromEntries(Object.entries(losses).map(([k, l]) => [k, mean(l.slice(-50))]));
    for (const better of ['Momentum', 'AdaGrad', 'Adam']) assert.ok(last[better]! < last.SGD!, `${better} ${last[better]} vs SGD ${last.SGD}`);
    assert.ok(last.SGD! < mean(losses.SGD!.slice(0, 10)), 'SGD learns too, only slower');
  });
});
