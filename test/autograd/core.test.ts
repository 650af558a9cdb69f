import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { add, broadcastTo, config, Function, noGrad, sumTo, usingConfig, Variable } from '../../src/autograd/core.js';
import { mul } from '../../src/autograd/functions/mul.js';
import { pow } from '../../src/autograd/functions/pow.js';
import { square } from '../../src/autograd/functions/square.js';
import { sub } from '../../src/autograd/functions/sub.js';
import { sum } from '../../src/autograd/functions/sum.js';
import { tanh } from '../../src/autograd/functions/tanh.js';
import { MulLayer } from '../../src/layers/mul_layer.js';
import { div as divTensors, sub as subTensors } from '../../src/tensor/ops.js';
import { Random } from '../../src/tensor/random.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { assertGradients2, broadcastPair, randomShape, randomTensor } from './check.js';

const scalar = (v: number): Variable => new Variable(v);
const gradOf = (x: Variable): number => x.grad!.data.item();

describe('Add, SumTo, BroadcastTo: gradient check (float64, < 1e-7, first and second order)', () => {
  const rng = new Random(11);
  it('add on equal shapes, broadcast shapes and numbers', () => {
    for (let k = 0; k < 4; k++) {
      const shape = randomShape(rng);
      assertGradients2(`add ${shape}`, add, [randomTensor(shape, rng), randomTensor(shape, rng)], true);
    }
    const pairs: [number[], number[]][] = [[[3, 1], [1, 4]], [[2, 3], [3]], [[], [2, 3]], [[2, 3, 4], [3, 1]], broadcastPair(rng), broadcastPair(rng)];
    for (const [a, b] of pairs) assertGradients2(`add [${a}]+[${b}]`, add, [randomTensor(a, rng), randomTensor(b, rng)], true);
    assertGradients2('add(x, 2)', (x) => add(x, 2), [randomTensor([2, 3], rng)], true);
    assertGradients2('add(2, x)', (x) => add(2, x), [randomTensor([3], rng)], true);
  });

  it('sumTo and broadcastTo, both ways round', () => {
    const cases: [number[], number[]][] = [[[2, 3], [3]], [[2, 3], [1, 3]], [[2, 3], [2, 1]], [[2, 3], []], [[4, 2, 3], [2, 1]], [[3], [3]]];
    for (const [big, small] of cases) {
      assertGradients2(`sumTo [${big}]→[${small}]`, (x) => sumTo(x, small), [randomTensor(big, rng)], true);
      assertGradients2(`broadcastTo [${small}]→[${big}]`, (x) => broadcastTo(x, big), [randomTensor(small, rng)], true);
    }
  });

  it('refuses a broadcast that does not fit', () => {
    assert.throws(() => broadcastTo(new Variable(Tensor.zeros([2, 3])), [3, 3]), /cannot be broadcast|cannot broadcast/);
  });
});

describe('backward: gradients add up', () => {
  it('y = x + x gives 2, and x + x + x gives 3', () => {
    const x = scalar(3);
    add(x, x).backward();
    assert.equal(gradOf(x), 2);
    x.cleargrad();
    add(add(x, x), x).backward();
    assert.equal(gradOf(x), 3);
  });

  it('y = x·x + x gives 2x + 1', () => {
    const x = scalar(3);
    add(mul(x, x), x).backward();
    assert.equal(gradOf(x), 7);
  });

  it('a second backward adds to the grad unless cleargrad() ran (as in DeZero)', () => {
    const x = scalar(3);
    add(x, x).backward();
    add(x, x).backward();
    assert.equal(gradOf(x), 4);
    x.cleargrad();
    add(x, x).backward();
    assert.equal(gradOf(x), 2);
  });

  it('follows generations through a diamond: y = a² + a² with a = x² gives 64 at x = 2', () => {
    const x = scalar(2);
    const a = square(x);
    const y = add(square(a), square(a));
    y.backward();
    assert.equal(y.data.item(), 32);
    assert.equal(gradOf(x), 64);
    assert.equal(x.generation, 0);
    assert.equal(a.generation, 1);
    assert.equal(y.generation, 3);
  });

  it('is 1 for the output, in its shape and dtype, when no grad was set', () => {
    const x = new Variable(Tensor.from([[1, 2], [3, 4]], 'float32'));
    const y = mul(x, 1);
    y.backward({ retainGrad: true });
    assert.deepEqual(y.grad!.shape, [2, 2]);
    assert.equal(y.grad!.dtype, 'float32');
    assert.deepEqual(Array.from(y.grad!.data.data), [1, 1, 1, 1]);
  });
});

describe('backward: retainGrad', () => {
  // DeZero step 18: t = x0 + x1; y = x0 + t.
  const graph = (): { x0: Variable; x1: Variable; t: Variable; y: Variable } => {
    const x0 = scalar(1);
    const x1 = scalar(1);
    const t = add(x0, x1);
    const y = add(x0, t);
    return { x0, x1, t, y };
  };

  it('by default keeps only the leaves\' gradients', () => {
    const { x0, x1, t, y } = graph();
    y.backward();
    assert.equal(y.grad, null);
    assert.equal(t.grad, null);
    assert.equal(gradOf(x0), 2);
    assert.equal(gradOf(x1), 1);
  });

  it('with retainGrad keeps every intermediate gradient', () => {
    const { x0, x1, t, y } = graph();
    y.backward({ retainGrad: true });
    assert.equal(gradOf(y), 1);
    assert.equal(gradOf(t), 1);
    assert.equal(gradOf(x0), 2);
    assert.equal(gradOf(x1), 1);
  });
});

describe('noGrad and usingConfig', () => {
  it('noGrad computes without recording a graph, and switches recording back on', () => {
    const x = new Variable(Tensor.from([1, 2, 3]));
    const y = noGrad(() => square(add(x, 1)));
    assert.deepEqual(Array.from(y.data.data), [4, 9, 16]);
    assert.equal(y.creator, null);
    assert.equal(y.generation, 0);
    assert.equal(config.enableBackprop, true);
    assert.notEqual(square(x).creator, null);
  });

  it('restores the setting when the body throws, and nests', () => {
    assert.throws(() => noGrad(() => { throw new Error('boom'); }), /boom/);
    assert.equal(config.enableBackprop, true);
    usingConfig(false, () => {
      assert.equal(usingConfig(true, () => config.enableBackprop), true);
      assert.equal(config.enableBackprop, false);
    });
    assert.equal(config.enableBackprop, true);
  });
});

describe('dtypes', () => {
  it('float32 stays float32 through forward and backward, numbers included', () => {
    const x = new Variable(Tensor.from([1, 2, 3], 'float32'));
    const y = add(mul(x, x), 0.5);
    assert.equal(y.dtype, 'float32');
    assert.deepEqual(Array.from(y.data.data), [1.5, 4.5, 9.5]);
    y.backward();
    assert.equal(x.grad!.dtype, 'float32');
    assert.deepEqual(Array.from(x.grad!.data.data), [2, 4, 6]);
  });

  it('refuses to mix float32 and float64', () => {
    const a = new Variable(Tensor.from([1, 2], 'float32'));
    const b = new Variable(Tensor.from([1, 2], 'float64'));
    assert.throws(() => add(a, b), (e: Error) => e instanceof TypeError && /mix float32 and float64/.test(e.message));
    assert.throws(() => mul(b, Tensor.from([1, 2], 'float32')), TypeError);
  });
});

describe('the seed\'s buy_apple through autograd', () => {
  it('gives the MulLayer results: price 220, dapple 2.2, dapple_num 110, dtax 200', () => {
    const apple = scalar(100);
    const appleNum = scalar(2);
    const tax = scalar(1.1);
    const price = mul(mul(apple, appleNum), tax);
    price.backward();
    const mulApple = new MulLayer();
    const mulTax = new MulLayer();
    const expected = mulTax.forward(mulApple.forward(100, 2), 1.1);
    const [dApplePrice, dTax] = mulTax.backward(1);
    const [dApple, dAppleNum] = mulApple.backward(dApplePrice);
    assert.equal(price.data.item(), expected);
    assert.equal(Math.trunc(price.data.item()), 220);
    assert.equal(gradOf(apple), dApple);
    assert.equal(gradOf(apple), 2.2);
    assert.equal(gradOf(appleNum), dAppleNum);
    assert.equal(Math.trunc(gradOf(appleNum)), 110);
    assert.equal(gradOf(tax), dTax);
    assert.equal(gradOf(tax), 200);
  });
});

describe('higher-order derivatives (createGraph)', () => {
  const f = (x: Variable): Variable => sub(pow(x, 4), mul(pow(x, 2), 2));

  it('y = x⁴ − 2x² at 2: first derivative 24, second 44', () => {
    const x = scalar(2);
    f(x).backward({ createGraph: true });
    const gx = x.grad!;
    assert.equal(gx.data.item(), 24);
    assert.notEqual(gx.creator, null, 'the gradient is itself a node of a graph');
    x.cleargrad();
    gx.backward();
    assert.equal(gradOf(x), 44);
  });

  it('without createGraph, the gradient has no graph behind it', () => {
    const x = scalar(2);
    f(x).backward();
    assert.equal(x.grad!.creator, null);
  });

  it('Newton\'s method on y = x⁴ − 2x² from x = 2 reaches 1 within 1e-12 in at most 7 steps', () => {
    const x = scalar(2);
    let steps = 0;
    while (Math.abs(x.data.item() - 1) >= 1e-12 && steps < 20) {
      const y = f(x);
      x.cleargrad();
      y.backward({ createGraph: true });
      const gx = x.grad!;
      x.cleargrad();
      gx.backward();
      const gx2 = x.grad!;
      x.data = subTensors(x.data, divTensors(gx.data, gx2.data));
      steps++;
    }
    assert.ok(steps <= 7, `${steps} steps, x = ${x.data.item()}`);
    assert.ok(Math.abs(x.data.item() - 1) < 1e-12);
  });

  it('gradients of a vector function: the second derivative of Σ x³ is 6x', () => {
    const x = new Variable(Tensor.from([-1, 0.5, 2]));
    sum(mul(mul(x, x), x)).backward({ createGraph: true });
    const gx = x.grad!;
    assert.deepEqual(Array.from(gx.data.data), [3, 0.75, 12]);
    x.cleargrad();
    gx.backward();
    assert.deepEqual(Array.from(x.grad!.data.data), [-6, 3, 12]);
  });
});

describe('memory', () => {
  it('10000 forward+backward passes leave nothing behind', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const rng = new Random(3);
    const step = (): WeakRef<object> => {
      const x = new Variable(randomTensor([4], rng));
      const y = sum(mul(tanh(x), add(x, 1)));
      y.backward();
      return new WeakRef(y.creator!);
    };
    for (let i = 0; i < 500; i++) step(); // warm up the JIT and the allocator
    const settle = async (): Promise<number> => {
      await new Promise((resolve) => setImmediate(resolve)); // WeakRefs hold until the job ends
      gc();
      return process.memoryUsage().heapUsed;
    };
    const before = await settle();
    const refs: WeakRef<object>[] = [];
    for (let i = 0; i < 10_000; i++) {
      const ref = step();
      if (i % 1000 === 0) refs.push(ref);
    }
    const after = await settle();
    assert.deepEqual(refs.map((r) => r.deref() === undefined), refs.map(() => true), 'a Function outlived its graph');
    // A graph is ~20 objects; kept, 10000 of them would be megabytes.
    assert.ok(after - before < 1_000_000, `heap grew by ${after - before} bytes`);
  });
});

describe('Variable.backward checks what a backward returns', () => {
  it("refuses a gradient whose shape is not its input's, naming the function", () => {
    class Broken extends Function {
      readonly name = 'Broken';
      forward(x: Tensor): Tensor {
        return x;
      }
      backward(): Variable[] {
        return [new Variable(Tensor.zeros([2]))];
      }
    }
    const y = new Broken().call(new Variable(Tensor.zeros([3])));
    assert.throws(() => y.backward(), /Broken\.backward: the gradient of input 0 has shape \[2\], but the input has shape \[3\]/);
  });
});
