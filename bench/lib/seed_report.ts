// The --only-seed report: whole-process times (min / median over the rounds), ratios to lean
// NumPy and PyTorch, nabla's loop time beside its wall time, the timeline of nabla's median
// run, and the targets.

import type { SeedDType, SeedImpl, SeedResults, SeedRow } from './seed_rounds.js';
import { renderTable } from './table.js';
import type { TargetCheck } from './targets.js';

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
const min = (xs: readonly number[]): number => Math.min(...xs);
const DASH = '—';
const pair = (xs: readonly number[]): string => (xs.length === 0 ? DASH : xs.length === 1 ? xs[0]!.toFixed(2) : `${min(xs).toFixed(2)} / ${median(xs).toFixed(2)}`);
const times = (x: number): string => `${x < 0.1 ? x.toFixed(3) : x.toFixed(2)}×`;

function find(results: SeedResults, impl: SeedImpl, dtype: SeedDType): SeedRow | undefined {
  return results.rows.find((r) => r.impl === impl && r.dtype === dtype && r.wallSeconds.length > 0);
}

/** mine ÷ base on the min and on the median wall times. */
export function wallRatios(mine: SeedRow, base: SeedRow): { min: number; median: number } {
  return { min: min(mine.wallSeconds) / min(base.wallSeconds), median: median(mine.wallSeconds) / median(base.wallSeconds) };
}

function mainTable(results: SeedResults, markdown: boolean): string {
  const rows = results.rows.map((r) => {
    if (r.wallSeconds.length === 0) return [r.impl, r.dtype, r.setup, '0', DASH, DASH, DASH, DASH, r.error ?? 'not run'];
    const lean = find(results, 'lean NumPy', r.dtype);
    const nabla = find(results, 'nabla', r.dtype);
    const vsLean = lean && r !== lean ? wallRatios(r, lean) : undefined;
    const vsNabla = nabla && r !== nabla ? wallRatios(r, nabla) : undefined;
    return [
      r.impl, r.dtype, r.setup, String(r.wallSeconds.length), pair(r.wallSeconds), pair(r.loopSeconds),
      vsLean ? `${times(vsLean.min)} / ${times(vsLean.median)}` : DASH,
      vsNabla ? `${times(vsNabla.min)} / ${times(vsNabla.median)}` : DASH,
      r.testAcc === undefined ? DASH : r.testAcc.toFixed(4),
    ];
  });
  return renderTable({
    headers: ['run', 'dtype', 'setup', 'runs', 'process s (min / median)', 'loop s (min / median)', '÷ lean NumPy (min / median)', '÷ nabla (min / median)', 'test acc'],
    rows,
  }, markdown);
}

/** The phases of nabla's median-wall run of each dtype. */
function timelineTable(results: SeedResults, markdown: boolean): string | undefined {
  const columns: { dtype: SeedDType; wall: number; timeline: Record<string, number> }[] = [];
  for (const dtype of ['float64', 'float32'] as const) {
    const row = find(results, 'nabla', dtype);
    if (!row?.timelines || row.timelines.length !== row.wallSeconds.length || row.timelines.length === 0) continue;
    const order = row.wallSeconds.map((w, i) => [w, i] as const).sort((a, b) => a[0] - b[0]);
    const [wall, at] = order[(order.length - 1) >> 1]!;
    columns.push({ dtype, wall, timeline: row.timelines[at]! });
  }
  if (columns.length === 0) return undefined;
  const phases = [...new Set(columns.flatMap((c) => Object.keys(c.timeline)))];
  const rows = phases.map((phase) => [phase, ...columns.map((c) => (c.timeline[phase] === undefined ? DASH : c.timeline[phase]!.toFixed(3)))]);
  // What the process did after its last line (tearing down threads, exiting) and before it (Node's own start).
  rows.push(['exit (process s − total)', ...columns.map((c) => (c.timeline['total'] === undefined ? DASH : (c.wall - c.timeline['total']).toFixed(3)))]);
  rows.push(['process s (spawn to exit)', ...columns.map((c) => c.wall.toFixed(3))]);
  return renderTable({ headers: ['phase (s)', ...columns.map((c) => `nabla ${c.dtype}`)], rows }, markdown);
}

export function seedTargets(results: SeedResults): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const under = results.loaded ? ' (under load)' : '';
  for (const dtype of ['float64', 'float32'] as const) {
    const nabla = find(results, 'nabla', dtype);
    const lean = find(results, 'lean NumPy', dtype);
    const target = `${dtype}: whole process ≤ 0.35× lean NumPy${under}`;
    if (!nabla || !lean) checks.push({ target, measured: DASH, status: 'n/a' });
    else {
      const r = wallRatios(nabla, lean);
      checks.push({ target, measured: `${times(r.min)} min, ${times(r.median)} median`, status: r.min <= 0.35 && r.median <= 0.35 ? 'met' : 'not met' });
    }
    const torch = find(results, 'PyTorch', dtype);
    const vsTorch = `${dtype}: ≥ 3× faster than PyTorch CPU${under}`;
    if (!nabla || !torch) checks.push({ target: vsTorch, measured: DASH, status: 'n/a' });
    else {
      const r = wallRatios(torch, nabla);
      checks.push({ target: vsTorch, measured: `${times(r.min)} min, ${times(r.median)} median`, status: r.min >= 3 && r.median >= 3 ? 'met' : 'not met' });
    }
  }
  const tfjs = find(results, 'TensorFlow.js', 'float32');
  const nabla32 = find(results, 'nabla', 'float32');
  const vsTfjs = `≥ 10× faster than TensorFlow.js wasm (float32)${under}`;
  if (!tfjs || !nabla32) checks.push({ target: vsTfjs, measured: DASH, status: 'n/a' });
  else {
    const r = wallRatios(tfjs, nabla32);
    checks.push({ target: vsTfjs, measured: `${times(r.min)} min, ${times(r.median)} median`, status: r.min >= 10 && r.median >= 10 ? 'met' : 'not met' });
  }
  return checks;
}

export function renderSeed(results: SeedResults, markdown: boolean, header: string[]): string {
  const out: string[] = [];
  const heading = (text: string): void => {
    out.push('', markdown ? `#### ${text}` : `== ${text} ==`, '');
  };
  out.push(...header.map((line) => (markdown ? `- ${line}` : line)));
  heading(`The seed's run as the user waits: TwoLayerNet(784, 50, 10), ${results.iters} iterations, whole process${results.loaded ? ', with stress-ng --cpu 1 beside' : ''}`);
  out.push(mainTable(results, markdown));
  const timeline = timelineTable(results, markdown);
  if (timeline) {
    heading("Where nabla's time goes (its median run of each dtype, NABLA_TIMELINE=1)");
    out.push(timeline);
  }
  heading('Targets');
  out.push(renderTable({ headers: ['target', 'measured', 'status'], rows: seedTargets(results).map((t) => [t.target, t.measured, t.status]) }, markdown));
  const notes = [
    `process s: spawn to exit, as the user waits (start-up and data loading included), ${results.rounds} interleaved round(s); the information-only and slow columns (book-style NumPy, TensorFlow.js) ran in the first ${results.infoRounds}`,
    "loop s: each program's own timing of its training loop (17 evaluations included; nabla's is train --json's `seconds`)",
    'ratios: this row ÷ lean NumPy (or ÷ nabla) of the same dtype, on the min and on the median process times; lean NumPy (bench/numpy_seed_lean.py) is the baseline, the book-style NumPy only information',
    'nabla runs `nabla train --json` with its defaults (checkpoints every 600 iterations, run folder, plots and model written) in a fresh empty folder',
    ...results.notes,
  ];
  heading('Notes');
  out.push(...notes.map((n) => `- ${n}`));
  return `${out.join('\n').trimStart()}\n`;
}
