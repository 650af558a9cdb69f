// The --only-seed report: ratios on min and median whole-process times, the targets, the
// timeline of nabla's median run, and --load's refusal without stress-ng.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { renderSeed, seedTargets, wallRatios } from '../../bench/lib/seed_report.js';
import type { SeedResults, SeedRow } from '../../bench/lib/seed_rounds.js';
import { root } from '../cli/train_helpers.js';

const row = (impl: SeedRow['impl'], dtype: SeedRow['dtype'], wall: number[], extra: Partial<SeedRow> = {}): SeedRow =>
  ({ impl, dtype, setup: 's', wallSeconds: wall, loopSeconds: wall.map((w) => w - 0.5), ...extra });

function results(loaded = false): SeedResults {
  const timeline = (steps: number): Record<string, number> => ({ startup: 0.1, load: 0.2, steps, total: steps + 0.3 });
  return {
    rounds: 3, infoRounds: 1, iters: 10000, loaded, notes: ['a note'],
    rows: [
      row('nabla', 'float64', [3, 5, 4], { timelines: [timeline(2.6), timeline(4.6), timeline(3.6)], testAcc: 0.9711 }),
      row('lean NumPy', 'float64', [10, 12, 11]),
      row('nabla', 'float32', [2, 2.5, 3]),
      row('lean NumPy', 'float32', [5, 8, 6]),
      row('PyTorch', 'float64', [30, 31, 32]),
      row('PyTorch', 'float32', [6, 7, 8]),
      row('TensorFlow.js', 'float32', [40]),
      row('NumPy (book)', 'float64', [], { error: 'exit code 1: boom' }),
    ],
  };
}

describe('bench --only-seed report', () => {
  it('takes ratios on the min and on the median whole-process times', () => {
    const r = results();
    assert.deepEqual(wallRatios(r.rows[0]!, r.rows[1]!), { min: 3 / 10, median: 4 / 11 });
  });

  it('checks each target on both the min and the median', () => {
    const checks = seedTargets(results());
    const status = Object.fromEntries(checks.map((c) => [c.target, c.status]));
    // float64: 0.30 min but 0.36 median: not met. float32: 0.40 / 0.42: not met.
    assert.equal(status['float64: whole process ≤ 0.35× lean NumPy'], 'not met');
    assert.equal(status['float32: whole process ≤ 0.35× lean NumPy'], 'not met');
    assert.equal(status['float64: ≥ 3× faster than PyTorch CPU'], 'met'); // 10× / 7.75×
    assert.equal(status['float32: ≥ 3× faster than PyTorch CPU'], 'not met'); // 3× min but 2.8× median
    assert.equal(status['≥ 10× faster than TensorFlow.js wasm (float32)'], 'met'); // 20× / 16×
    assert.equal(checks.find((c) => c.target.startsWith('float64: whole'))!.measured, '0.30× min, 0.36× median');
  });

  it('names the load in the targets, and says n/a for a missing column', () => {
    const r = results(true);
    r.rows = r.rows.filter((x) => x.impl !== 'PyTorch');
    const checks = seedTargets(r);
    assert.ok(checks.every((c) => c.target.endsWith('(under load)')));
    assert.equal(checks.find((c) => c.target.startsWith('float32: ≥ 3×'))!.status, 'n/a');
  });

  it('shows every row, a failed one with its reason, and the timeline of nabla\'s median run', () => {
    const text = renderSeed(results(), true, ['CPU: test']);
    assert.match(text, /^- CPU: test$/m);
    assert.match(text, /\| nabla \| float64 \| s \| 3 \| 3\.00 \/ 4\.00 \| 2\.50 \/ 3\.50 \| 0\.30× \/ 0\.36× \| — \| 0\.9711 \|/);
    assert.match(text, /\| NumPy \(book\) \| float64 \| s \| 0 \| — \| — \| — \| — \| exit code 1: boom \|/);
    // The median of 3, 5, 4 is the third run: steps 3.6, and the process took 4 s, 0.1 of it after `total`.
    assert.match(text, /\| steps \| 3\.600 \|/);
    assert.match(text, /\| exit \(process s − total\) \| 0\.100 \|/);
    assert.match(text, /^- a note$/m);
  });
});

describe('bench --load', () => {
  it('refuses to run, saying so, when stress-ng is missing', () => {
    const r = spawnSync(process.execPath, [join(root, 'dist', 'bench', 'run.js'), '--only-seed', '--load'], { encoding: 'utf8', env: { ...process.env, PATH: '/nonexistent' } });
    assert.equal(r.status, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^bench: --load needs stress-ng: stress-ng is not installed \(ENOENT\); install it with: apt-get install -y stress-ng\n$/);
  });

  it('applies to --only-seed only', () => {
    const r = spawnSync(process.execPath, [join(root, 'dist', 'bench', 'run.js'), '--load'], { encoding: 'utf8' });
    assert.equal(r.status, 64);
    assert.match(r.stderr, /^bench: --load applies to --only-seed\n/);
  });
});
