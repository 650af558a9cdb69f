// The benchmark's report: machine, training, gradient check, GEMM and targets, as text for
// the terminal or as Markdown to paste into BENCHMARKS.md.

import type { GemmRecord } from './gemm_records.js';
import type { GradcheckRun, Results, TrainRun } from './results.js';
import { renderTable, type Table } from './table.js';
import { checkTargets, gradcheckBaseline, numpyBaseline, tfjsRun } from './targets.js';

const DASH = '—';
const secs = (s: number | undefined): string => (s === undefined ? DASH : s.toFixed(2));
const acc = (a: number | undefined): string => (a === undefined ? DASH : a.toFixed(4));
const times = (r: number | undefined): string => (r === undefined ? DASH : `${r < 0.1 ? r.toFixed(3) : r.toFixed(2)}×`);
const over = (mine: { seconds?: number }, base: { seconds?: number } | undefined): number | undefined =>
  mine.seconds !== undefined && base?.seconds !== undefined ? mine.seconds / base.seconds : undefined;
const NAMES = { nabla: 'nabla', NumPy: 'NumPy', tfjs: 'TensorFlow.js' } as const;

export function renderReport(results: Results, markdown: boolean): string {
  const out: string[] = [];
  const heading = (text: string): void => {
    out.push('', markdown ? `### ${text}` : `== ${text} ==`, '');
  };
  const notes: string[] = [];

  const partial = results.iters !== 10000;
  heading(`Machine${partial ? ` (short run: ${results.iters} iterations)` : ''}`);
  const m = results.machine;
  const v = results.versions;
  const facts = [
    `CPU: ${m.cpu}, ${m.cores} core${m.cores === 1 ? '' : 's'} available`,
    `Node ${m.node}; ${v.numpy ? `NumPy ${v.numpy} with ${v.blas ?? 'an unknown BLAS'}` : 'NumPy not run'}; ${v.tfjs ? `TensorFlow.js ${v.tfjs} (${v.tfjsBackend ?? DASH})` : 'TensorFlow.js not run'}`,
    `nabla at ${m.commit}`,
    `1-minute load average: ${m.loadAtStart.toFixed(2)} at the start, ${results.loadAtEnd.toFixed(2)} at the end; total ${(results.totalSeconds / 60).toFixed(1)} min`,
  ];
  out.push(...facts.map((f) => (markdown ? `- ${f}` : f)));

  heading(`Training: TwoLayerNet(784, 50, 10), ${results.iters} iterations, batch 100, lr 0.1`);
  out.push(renderTable(trainingTable(results.training, notes), markdown));

  heading('Gradient check: 39,760 parameters by central differences on 3 images, float64');
  out.push(renderTable(gradcheckTable(results.gradcheck, notes), markdown));

  if (results.gemm.records.length > 0) {
    heading(`GEMM GFLOP/s (best of several timed rounds; nabla figures from ${results.gemm.source})`);
    out.push(renderTable(gemmTable(results.gemm.records), markdown));
  }
  notes.push(...results.gemm.notes);

  heading('Targets');
  const targets = checkTargets(results);
  out.push(renderTable({ headers: ['target', 'measured', 'status'], rows: targets.map((t) => [t.target, t.measured, t.status]) }, markdown));

  notes.push(...results.skipped);
  if (partial) notes.push(`${results.iters} iterations instead of the seed's 10000: ratios are indicative only, since evaluations and warm-up weigh differently than in the full run`);
  notes.push("'train s' is the time each program measures around its training loop (17 evaluations on all 70000 images included at 10000 iterations; start-up and data loading excluded); 'process s' is the whole child process");
  notes.push('the NumPy baseline of each ratio is its fastest seed-faithful run of that dtype, with default or one BLAS thread');
  if (notes.length > 0) {
    heading('Notes');
    out.push(...notes.map((n) => `- ${n}`));
  }
  if (!markdown && results.gemm.raw) {
    heading('dist/bench/gemm.js output');
    out.push(results.gemm.raw);
  }
  return `${out.join('\n').trimStart()}\n`;
}

function trainingTable(training: readonly TrainRun[], notes: string[]): Table {
  const tfjs = tfjsRun(training);
  const rows = training.map((r) => {
    if (r.error) notes.push(`${NAMES[r.impl]} ${r.dtype} (${r.setup}): unavailable (${r.error})`);
    if (r.note) notes.push(`${NAMES[r.impl]} ${r.dtype}: ${r.note}`);
    const nabla = r.impl === 'nabla';
    return [
      NAMES[r.impl],
      r.dtype,
      r.setup,
      secs(r.seconds),
      secs(r.wallSeconds),
      acc(r.trainAcc),
      acc(r.testAcc),
      nabla ? times(over(r, numpyBaseline(training, r.dtype))) : DASH,
      nabla && r.dtype === 'float32' && tfjs ? times(over(r, tfjs)) : DASH,
    ];
  });
  return { headers: ['run', 'dtype', 'setup', 'train s', 'process s', 'train acc', 'test acc', '÷ NumPy', '÷ tfjs'], rows };
}

function gradcheckTable(runs: readonly GradcheckRun[], notes: string[]): Table {
  const base = gradcheckBaseline(runs);
  const rows = runs.map((r) => {
    if (r.error) notes.push(`${NAMES[r.impl]} gradient check (${r.setup}): unavailable (${r.error})`);
    return [
      NAMES[r.impl],
      r.setup,
      secs(r.seconds),
      secs(r.wallSeconds),
      r.worstMeanDiff === undefined ? DASH : r.worstMeanDiff.toExponential(2),
      r.impl === 'nabla' ? times(over(r, base)) : DASH,
    ];
  });
  return { headers: ['run', 'setup', 'seconds', 'process s', 'worst mean |diff|', '÷ NumPy'], rows };
}

function gemmTable(records: readonly GemmRecord[]): Table {
  const columns = [...new Set(records.map((r) => r.column))].sort(columnOrder);
  const keys = [...new Map(records.map((r) => [`${r.shape} ${r.op} ${r.dtype}`, r])).values()];
  const rows = keys.map((k) => [
    `${k.shape} ${k.op}`,
    k.dtype,
    ...columns.map((c) => {
      const hit = records.find((r) => r.column === c && r.shape === k.shape && r.op === k.op && r.dtype === k.dtype);
      return hit ? hit.gflops.toFixed(1) : DASH;
    }),
  ]);
  rows.sort((a, b) => a[0]!.localeCompare(b[0]!, 'en', { numeric: true }) || b[1]!.localeCompare(a[1]!));
  return { headers: ['m×k×n op', 'dtype', ...columns], rows };
}

/** NumPy first, then nabla's reference, then wasm by thread count. */
function columnOrder(a: string, b: string): number {
  const rank = (c: string): number => (c.startsWith('NumPy') ? 0 : c.includes('reference') ? 1 : 2);
  return rank(a) - rank(b) || b.localeCompare(a, 'en', { numeric: true }) * (rank(a) === 0 ? 1 : -1);
}
