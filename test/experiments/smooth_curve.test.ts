import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { weightScales } from '../../src/experiments/batchnorm.js';
import { kaiser, smoothCurve } from '../../src/experiments/smooth_curve.js';
import { pythonWithNumpy } from '../helpers.js';

/** The book's smooth_curve, np.kaiser and np.logspace, run by NumPy on the given values. */
function numpy(values: number[]): { kaiser: number[]; smooth: number[]; logspace: number[] } {
  const python = pythonWithNumpy();
  if (python === undefined) assert.fail('this test needs a python3 with numpy ($PYTHON, python3 or /usr/bin/python3; apt-get install python3-numpy)');
  const script = `
import json, sys
import numpy as np
x = np.array(json.load(sys.stdin))
window_len = 11
s = np.r_[x[window_len-1:0:-1], x, x[-1:-window_len:-1]]
w = np.kaiser(window_len, 2)
y = np.convolve(w/w.sum(), s, mode='valid')
print(json.dumps({'kaiser': list(w), 'smooth': list(y[5:len(y)-5]), 'logspace': list(np.logspace(0, -4, num=16))}))
`;
  const child = spawnSync(python, ['-c', script], { input: JSON.stringify(values), encoding: 'utf8' });
  if (child.status !== 0) assert.fail(`numpy: ${child.stderr}`);
  return JSON.parse(child.stdout) as { kaiser: number[]; smooth: number[]; logspace: number[] };
}

describe("the book's smooth_curve and weight scales", () => {
  it('match NumPy', () => {
    const values = Array.from({ length: 37 }, (_, i) => Math.sin(i) * 2 + i / 10);
    const expected = numpy(values);
    const close = (a: number[], b: number[], what: string): void => {
      assert.equal(a.length, b.length, what);
      a.forEach((v, i) => assert.ok(Math.abs(v - b[i]!) <= 1e-12 * Math.max(1, Math.abs(b[i]!)), `${what}[${i}]: ${v} vs ${b[i]}`));
    };
    close(kaiser(11, 2), expected.kaiser, 'kaiser');
    close(smoothCurve(values), expected.smooth, 'smooth_curve');
    close(weightScales(), expected.logspace, 'logspace');
  });
});
