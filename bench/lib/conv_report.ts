// The conv benchmarks' report: SimpleConvNet training side by side with ratios, the
// DeepConvNet evaluation and memory tables, whether the losses agree, and the targets.

import type { ConvDType, ConvResults, ConvTrainRow } from './conv_runs.js';
import { renderTable } from './table.js';
import type { TargetCheck } from './targets.js';

const min = (xs: readonly number[]): number => Math.min(...xs);
function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
const ratio = (x: number): string => `${x < 0.1 ? x.toFixed(3) : x.toFixed(2)}×`;
const seconds = (xs: readonly number[]): string => (xs.length === 1 ? xs[0]!.toFixed(2) : `${min(xs).toFixed(2)} / ${median(xs).toFixed(2)}`);
const loss = (x: number | undefined): string => (x === undefined ? '—' : x.toFixed(4));
const fixed = (x: number | undefined, digits = 1): string => (x === undefined ? '—' : x.toFixed(digits));

/** The run of `impl` and `dtype` with the fastest loop (NumPy has two thread settings). */
export function fastestRow(rows: readonly ConvTrainRow[], impl: string, dtype: ConvDType): ConvTrainRow | undefined {
  return rows.filter((r) => r.impl === impl && r.dtype === dtype && r.seconds.length > 0).sort((a, b) => min(a.seconds) - min(b.seconds))[0];
}

function versus(row: ConvTrainRow, base: ConvTrainRow | undefined): string {
  if (!base || row.impl === base.impl) return '—';
  return `${ratio(min(row.seconds) / min(base.seconds))} / ${ratio(min(row.wallSeconds) / min(base.wallSeconds))}`;
}

function trainTable(results: ConvResults, markdown: boolean): string {
  const rows = results.train.map((r) => {
    if (r.seconds.length === 0) return [r.impl, r.dtype, r.setup, '—', '—', '—', '—', '—', '—', '—', r.error ?? 'not run'];
    return [
      r.impl, r.dtype, r.setup, seconds(r.seconds), seconds(r.wallSeconds), ((1000 * min(r.seconds)) / results.iters).toFixed(1),
      versus(r, fastestRow(results.train, 'NumPy', r.dtype)), versus(r, fastestRow(results.train, 'PyTorch', r.dtype)),
      loss(r.firstLoss), loss(r.meanLastLoss), loss(r.finalLoss),
    ];
  });
  const many = results.rounds > 1 ? ' (min / median)' : '';
  return renderTable({
    headers: ['impl', 'dtype', 'setup', `loop s${many}`, `process s${many}`, 'ms/step', '÷ NumPy (loop / process)', '÷ PyTorch (loop / process)', 'first loss', `mean loss, last ${Math.min(results.lossWindow, results.iters)}`, 'final loss'],
    rows,
  }, markdown);
}

function evalTable(results: ConvResults, markdown: boolean): string {
  const torch = (dtype: ConvDType) => results.evals.filter((r) => r.impl === 'PyTorch' && r.dtype === dtype && r.seconds !== undefined).sort((a, b) => a.seconds! - b.seconds!)[0];
  const rows = results.evals.map((r) => {
    if (r.seconds === undefined) return [r.impl, r.dtype, r.setup, '—', '—', '—', '—', r.error ?? 'not run'];
    const base = torch(r.dtype);
    const vs = r.impl === 'nabla' && base ? ratio(r.seconds / base.seconds!) : '—';
    return [r.impl, r.dtype, r.setup, r.seconds.toFixed(2), fixed(r.wallSeconds, 2), fixed(r.imagesPerSecond, 0), vs, ''];
  });
  const hasErrors = rows.some((r) => r[7] !== '');
  const headers = ['impl', 'dtype', 'setup', 'seconds', 'process s', 'images/s', '÷ PyTorch', 'note'];
  return renderTable({ headers: hasErrors ? headers : headers.slice(0, 7), rows: hasErrors ? rows : rows.map((r) => r.slice(0, 7)) }, markdown);
}

function memoryTable(results: ConvResults, markdown: boolean): string {
  const rows = results.memory.map((r) => {
    if (r.maxRssMiB === undefined) return [r.impl, r.dtype, r.setup, '—', '—', '—', '—', '—', r.error ?? 'not run'];
    const growth = r.rssBeforeMiB === undefined ? undefined : r.maxRssMiB - r.rssBeforeMiB;
    return [r.impl, r.dtype, r.setup, fixed(r.rssBeforeMiB, 0), fixed(r.maxRssMiB, 0), fixed(growth, 0), fixed(r.wasmMemoryMiB, 0), fixed(r.msPerStep, 0), ''];
  });
  const hasErrors = rows.some((r) => r[8] !== '');
  const headers = ['impl', 'dtype', 'setup', 'RSS before, MiB', 'peak RSS, MiB', 'peak − before, MiB', 'wasm memory, MiB', 'ms/step', 'note'];
  return renderTable({ headers: hasErrors ? headers : headers.slice(0, 8), rows: hasErrors ? rows : rows.map((r) => r.slice(0, 8)) }, markdown);
}

/**
 * Whether the three implementations learn alike: each draws its own weights and batches,
 * so the check is a band, not equality. The band (0.15 + 25 % of the median) is wide
 * enough for two different seeds after 100 steps (mean losses 0.45–0.55 here) and
 * narrow enough to catch a wrong gradient, which stalls near ln 10 ≈ 2.30.
 */
export function lossAgreement(results: ConvResults): { ok: boolean; line: string } {
  const means = results.train.filter((r) => r.meanLastLoss !== undefined).map((r) => ({ name: `${r.impl} ${r.dtype}`, value: r.meanLastLoss! }));
  if (means.length < 2) return { ok: true, line: 'Loss agreement: fewer than two runs finished, nothing to compare.' };
  const mid = median(means.map((m) => m.value));
  const band = 0.15 + 0.25 * mid;
  const outside = means.filter((m) => Math.abs(m.value - mid) > band);
  const spread = `${min(means.map((m) => m.value)).toFixed(4)}–${Math.max(...means.map((m) => m.value)).toFixed(4)}`;
  return outside.length === 0
    ? { ok: true, line: `Loss agreement: every run's mean loss over its last ${Math.min(results.lossWindow, results.iters)} steps is within ${band.toFixed(3)} of the median ${mid.toFixed(4)} (range ${spread}).` }
    : { ok: false, line: `Loss agreement: FAILED: ${outside.map((m) => `${m.name} ${m.value.toFixed(4)}`).join(', ')} more than ${band.toFixed(3)} from the median ${mid.toFixed(4)}.` };
}

export function convTargets(results: ConvResults): TargetCheck[] {
  const nabla = results.train.find((r) => r.impl === 'nabla' && r.isDefault && r.dtype === 'float32' && r.seconds.length > 0);
  const numpy = fastestRow(results.train, 'NumPy', 'float32');
  const torch = fastestRow(results.train, 'PyTorch', 'float32');
  const epoch = results.iters === 600 ? 'per epoch' : `per ${results.iters} steps (an epoch is 600)`;
  const checks: TargetCheck[] = [];
  const target1 = `SimpleConvNet float32 ≤ 0.3× NumPy float32, ${epoch}`;
  if (nabla && numpy) {
    const r = min(nabla.seconds) / min(numpy.seconds);
    checks.push({ target: target1, measured: `${ratio(r)} (${min(nabla.seconds).toFixed(2)} s vs ${min(numpy.seconds).toFixed(2)} s)`, status: r <= 0.3 ? 'met' : 'not met' });
  } else checks.push({ target: target1, measured: 'needs nabla and NumPy float32 runs', status: 'n/a' });
  const target2 = `SimpleConvNet float32 faster than PyTorch float32, ${epoch}`;
  if (nabla && torch) {
    const r = min(nabla.seconds) / min(torch.seconds);
    checks.push({ target: target2, measured: `${ratio(r)} (${min(nabla.seconds).toFixed(2)} s vs ${min(torch.seconds).toFixed(2)} s)`, status: r < 1 ? 'met' : 'not met' });
  } else checks.push({ target: target2, measured: 'needs nabla and PyTorch float32 runs', status: 'n/a' });
  return checks;
}

export function renderConv(results: ConvResults, markdown: boolean): string {
  const h = (title: string): string => (markdown ? `### ${title}` : title);
  const loads = results.loads.map((l) => l.toFixed(2)).join(' → ');
  const torchThreads = results.torchDefaultThreads === undefined ? '' : ` PyTorch ${results.versions.torch ?? ''} runs with every core and with its own default (${results.torchDefaultThreads} thread${results.torchDefaultThreads === 1 ? '' : 's'} here).`;
  const parts = [
    h(`SimpleConvNet training: batch 100, Adam lr 0.001, ${results.iters} steps, ${results.rounds} interleaved round(s); load ${loads}`),
    trainTable(results, markdown),
    `Ratios are this row's time ÷ the fastest run of that implementation and dtype, loop and whole process. The targets are checked on nabla's default row (all cores) against the fastest NumPy and PyTorch rows.${torchThreads}`,
    lossAgreement(results).line,
    ...(results.notes.length > 0 ? [results.notes.map((n) => `- ${n}`).join('\n')] : []),
    h(`DeepConvNet: scoring ${results.evalImages === 10000 ? 'the 10000' : `the first ${results.evalImages} of the 10000`} test images (blocks of 100, fresh weights)`),
    evalTable(results, markdown),
    h('DeepConvNet: peak memory of a training step (batch 100, random pixels, 3 gradient + Adam steps)'),
    memoryTable(results, markdown),
    h('Conv targets'),
    renderTable({ headers: ['target', 'measured', 'status'], rows: convTargets(results).map((c) => [c.target, c.measured, c.status]) }, markdown),
  ];
  return `${parts.join('\n\n')}\n`;
}
