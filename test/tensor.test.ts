import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { add, argmax, broadcast, div, matmul, max, mean, mul, sub, sum, sumTo, transpose } from '../src/tensor/ops.js';
import { Random } from '../src/tensor/random.js';
import { Tensor } from '../src/tensor/tensor.js';
import { assertClose, randomTensor } from './helpers.js';

describe('Tensor', () => {
  it('builds from nested arrays and gives them back', () => {
    const t = Tensor.from([[1, 2, 3], [4, 5, 6]]);
    assert.deepEqual(t.shape, [2, 3]);
    assert.equal(t.dtype, 'float64');
    assert.deepEqual(t.toArray(), [[1, 2, 3], [4, 5, 6]]);
    assert.equal(Tensor.from([1, 2], 'float32').dtype, 'float32');
    assert.equal(Tensor.from(7).item(), 7);
  });

  it('rejects ragged and non-numeric input with the path', () => {
    assert.throws(() => Tensor.from([[1, 2], [3]]), /ragged nested array at \[1\]/);
    assert.throws(() => Tensor.from([[1, 'x' as unknown as number]]), /expected a number at \[0\]\[1\]/);
  });

  it('reshapes without copying and infers -1', () => {
    const t = Tensor.from([[1, 2, 3], [4, 5, 6]]);
    const r = t.reshape(3, -1);
    assert.deepEqual(r.shape, [3, 2]);
    r.data[0] = 42;
    assert.equal(t.get(0, 0), 42, 'reshape shares storage');
    assert.throws(() => t.reshape(4, 2), /cannot reshape \[2, 3\] \(6 values\) into \[4, 2\]/);
  });

  it('slices rows as views', () => {
    const t = Tensor.from([[1, 2], [3, 4], [5, 6]]);
    const s = t.slice(1, 3);
    assert.deepEqual(s.toArray(), [[3, 4], [5, 6]]);
    s.set(9, 0, 0);
    assert.equal(t.get(1, 0), 9);
    assert.throws(() => t.slice(2, 5), /out of range for shape \[3, 2\]/);
  });

  it('draws reproducible normal values from a seed', () => {
    const a = Tensor.randn([1000], 7);
    const b = Tensor.randn([1000], 7);
    assert.deepEqual(a.data, b.data);
    assert.notDeepEqual(a.data, Tensor.randn([1000], 8).data);
    const m = mean(a).item();
    const v = mean(mul(sub(a, m), sub(a, m))).item();
    assert.ok(Math.abs(m) < 0.1 && Math.abs(v - 1) < 0.1, `mean ${m}, variance ${v}`);
  });
});

describe('matmul', () => {
  const naive = (a: number[][], b: number[][]): number[][] =>
    a.map((row) => b[0]!.map((_, j) => row.reduce((acc, x, p) => acc + x * b[p]![j]!, 0)));

  for (const [m, k, n] of [[1, 1, 1], [3, 5, 2], [17, 31, 3], [100, 785, 10]] as const) {
    it(`agrees with the definition for ${m}×${k}·${k}×${n} in every transpose combination`, () => {
      const rng = new Random(m * 1000 + n);
      const a = randomTensor([m, k], rng);
      const b = randomTensor([k, n], rng);
      const expected = naive(a.toArray() as number[][], b.toArray() as number[][]).flat();
      assertClose(matmul(a, b).data, expected, 1e-12, 'NN');
      assertClose(matmul(transpose(a), b, { transA: true }).data, expected, 1e-12, 'TN');
      assertClose(matmul(a, transpose(b), { transB: true }).data, expected, 1e-12, 'NT');
      assertClose(matmul(transpose(a), transpose(b), { transA: true, transB: true }).data, expected, 1e-12, 'TT');
    });
  }

  it('names both shapes when they do not fit', () => {
    assert.throws(() => matmul(Tensor.zeros([2, 3]), Tensor.zeros([4, 5])), /\[2, 3\] · \[4, 5\] \(3 ≠ 4\)/);
    assert.throws(() => matmul(Tensor.zeros([2, 3]), Tensor.zeros([3, 5], 'float32')), /dtypes differ/);
  });
});

describe('element-wise ops and reductions', () => {
  it('broadcasts a row over a batch and scalars', () => {
    const x = Tensor.from([[1, 2, 3], [4, 5, 6]]);
    assert.deepEqual(add(x, Tensor.from([10, 20, 30])).toArray(), [[11, 22, 33], [14, 25, 36]]);
    assert.deepEqual(mul(x, 2).toArray(), [[2, 4, 6], [8, 10, 12]]);
    assert.deepEqual(div(1, Tensor.from([1, 2, 4])).toArray(), [1, 0.5, 0.25]);
    assert.deepEqual(sub(x, Tensor.from([[1], [4]])).toArray(), [[0, 1, 2], [0, 1, 2]]);
    assert.throws(() => add(x, Tensor.from([1, 2])), /shapes \[2, 3\] and \[2\] cannot be broadcast/);
  });

  it('broadcasts in general n-d', () => {
    const a = Tensor.from([[[1], [2]]]); // [1, 2, 1]
    const b = Tensor.from([[10, 20, 30]]); // [1, 3]
    assert.deepEqual(broadcast(a, b, (x, y) => x + y, 'add').toArray(), [[[11, 21, 31], [12, 22, 32]]]);
  });

  it('reduces along an axis or over everything', () => {
    const x = Tensor.from([[1, 5, 3], [4, 2, 6]]);
    assert.deepEqual(sum(x, 0).toArray(), [5, 7, 9]);
    assert.deepEqual(sum(x, 1).toArray(), [9, 12]);
    assert.deepEqual(sum(x, 1, { keepDims: true }).shape, [2, 1]);
    assert.equal(sum(x).item(), 21);
    assert.deepEqual(mean(x, 0).toArray(), [2.5, 3.5, 4.5]);
    assert.deepEqual(max(x, -1).toArray(), [5, 6]);
    assert.deepEqual(Array.from(argmax(x, 1)), [1, 2]);
    assert.deepEqual(Array.from(argmax(x, 0)), [1, 0, 1]);
    assert.throws(() => sum(x, 2), /axis 2 is out of range for a tensor of rank 2/);
  });

  it('sums a broadcast gradient back to its shape', () => {
    const g = Tensor.from([[1, 2, 3], [4, 5, 6]]);
    assert.deepEqual(sumTo(g, [3]).toArray(), [5, 7, 9]);
    assert.deepEqual(sumTo(g, [2, 1]).toArray(), [[6], [15]]);
    assert.equal(sumTo(g, []).item(), 21);
  });
});

describe('Random', () => {
  it('saves and restores its state exactly', () => {
    const a = new Random(3);
    a.normal();
    const state = a.getState();
    const next = [a.uniform(), a.normal(), a.int(60000)];
    const b = new Random(99);
    b.setState(state);
    assert.deepEqual([b.uniform(), b.normal(), b.int(60000)], next);
  });

  it('draws integers uniformly in range', () => {
    const rng = new Random(1);
    const counts = new Array(10).fill(0);
    for (let i = 0; i < 100000; i++) counts[rng.int(10)]++;
    for (const c of counts) assert.ok(Math.abs(c - 10000) < 500, `count ${c}`);
  });
});
