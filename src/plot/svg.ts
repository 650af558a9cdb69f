// Dependency-free SVG line charts for training curves: accuracy by epoch and loss by
// iteration. Output is a self-contained SVG string (no scripts, no external fonts).
//
// Each series becomes a single <path>, with coordinates rounded to 2 decimals, so a
// 10000-iteration loss curve stays a ~150 kB file that browsers render instantly.
// Non-finite values break a line (pen up) and never reach the markup.

export type Point = readonly [number, number];

export interface Series {
  name: string;
  points: ReadonlyArray<Point>;
  /** 'line' joins the points; 'points' draws a dot at each. Default 'line'. */
  style?: 'line' | 'points';
  color?: string;
  /** Line width, or dot diameter for 'points'. */
  size?: number;
  opacity?: number;
  dashed?: boolean;
  /** false keeps the series out of the legend (e.g. raw points behind a smoothed line). */
  legend?: boolean;
}

export type LegendPosition = 'auto' | 'top-right' | 'top-left' | 'bottom-right' | 'bottom-left' | 'none';

export interface LineChartOptions {
  title?: string;
  xLabel?: string;
  yLabel?: string;
  series: Series[];
  xRange?: readonly [number, number];
  yRange?: readonly [number, number];
  width?: number;
  height?: number;
  /** 'auto' (default) picks the corner that covers the fewest data points. */
  legend?: LegendPosition;
}

const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
const FONT_STACK = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
// Rough advance of one character at 12px in the fonts above; only used to size boxes.
const CHAR_WIDTH = 7;
// Keeps a point far outside an explicit range from producing absurd coordinates.
const COORD_LIMIT = 1e5;

export function lineChart(options: LineChartOptions): string {
  const width = options.width ?? 640;
  const height = options.height ?? 400;
  const series = options.series;

  const xs: number[] = [];
  const ys: number[] = [];
  for (const s of series) {
    for (const [x, y] of s.points) {
      if (Number.isFinite(x) && Number.isFinite(y)) { xs.push(x); ys.push(y); }
    }
  }

  const top = options.title ? 48 : 20;
  const bottom = options.xLabel ? 56 : 36;
  const right = 24;
  const approxPlotWidth = width - 80 - right;
  const approxPlotHeight = height - top - bottom;

  const [xLo, xHi] = options.xRange ? checkedRange(options.xRange, 'xRange') : padIfFlat(extent(xs));
  const xTicks = niceTicks(xLo, xHi, Math.max(2, Math.round(approxPlotWidth / 90)));
  let [yLo, yHi] = options.yRange ? checkedRange(options.yRange, 'yRange') : padIfFlat(extent(ys));
  let yTicks = niceTicks(yLo, yHi, Math.max(2, Math.round(approxPlotHeight / 55)));
  if (!options.yRange) {
    // Let the y axis end on gridlines, so the top and bottom of the plot are labelled.
    const step = tickStep(yTicks);
    yLo = Math.min(yLo, roundTo(Math.floor(yLo / step + 1e-9) * step, step));
    yHi = Math.max(yHi, roundTo(Math.ceil(yHi / step - 1e-9) * step, step));
    yTicks = niceTicks(yLo, yHi, Math.max(2, Math.round(approxPlotHeight / 55)));
  }
  const xLabels = tickLabels(xTicks);
  const yLabels = tickLabels(yTicks);

  const longestY = Math.max(0, ...yLabels.map((l) => l.length));
  const left = (options.yLabel ? 30 : 10) + 10 + longestY * CHAR_WIDTH;
  const pw = Math.max(10, width - left - right);
  const ph = Math.max(10, height - top - bottom);
  const sx = (x: number) => clampCoord(left + ((x - xLo) / (xHi - xLo)) * pw);
  const sy = (y: number) => clampCoord(top + ph - ((y - yLo) / (yHi - yLo)) * ph);

  // Ids are document-wide when several charts are inlined in one page; deriving this one
  // from the geometry keeps output deterministic and makes any collision harmless.
  const clipId = `plot-clip-${[left, top, pw, ph].map((v) => Math.round(v)).join('-')}`;

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img">`,
    `<title>${esc(options.title ?? 'chart')}</title>`,
    `<style>text{font-family:${FONT_STACK};fill:#333}.tick{font-size:12px;fill:#555}` +
      `.title{font-size:16px;font-weight:600}.label{font-size:13px}.legend{font-size:12px}</style>`,
    `<defs><clipPath id="${clipId}"><rect x="${n2(left)}" y="${n2(top)}" width="${n2(pw)}" height="${n2(ph)}"/></clipPath></defs>`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<rect class="plot-area" x="${n2(left)}" y="${n2(top)}" width="${n2(pw)}" height="${n2(ph)}" fill="#fcfcfc"/>`,
  );

  // Grid and ticks.
  const grid: string[] = [];
  const tickMarks: string[] = [];
  const labels: string[] = [];
  xTicks.forEach((t, i) => {
    const x = n2(sx(t));
    grid.push(`M${x} ${n2(top)}V${n2(top + ph)}`);
    tickMarks.push(`M${x} ${n2(top + ph)}v5`);
    labels.push(`<text class="tick tick-x" x="${x}" y="${n2(top + ph + 20)}" text-anchor="middle">${esc(xLabels[i]!)}</text>`);
  });
  yTicks.forEach((t, i) => {
    const y = n2(sy(t));
    grid.push(`M${n2(left)} ${y}H${n2(left + pw)}`);
    tickMarks.push(`M${n2(left)} ${y}h-5`);
    labels.push(`<text class="tick tick-y" x="${n2(left - 8)}" y="${y}" dy="0.32em" text-anchor="end">${esc(yLabels[i]!)}</text>`);
  });
  out.push(`<path class="grid" d="${grid.join('')}" stroke="#e6e6e6" stroke-width="1" fill="none"/>`);

  // Data, clipped to the plot area so an explicit range cuts lines cleanly.
  out.push(`<g clip-path="url(#${clipId})">`);
  series.forEach((s, i) => {
    const color = s.color ?? PALETTE[i % PALETTE.length]!;
    const d = s.style === 'points' ? pointsPath(s.points, sx, sy) : linePath(s.points, sx, sy);
    if (d === '') return;
    const size = s.size ?? (s.style === 'points' ? 3 : 2);
    const attrs = [
      `class="series series-${s.style === 'points' ? 'points' : 'line'}"`,
      `data-name="${esc(s.name)}"`,
      `d="${d}"`,
      `fill="none"`,
      `stroke="${esc(color)}"`,
      `stroke-width="${n2(size)}"`,
      // Round caps are what make the zero-length "h0" segments visible as dots.
      `stroke-linecap="round"`,
      `stroke-linejoin="round"`,
    ];
    if (s.opacity !== undefined) attrs.push(`stroke-opacity="${n2(clamp(s.opacity, 0, 1))}"`);
    if (s.dashed) attrs.push(`stroke-dasharray="${n2(size * 3)} ${n2(size * 2)}"`);
    out.push(`<path ${attrs.join(' ')}/>`);
  });
  out.push(`</g>`);

  // Axes on top of the data.
  out.push(
    `<path class="axis" d="M${n2(left)} ${n2(top)}V${n2(top + ph)}H${n2(left + pw)}${tickMarks.join('')}" stroke="#777" stroke-width="1" fill="none"/>`,
    ...labels,
  );
  if (options.title) {
    out.push(`<text class="title" x="${n2(left + pw / 2)}" y="28" text-anchor="middle">${esc(options.title)}</text>`);
  }
  if (options.xLabel) {
    out.push(`<text class="label" x="${n2(left + pw / 2)}" y="${n2(top + ph + 44)}" text-anchor="middle">${esc(options.xLabel)}</text>`);
  }
  if (options.yLabel) {
    const cx = 16;
    const cy = top + ph / 2;
    out.push(`<text class="label" x="${cx}" y="${n2(cy)}" transform="rotate(-90 ${cx} ${n2(cy)})" text-anchor="middle" dy="0.32em">${esc(options.yLabel)}</text>`);
  }

  out.push(legend(series, options.legend ?? 'auto', { left, top, pw, ph }, sx, sy));
  out.push('</svg>');
  return out.filter((s) => s !== '').join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------
// Paths

function linePath(points: ReadonlyArray<Point>, sx: (x: number) => number, sy: (y: number) => number): string {
  const parts: string[] = [];
  let run = 0;
  for (const [x, y] of points) {
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      if (run === 1) parts.push('h0');
      run = 0;
      continue;
    }
    parts.push(`${run === 0 ? 'M' : 'L'}${n2(sx(x))} ${n2(sy(y))}`);
    run++;
  }
  // A run of one point (a single point, or one isolated by NaNs) would draw nothing.
  if (run === 1) parts.push('h0');
  return parts.join('');
}

function pointsPath(points: ReadonlyArray<Point>, sx: (x: number) => number, sy: (y: number) => number): string {
  const parts: string[] = [];
  for (const [x, y] of points) {
    if (Number.isFinite(x) && Number.isFinite(y)) parts.push(`M${n2(sx(x))} ${n2(sy(y))}h0`);
  }
  return parts.join('');
}

// ---------------------------------------------------------------------------------------
// Legend

interface Area { left: number; top: number; pw: number; ph: number }

function legend(
  series: Series[], position: LegendPosition, area: Area,
  sx: (x: number) => number, sy: (y: number) => number,
): string {
  const items = series.map((s, i) => ({ s, color: s.color ?? PALETTE[i % PALETTE.length]! })).filter(({ s }) => s.legend !== false);
  if (position === 'none' || items.length === 0) return '';
  const rowHeight = 18;
  const w = 12 + 24 + 8 + Math.max(...items.map(({ s }) => s.name.length)) * CHAR_WIDTH + 10;
  const h = 8 + items.length * rowHeight;
  const inset = 10;
  const corners: Record<Exclude<LegendPosition, 'auto' | 'none'>, [number, number]> = {
    'top-right': [area.left + area.pw - w - inset, area.top + inset],
    'bottom-right': [area.left + area.pw - w - inset, area.top + area.ph - h - inset],
    'top-left': [area.left + inset, area.top + inset],
    'bottom-left': [area.left + inset, area.top + area.ph - h - inset],
  };
  let chosen: [number, number];
  if (position === 'auto') {
    let best = Infinity;
    chosen = corners['top-right'];
    for (const corner of Object.values(corners)) {
      const covered = countInside(series, corner[0], corner[1], w, h, sx, sy);
      if (covered < best) { best = covered; chosen = corner; }
    }
  } else {
    chosen = corners[position];
  }
  const [x0, y0] = chosen;
  const parts = [`<g class="legend">`, `<rect x="${n2(x0)}" y="${n2(y0)}" width="${n2(w)}" height="${n2(h)}" rx="4" fill="#fff" fill-opacity="0.9" stroke="#ccc"/>`];
  items.forEach(({ s, color }, i) => {
    const cy = y0 + 4 + rowHeight * i + rowHeight / 2;
    const swatch = s.style === 'points'
      ? `M${n2(x0 + 24)} ${n2(cy)}h0`
      : `M${n2(x0 + 12)} ${n2(cy)}h24`;
    const size = s.style === 'points' ? Math.max(6, s.size ?? 3) : s.size ?? 2;
    const dash = s.dashed ? ` stroke-dasharray="${n2(size * 3)} ${n2(size * 2)}"` : '';
    parts.push(
      `<path d="${swatch}" stroke="${esc(color)}" stroke-width="${n2(size)}" stroke-linecap="round"${dash} fill="none"/>`,
      `<text class="legend" x="${n2(x0 + 44)}" y="${n2(cy)}" dy="0.32em">${esc(s.name)}</text>`,
    );
  });
  parts.push('</g>');
  return parts.join('\n');
}

function countInside(
  series: Series[], x0: number, y0: number, w: number, h: number,
  sx: (x: number) => number, sy: (y: number) => number,
): number {
  let count = 0;
  for (const s of series) {
    // Sampling is plenty to find the emptiest corner of a 10000-point curve.
    const stride = Math.max(1, Math.floor(s.points.length / 2000));
    for (let i = 0; i < s.points.length; i += stride) {
      const [x, y] = s.points[i]!;
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      const px = sx(x);
      const py = sy(y);
      if (px >= x0 && px <= x0 + w && py >= y0 && py <= y0 + h) count += stride;
    }
  }
  return count;
}

// ---------------------------------------------------------------------------------------
// Scales and ticks

/**
 * Round tick values (1, 2 or 5 × 10^k apart) covering [lo, hi], about `count` of them.
 * Values are rounded to the step's decimals, so 0.1 + 0.2 shows as 0.3.
 */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  if (lo > hi) [lo, hi] = [hi, lo];
  if (lo === hi) return [lo];
  const step = niceStep((hi - lo) / Math.max(1, count));
  const first = Math.ceil(lo / step - 1e-9);
  const last = Math.floor(hi / step + 1e-9);
  const ticks: number[] = [];
  for (let k = first; k <= last; k++) ticks.push(roundTo(k * step, step));
  return ticks;
}

function niceStep(raw: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const f = raw / magnitude;
  const nice = f <= 1.5 ? 1 : f <= 3 ? 2 : f <= 7 ? 5 : 10;
  return nice * magnitude;
}

function tickStep(ticks: number[]): number {
  return ticks.length >= 2 ? ticks[1]! - ticks[0]! : 1;
}

function decimalsFor(step: number): number {
  return Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
}

function roundTo(value: number, step: number): number {
  const r = Number(value.toFixed(Math.min(20, decimalsFor(step))));
  return Object.is(r, -0) ? 0 : r;
}

/** Labels for ticks, all with the same number of decimals; 10000 and up as "10k". */
export function tickLabels(ticks: number[]): string[] {
  if (ticks.length === 0) return [];
  const step = tickStep(ticks);
  const big = Math.max(...ticks.map(Math.abs)) >= 10000 && ticks.every((t) => t % 1000 === 0);
  if (big) return ticks.map((t) => (t === 0 ? '0' : `${t / 1000}k`));
  const decimals = ticks.length >= 2 ? decimalsFor(step) : decimalsFor(Math.abs(ticks[0]!) || 1);
  return ticks.map((t) => t.toFixed(Math.min(20, decimals)));
}

function extent(values: number[]): [number, number] {
  if (values.length === 0) return [0, 1];
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) { if (v < lo) lo = v; if (v > hi) hi = v; }
  return [lo, hi];
}

function padIfFlat([lo, hi]: [number, number]): [number, number] {
  if (lo !== hi) return [lo, hi];
  const pad = Math.abs(lo) * 0.1 || 1;
  return [lo - pad, hi + pad];
}

function checkedRange(range: readonly [number, number], name: string): [number, number] {
  const [lo, hi] = range;
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || !(lo < hi)) {
    throw new Error(`lineChart: ${name} must be two finite numbers [min, max] with min < max, got [${lo}, ${hi}]`);
  }
  return [lo, hi];
}

// ---------------------------------------------------------------------------------------
// Smoothing

/**
 * Centred moving average over `window` points (shrinking at the ends), ignoring
 * non-finite values; NaN only where a window holds no finite value at all.
 */
export function smooth(values: ArrayLike<number>, window: number): number[] {
  const n = values.length;
  const half = Math.floor(Math.max(1, Math.round(window)) / 2);
  const sum = new Float64Array(n + 1);
  const count = new Uint32Array(n + 1);
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    const ok = Number.isFinite(v);
    sum[i + 1] = sum[i]! + (ok ? v : 0);
    count[i + 1] = count[i]! + (ok ? 1 : 0);
  }
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const a = Math.max(0, i - half);
    const b = Math.min(n, i + half + 1);
    const c = count[b]! - count[a]!;
    out[i] = c === 0 ? NaN : (sum[b]! - sum[a]!) / c;
  }
  return out;
}

/**
 * Exponential moving average with bias correction (TensorBoard-style smoothing, weight
 * 0 ≤ beta < 1), skipping non-finite values.
 */
export function ema(values: ArrayLike<number>, beta = 0.9): number[] {
  if (!(beta >= 0 && beta < 1)) throw new Error(`ema: beta must be in [0, 1), got ${beta}`);
  const out = new Array<number>(values.length);
  let avg = 0;
  let weight = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isFinite(v)) {
      avg = beta * avg + (1 - beta) * v;
      weight = beta * weight + (1 - beta);
    }
    out[i] = weight === 0 ? NaN : avg / weight;
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// The two charts nabla draws

/** Train and test accuracy per epoch, y from 0 to 1 (the book's figure 4-12). */
export function accuracyChart(
  trainAcc: ArrayLike<number>, testAcc: ArrayLike<number>,
  options: { title?: string; firstEpoch?: number } = {},
): string {
  const first = options.firstEpoch ?? 1;
  const toPoints = (a: ArrayLike<number>) => Array.from(a, (v, i): Point => [first + i, v]);
  const last = first + Math.max(trainAcc.length, testAcc.length, 1) - 1;
  return lineChart({
    // Start the axis at 0 like the book's figure, so the first epoch is not on the edge.
    xRange: [Math.min(0, first), Math.max(last, Math.min(0, first) + 1)],
    title: options.title ?? 'Accuracy',
    xLabel: 'epoch',
    yLabel: 'accuracy',
    yRange: [0, 1],
    legend: 'bottom-right',
    series: [
      { name: 'train acc', points: toPoints(trainAcc) },
      { name: 'test acc', points: toPoints(testAcc), dashed: true },
    ],
  });
}

/** Loss per iteration: every raw value as a faint dot, plus a smoothed line. */
export function lossChart(
  losses: ArrayLike<number>,
  options: { title?: string; window?: number; color?: string } = {},
): string {
  const window = options.window ?? Math.max(1, Math.round(losses.length / 50));
  const color = options.color ?? PALETTE[0]!;
  const smoothed = smooth(losses, window);
  return lineChart({
    title: options.title ?? 'Training loss',
    xLabel: 'iteration',
    yLabel: 'loss',
    series: [
      { name: 'loss', points: Array.from(losses, (v, i): Point => [i, v]), style: 'points', size: 2, opacity: 0.25, color, legend: false },
      { name: `loss (moving average of ${window})`, points: smoothed.map((v, i): Point => [i, v]), color, size: 2 },
    ],
  });
}

// ---------------------------------------------------------------------------------------
// Formatting

function n2(v: number): string {
  const r = Math.round(v * 100) / 100;
  return Object.is(r, -0) ? '0' : String(r);
}

function clampCoord(v: number): number {
  return clamp(v, -COORD_LIMIT, COORD_LIMIT);
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

/** Escapes text for XML content and attributes, dropping characters XML 1.0 forbids. */
export function esc(text: string): string {
  return text
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}
