import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { assertOneLineError, nabla, tmp } from './train_helpers.js';

/** Runs an experiment into a fresh --out and checks the files and the table it prints. */
function runExperiment(name: string, extra: string[], columns: string[], rows: number, figures = [`${name}.svg`]): { dir: string; table: Record<string, unknown>[] } {
  const dir = join(tmp(), 'out');
  const r = nabla(['experiment', name, '--out', dir, '--quiet', ...extra]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '', '--quiet: nothing on stderr');
  assert.deepEqual(readdirSync(dir).filter((n) => !n.startsWith('.')).sort(), [...figures, 'table.csv', 'table.json'].sort());
  for (const figure of figures) assert.match(readFileSync(join(dir, figure), 'utf8'), /^<svg [^>]*>[\s\S]*<\/svg>\n?$/);
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
  csv.slice(1).forEach((line, i) => {
    const first = line.split(',')[0]!;
    if (Number.isNaN(Number(first))) assert.ok(lines[i + 1]!.startsWith(`${first} `), `printed row ${i + 1}: ${lines[i + 1]}`);
  });
  return { dir, table: json.table };
}

describe('nabla experiment', () => {
  it('optimizers-2d writes figure 6-8 and the end points, and --json prints the same table', () => {
    const { table } = runExperiment('optimizers-2d', [], ['optimizer', 'lr', 'steps', 'x', 'y', 'f'], 4);
    const r = nabla(['experiment', 'optimizers-2d', '--out', join(tmp(), 'j'), '--json']);
    assert.equal(r.code, 0, r.stderr);
    const printed = JSON.parse(r.stdout) as { table: unknown };
    assert.deepEqual(printed.table, table);
    // float32 steps round differently: the same path, not the same bits.
    const f32 = JSON.parse(nabla(['experiment', 'optimizers-2d', '--out', join(tmp(), 'f'), '--json', '--dtype', 'float32']).stdout) as { table: { x: number }[] };
    f32.table.forEach((row, i) => {
      assert.notEqual(row.x, table[i]!['x']);
      assert.ok(Math.abs(row.x - (table[i]!['x'] as number)) < 1e-4);
    });
  });

  it('optimizers trains the four nets on the same batches for --iters and tables their losses', () => {
    const columns = ['optimizer', 'lr', 'iters', 'first_loss', 'final_loss_smoothed', 'mean_loss_last_100', 'test_acc'];
    const { dir, table } = runExperiment('optimizers', ['--iters', '3'], columns, 4);
    assert.deepEqual(table.map((r) => [r['optimizer'], r['lr'], r['iters']]), [['SGD', 0.01, 3], ['Momentum', 0.01, 3], ['AdaGrad', 0.01, 3], ['Adam', 0.001, 3]]);
    // The same starting weights and the same first batch: the same first loss.
    assert.equal(new Set(table.map((r) => r['first_loss'])).size, 1);
    // Seeded: a second run prints the same figures.
    const again = runExperiment('optimizers', ['--iters', '3'], columns, 4).table;
    assert.deepEqual(again, table);
    assert.match(readFileSync(join(dir, 'optimizers.svg'), 'utf8'), /data-name="Adam \(lr 0\.001\)"/);
  });

  it('init compares std 0.01, Xavier and He', () => {
    const { table } = runExperiment('init', ['--iters', '2', '--seed', '7'], ['init', 'lr', 'iters', 'first_loss', 'final_loss_smoothed', 'mean_loss_last_100', 'test_acc'], 3, ['init.svg', 'init-activations.svg']);
    assert.deepEqual(table.map((r) => r['init']), ['std=0.01', 'Xavier', 'He']);
  });

  for (const [name, rows] of [['weight-decay', ['without weight decay', 'weight decay λ = 0.1']], ['dropout', ['without Dropout', 'Dropout 0.2']]] as const) {
    it(`${name} tables train and test accuracy without and with it after --epochs`, () => {
      const { table } = runExperiment(name, ['--epochs', '2'], ['network', 'epochs', 'train_acc', 'test_acc', 'gap'], 2);
      assert.deepEqual(table.map((r) => r['network']), rows);
      for (const r of table) assert.equal(r['gap'], (r['train_acc'] as number) - (r['test_acc'] as number));
    });
  }

  it('batchnorm tables 16 weight scales from 1 to 1e-4', () => {
    const { dir, table } = runExperiment('batchnorm', ['--epochs', '1', '--dtype', 'float32'], ['weight_scale', 'epochs', 'acc_batchnorm', 'acc_plain', 'batchnorm_higher'], 16);
    assert.equal(table[0]!['weight_scale'], 1);
    assert.ok(Math.abs((table[15]!['weight_scale'] as number) - 1e-4) < 1e-18);
    assert.equal(readFileSync(join(dir, 'batchnorm.svg'), 'utf8').match(/<svg /g)!.length, 17, 'a 4×4 grid');
    assert.equal(JSON.parse(readFileSync(join(dir, 'table.json'), 'utf8')).dtype, 'float32');
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
    assertOneLineError(nabla(['experiment', 'optimizers', '--epochs', '5']), 2, /optimizers: --epochs does not apply \(it takes --iters\)/);
    assertOneLineError(nabla(['experiment', 'dropout', '--iters', '0']), 2, /--iters must be ≥ 1/);
    assertOneLineError(nabla(['experiment', 'optimizers-2d', '--data-dir', '/nowhere']), 2, /--data-dir does not apply/);
    const noData = join(tmp(), 'out');
    assertOneLineError(nabla(['experiment', 'init', '--data-dir', join(tmp(), 'empty'), '--out', noData]), 1, /^nabla experiment: /);
    assert.ok(!existsSync(noData), 'no folder is made when the data cannot be read');
    assertOneLineError(nabla(['experiment', 'optimizers-2d', '--seed', '3']), 2, /optimizers-2d: --seed does not apply/);
    assertOneLineError(nabla(['experiment', 'init', '--seed', '1', '--seed', '2']), 2, /--seed is given more than once/);
    assertOneLineError(nabla(['experiment', 'init', '--seed', '1e3']), 2, /--seed must be an integer/);
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
