import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Timeline, timelineRequested } from '../../src/train/timeline.js';
import { bin, tinyMnist, tmp } from '../cli/train_helpers.js';

describe('Timeline', () => {
  it('adds laps by phase, moves a measured part out of its phase, and keeps the order first seen', () => {
    const t = new Timeline();
    t.add('startup', 0.5);
    t.lap('load');
    t.add('steps', 2);
    t.add('steps', 1);
    t.move('steps', 'evaluations', 0.75);
    const json = t.toJSON();
    assert.deepEqual(Object.keys(json), ['startup', 'load', 'steps', 'evaluations']);
    assert.equal(json['startup'], 0.5);
    assert.ok(json['load']! >= 0 && json['load']! < 5);
    assert.equal(json['steps'], 2.25);
    assert.equal(json['evaluations'], 0.75);
    assert.match(t.describe(), /^startup 0\.500 s, load \d+\.\d{3} s, steps 2\.250 s, evaluations 0\.750 s$/);
  });

  it('is asked for by NABLA_TIMELINE set and not 0', () => {
    assert.equal(timelineRequested({}), false);
    assert.equal(timelineRequested({ NABLA_TIMELINE: '' }), false);
    assert.equal(timelineRequested({ NABLA_TIMELINE: '0' }), false);
    assert.equal(timelineRequested({ NABLA_TIMELINE: '1' }), true);
  });
});

describe('nabla train with NABLA_TIMELINE=1', () => {
  const run = (json: boolean): ReturnType<typeof spawnSync> => spawnSync(process.execPath, [
    bin, 'train', '--data-dir', tinyMnist(), '--iters', '12', '--batch-size', '10', '--checkpoint-every', '4', '--out', join(tmp(), 'run'), ...(json ? ['--json'] : ['--quiet']),
  ], { encoding: 'utf8', env: { ...process.env, NABLA_TIMELINE: '1' } });

  it('adds the phases to --json, which add up to the total', () => {
    const r = run(true);
    assert.equal(r.status, 0, String(r.stderr));
    const result = JSON.parse(String(r.stdout)) as { timeline: Record<string, number>; wallSeconds: number };
    const phases = ['startup', 'backend', 'load', 'setup', 'steps', 'evaluations', 'checkpoints', 'files', 'final score', 'total'];
    assert.deepEqual(Object.keys(result.timeline), phases);
    for (const phase of phases) assert.ok(result.timeline[phase]! >= 0, `${phase}: ${result.timeline[phase]}`);
    assert.ok(result.timeline['checkpoints']! > 0, 'two checkpoints were saved in the loop');
    const sum = phases.slice(0, -1).reduce((acc, p) => acc + result.timeline[p]!, 0);
    assert.ok(Math.abs(sum - result.timeline['total']!) < 0.02, `phases sum to ${sum}, total ${result.timeline['total']}`);
    assert.ok(result.timeline['total']! <= result.wallSeconds + 0.001);
  });

  it('prints them on stderr otherwise', () => {
    const r = run(false);
    assert.equal(r.status, 0, String(r.stderr));
    assert.match(String(r.stderr), /^timeline: startup \d+\.\d{3} s, backend .*, total \d+\.\d{3} s$/m);
  });
});
