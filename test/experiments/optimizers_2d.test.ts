import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { f2d, optimizers2d, optimizerPaths } from '../../src/experiments/optimizers_2d.js';
import { pythonWithNumpy } from '../helpers.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const REFERENCE = join(root, 'test', 'fixtures', 'optimizers_2d.py');

function reference(): Record<string, [number, number]> {
  const python = pythonWithNumpy();
  if (python === undefined) assert.fail('the optimizers-2d reference needs a python3 with numpy ($PYTHON, python3 or /usr/bin/python3; apt-get install python3-numpy)');
  const child = spawnSync(python, [REFERENCE], { encoding: 'utf8' });
  if (child.status !== 0) assert.fail(`${REFERENCE} exited with ${child.status}: ${child.stderr.trim().split('\n').pop()}`);
  return JSON.parse(child.stdout) as Record<string, [number, number]>;
}

describe('experiment optimizers-2d', () => {
  it("ends where the book's NumPy optimizers end, to 1e-12", () => {
    const expected = reference();
    const paths = optimizerPaths();
    assert.deepEqual(paths.map((p) => p.name), ['SGD', 'Momentum', 'AdaGrad', 'Adam']);
    for (const { name, path } of paths) {
      assert.equal(path.length, 31, `${name}: the start and 30 steps`);
      assert.deepEqual(path[0], [-7, 2]);
      const [x, y] = path[30]!;
      const [ex, ey] = expected[name]!;
      assert.ok(Math.abs(x - ex) <= 1e-12 && Math.abs(y - ey) <= 1e-12, `${name}: (${x}, ${y}) vs NumPy (${ex}, ${ey})`);
    }
  });

  it('tables each end point with f there, and draws four panels with contour lines', () => {
    const { table, svg } = optimizers2d();
    assert.deepEqual(table.columns, ['optimizer', 'lr', 'steps', 'x', 'y', 'f']);
    const paths = optimizerPaths();
    table.rows.forEach((row, i) => {
      const [x, y] = paths[i]!.path[30]!;
      assert.deepEqual(row, [paths[i]!.name, paths[i]!.lr, 30, x, y, f2d(x, y)]);
    });
    assert.equal(svg.match(/<svg /g)!.length, 5, 'one outer svg and four panels');
    for (const name of ['SGD', 'Momentum', 'AdaGrad', 'Adam']) assert.match(svg, new RegExp(`<title>${name} \\(lr`));
    assert.equal(svg.match(/data-name="f = /g)!.length, 4 * 11, 'contour lines in every panel');
  });
});
