import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { assertOneLineError, nabla, tmp } from './train_helpers.js';

/** Runs an experiment into a fresh --out and checks the files and the table it prints. */
function runExperiment(name: string, extra: string[], columns: string[], rows: number): { dir: string; table: Record<string, unknown>[] } {
  const dir = join(tmp(), 'out');
  const r = nabla(['experiment', name, '--out', dir, '--quiet', ...extra]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '', '--quiet: nothing on stderr');
  assert.deepEqual(readdirSync(dir).filter((n) => !n.startsWith('.')).sort(), [`${name}.svg`, 'table.csv', 'table.json']);
  assert.match(readFileSync(join(dir, `${name}.svg`), 'utf8'), /^<svg [^>]*>[\s\S]*<\/svg>\n?$/);
  const csv = readFileSync(join(dir, 'table.csv'), 'utf8').trim().split('\n');
  assert.equal(csv[0], columns.join(','));
  assert.equal(csv.length, rows + 1);
  const json = JSON.parse(readFileSync(join(dir, 'table.json'), 'utf8')) as { experiment: string; table: Record<string, unknown>[] };
  assert.equal(json.experiment, name);
  assert.equal(json.table.length, rows);
  // The printed table: a header with the columns, then one line per row.
  const lines = r.stdout.trim().split('\n');
  assert.deepEqual(lines[0]!.split(/\s+/), columns);
  assert.equal(lines.length, rows + 2);
  assert.match(lines[rows + 1]!, /^wrote /);
  csv.slice(1).forEach((line, i) => assert.equal(lines[i + 1]!.split(/\s+/)[0], line.split(',')[0]));
  return { dir, table: json.table };
}

describe('nabla experiment', () => {
  it('optimizers-2d writes figure 6-8 and the end points, and --json prints the same table', () => {
    const { table } = runExperiment('optimizers-2d', [], ['optimizer', 'lr', 'steps', 'x', 'y', 'f'], 4);
    const r = nabla(['experiment', 'optimizers-2d', '--out', join(tmp(), 'j'), '--json']);
    assert.equal(r.code, 0, r.stderr);
    const printed = JSON.parse(r.stdout) as { table: unknown };
    assert.deepEqual(printed.table, table);
  });

  it('writes to the next free runs/<name>-N by default', () => {
    const cwd = tmp();
    for (const n of [1, 2]) {
      const r = nabla(['experiment', 'optimizers-2d', '--quiet'], { cwd });
      assert.equal(r.code, 0, r.stderr);
      assert.ok(existsSync(join(cwd, 'runs', `optimizers-2d-${n}`, 'table.csv')));
    }
  });

  it('refuses bad input with one line', () => {
    assertOneLineError(nabla(['experiment']), 2, /^nabla: experiment: name the experiment \(optimizers-2d/);
    assertOneLineError(nabla(['experiment', 'optimisers']), 2, /unknown experiment 'optimisers'/);
    assertOneLineError(nabla(['experiment', 'optimizers-2d', 'x']), 2, /unexpected argument 'x'/);
    assertOneLineError(nabla(['experiment', 'optimizers-2d', '--iters', '5']), 2, /optimizers-2d: --iters does not apply/);
    assertOneLineError(nabla(['experiment', 'optimizers-2d', '--seed', '1', '--seed', '2']), 2, /--seed is given more than once/);
    assertOneLineError(nabla(['experiment', 'optimizers-2d', '--seed', '1e3']), 2, /--seed must be an integer/);
    const foreign = tmp();
    writeFileSync(join(foreign, 'notes.txt'), 'mine');
    assertOneLineError(nabla(['experiment', 'optimizers-2d', '--out', foreign]), 2, /is not empty and is not a nabla run folder/);
    assert.deepEqual(readdirSync(foreign), ['notes.txt']);
  });

  it('never overwrites an experiment already in --out', () => {
    const dir = join(tmp(), 'done');
    mkdirSync(dir);
    assert.equal(nabla(['experiment', 'optimizers-2d', '--out', dir, '--quiet']).code, 0);
    const before = readFileSync(join(dir, 'table.json'), 'utf8');
    assertOneLineError(nabla(['experiment', 'optimizers-2d', '--out', dir]), 2, /already holds an experiment \(table\.json\)/);
    assert.equal(readFileSync(join(dir, 'table.json'), 'utf8'), before);
  });
});
