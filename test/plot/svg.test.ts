import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { accuracyChart, ema, esc, lineChart, lossChart, niceTicks, smooth, tickLabels, type Point } from '../../src/plot/svg.js';

/** Checks tag nesting and that the markup never carries non-numbers. */
function assertWellFormed(svg: string): void {
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.doesNotMatch(svg, /NaN|Infinity|undefined|null/);
  const stack: string[] = [];
  for (const [tag] of svg.matchAll(/<[^>]*>/g)) {
    const name = /^<\/?([a-zA-Z][\w:-]*)/.exec(tag)?.[1];
    assert.ok(name, `malformed tag ${tag}`);
    assert.equal((tag.match(/"/g) ?? []).length % 2, 0, `unbalanced quotes in ${tag.slice(0, 80)}`);
    if (tag.startsWith('</')) assert.equal(stack.pop(), name, `unexpected ${tag}`);
    else if (!tag.endsWith('/>')) stack.push(name);
  }
  assert.deepEqual(stack, [], 'unclosed tags');
  // Text between tags has no raw markup characters.
  for (const [, text] of svg.matchAll(/>([^<]*)</g)) assert.doesNotMatch(text!, /[<>]|&(?!(amp|lt|gt|quot|apos);)/);
}

function plotArea(svg: string) {
  const m = /<rect class="plot-area" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"/.exec(svg);
  assert.ok(m, 'plot area rect');
  const [x, y, w, h] = m.slice(1).map(Number) as [number, number, number, number];
  return { x, y, w, h };
}

function seriesCoords(svg: string, name: string): Point[] {
  const m = new RegExp(`data-name="${name}" d="([^"]*)"`).exec(svg);
  assert.ok(m, `path for ${name}`);
  return [...m[1]!.matchAll(/[ML](-?[\d.]+) (-?[\d.]+)/g)].map((c) => [Number(c[1]), Number(c[2])] as const);
}

function tickTexts(svg: string, axis: 'x' | 'y' | '' = ''): string[] {
  return [...svg.matchAll(/<text class="tick tick-(x|y)"[^>]*>([^<]*)<\/text>/g)].filter((m) => !axis || m[1] === axis).map((m) => m[2]!);
}

describe('niceTicks and tickLabels', () => {
  it('picks round steps', () => {
    assert.deepEqual(niceTicks(0, 1, 5), [0, 0.2, 0.4, 0.6, 0.8, 1]);
    assert.deepEqual(niceTicks(0, 9999, 5), [0, 2000, 4000, 6000, 8000]);
    assert.deepEqual(niceTicks(1, 17, 6), [2, 4, 6, 8, 10, 12, 14, 16]);
    assert.deepEqual(niceTicks(0.1, 0.7, 6), [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]);
    assert.deepEqual(niceTicks(-3, 3, 3), [-2, 0, 2]);
    assert.deepEqual(niceTicks(2.3, 2.3), [2.3]);
    assert.deepEqual(niceTicks(NaN, 1), []);
    for (const [lo, hi] of [[0, 1], [0.001, 0.0173], [1, 17], [-50, 2e6], [0.3, 2.45]] as const) {
      const ticks = niceTicks(lo, hi, 6);
      assert.ok(ticks.length >= 2 && ticks.length <= 13, `${lo}..${hi}: ${ticks}`);
      const step = ticks[1]! - ticks[0]!;
      const mantissa = step / 10 ** Math.floor(Math.log10(step));
      assert.ok([1, 2, 5].some((m) => Math.abs(mantissa - m) < 1e-9), `step ${step}`);
      for (const t of ticks) {
        assert.ok(t >= lo - 1e-12 && t <= hi + 1e-12, `${t} outside ${lo}..${hi}`);
        assert.ok(String(t).length <= 8, `tick ${t} is not round`);
      }
    }
  });

  it('labels ticks with equal decimals, and thousands as k', () => {
    assert.deepEqual(tickLabels([0, 0.5, 1]), ['0.0', '0.5', '1.0']);
    assert.deepEqual(tickLabels([0.02, 0.04]), ['0.02', '0.04']);
    assert.deepEqual(tickLabels([0, 5000, 10000]), ['0', '5k', '10k']);
    assert.deepEqual(tickLabels([2, 4, 6]), ['2', '4', '6']);
  });
});

describe('lineChart', () => {
  it('draws an accuracy chart like the book: y from 0 to 1, two series, legend, labels', () => {
    const train = [0.79, 0.88, 0.9, 0.91, 0.92, 0.93, 0.935, 0.94];
    const test = [0.8, 0.885, 0.9, 0.905, 0.915, 0.925, 0.93, 0.935];
    const svg = accuracyChart(train, test, { title: 'MNIST two-layer net' });
    assertWellFormed(svg);
    assert.deepEqual(tickTexts(svg, 'y'), ['0.0', '0.2', '0.4', '0.6', '0.8', '1.0']);
    assert.deepEqual(tickTexts(svg, 'x'), ['0', '1', '2', '3', '4', '5', '6', '7', '8']);
    for (const label of ['MNIST two-layer net', 'epoch', 'accuracy', 'train acc', 'test acc']) assert.ok(svg.includes(`>${label}<`), label);
    assert.match(svg, /font-family:system-ui/);

    const area = plotArea(svg);
    const pts = seriesCoords(svg, 'train acc');
    assert.equal(pts.length, train.length);
    // The x axis runs from epoch 0 to 8; y=0.79 at epoch 1 sits 79 % up the plot.
    assert.ok(Math.abs(pts[0]![0] - (area.x + area.w / 8)) < 0.01);
    assert.ok(Math.abs(pts[0]![1] - (area.y + area.h * (1 - 0.79))) < 0.01);
    assert.ok(Math.abs(pts[7]![0] - (area.x + area.w)) < 0.01);
  });

  it('keeps every point inside the plot area', () => {
    const points: Point[] = Array.from({ length: 50 }, (_, i) => [i * 3.7 - 20, Math.sin(i) * 123 + 40]);
    const svg = lineChart({ title: 't', xLabel: 'x', yLabel: 'y', series: [{ name: 'a', points }, { name: 'b', points, style: 'points' }] });
    assertWellFormed(svg);
    const { x, y, w, h } = plotArea(svg);
    for (const name of ['a', 'b']) {
      const coords = seriesCoords(svg, name);
      assert.equal(coords.length, points.length);
      for (const [px, py] of coords) {
        assert.ok(px >= x - 0.01 && px <= x + w + 0.01, `x ${px}`);
        assert.ok(py >= y - 0.01 && py <= y + h + 0.01, `y ${py}`);
      }
    }
    // The auto-extended y axis ends on labelled gridlines.
    const ys = tickTexts(svg, 'y').map(Number);
    assert.ok(Math.min(...ys) <= -83 && Math.max(...ys) >= 163, ys.join(' '));
  });

  it('handles 10000+ points with one path per series and 2-decimal numbers', () => {
    const losses = Array.from({ length: 12000 }, (_, i) => 2.3 * Math.exp(-i / 2000) + 0.1 * Math.sin(i * 12.9898) ** 2);
    const start = performance.now();
    const svg = lossChart(losses);
    const elapsed = performance.now() - start;
    assert.ok(elapsed < 1000, `took ${elapsed} ms`);
    assertWellFormed(svg);
    assert.equal((svg.match(/class="series /g) ?? []).length, 2);
    assert.doesNotMatch(svg, /\d\.\d{3}/);
    assert.ok(svg.length < 400_000, `${svg.length} bytes`);
    assert.equal(seriesCoords(svg, 'loss').length, 12000);
    assert.match(svg, /stroke-opacity="0.25"/);
    assert.ok(tickTexts(svg).includes('10k'));
  });

  it('skips NaN and Infinity, breaking the line there', () => {
    const svg = lineChart({
      series: [{ name: 's', points: [[0, 1], [1, NaN], [2, 3], [3, 4], [4, Infinity], [5, 2], [6, -Infinity], [NaN, 1]] }],
    });
    assertWellFormed(svg);
    const d = /data-name="s" d="([^"]*)"/.exec(svg)![1]!;
    // Runs: [0] alone, [2,3], [5] alone: three subpaths, the lone points as dots.
    assert.equal((d.match(/M/g) ?? []).length, 3);
    assert.equal((d.match(/L/g) ?? []).length, 1);
    assert.equal((d.match(/h0/g) ?? []).length, 2);
  });

  it('draws a single point, constant and empty series without degenerate scales', () => {
    for (const series of [
      [{ name: 'one', points: [[3, 0.5]] as Point[] }],
      [{ name: 'flat', points: [[0, 2], [1, 2], [2, 2]] as Point[] }],
      [{ name: 'zero', points: [[0, 0], [1, 0]] as Point[] }],
      [{ name: 'none', points: [] as Point[] }, { name: 'nan', points: [[NaN, NaN]] as Point[] }],
    ]) {
      const svg = lineChart({ title: 'edge', series });
      assertWellFormed(svg);
      assert.ok(tickTexts(svg).length >= 2);
    }
    const single = lineChart({ series: [{ name: 'one', points: [[3, 0.5]] }] });
    const { x, y, w, h } = plotArea(single);
    const [[px, py]] = seriesCoords(single, 'one') as [Point];
    assert.ok(px > x && px < x + w && py > y && py < y + h);
    assert.match(single, /h0"/);
  });

  it('escapes text and rejects bad ranges', () => {
    const svg = lineChart({
      title: '<script>alert("x")</script> & \'co\'\u0001',
      xLabel: 'a<b',
      series: [{ name: '"quoted" & <tagged>', points: [[0, 0], [1, 1]], color: '#f00" onload="x' }],
    });
    assertWellFormed(svg);
    assert.ok(svg.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &apos;co&apos;<'));
    assert.doesNotMatch(svg, /<script|onload="/);
    assert.equal(esc('a&b<c>"d\''), 'a&amp;b&lt;c&gt;&quot;d&apos;');
    assert.throws(() => lineChart({ series: [], yRange: [1, 0] }), /yRange must be two finite numbers/);
  });

  it('clips to an explicit y range', () => {
    const svg = lineChart({ yRange: [0, 1], series: [{ name: 's', points: [[0, -5], [1, 0.5], [2, 1e300]] }] });
    assertWellFormed(svg);
    assert.match(svg, /<g clip-path="url\(#plot-clip-[\d-]+\)">/);
    assert.deepEqual(tickTexts(svg, 'y'), ['0.0', '0.2', '0.4', '0.6', '0.8', '1.0']);
  });

  it('puts the legend in the emptiest corner', () => {
    // Data in the bottom-left and top-right corners only.
    const rising: Point[] = Array.from({ length: 100 }, (_, i) => [i, i < 50 ? 0.05 : 0.95]);
    const svg = lineChart({ yRange: [0, 1], series: [{ name: 'rising', points: rising }] });
    const area = plotArea(svg);
    const box = /<g class="legend">\n<rect x="([\d.]+)" y="([\d.]+)"/.exec(svg)!;
    const [bx, by] = [Number(box[1]), Number(box[2])];
    assert.ok(bx > area.x + area.w / 2 ? by > area.y + area.h / 2 : by < area.y + area.h / 2, `legend at ${bx},${by}`);
    assert.doesNotMatch(lineChart({ legend: 'none', series: [{ name: 'x', points: rising }] }), /class="legend"/);
  });
});

describe('smoothing', () => {
  it('smooth is a centred moving average that ignores non-finite values', () => {
    assert.deepEqual(smooth([1, 2, 3, 4, 5], 3), [1.5, 2, 3, 4, 4.5]);
    assert.deepEqual(smooth([1, NaN, 3], 3), [1, 2, 3]);
    assert.deepEqual(smooth([1, 2], 1), [1, 2]);
    const s = smooth([NaN, NaN], 1);
    assert.ok(Number.isNaN(s[0]) && Number.isNaN(s[1]));
    assert.deepEqual(smooth([], 5), []);
  });

  it('ema is bias-corrected and skips non-finite values', () => {
    const e = ema([2, 2, 2, NaN, 2], 0.9);
    for (const v of e) assert.ok(Math.abs(v - 2) < 1e-12);
    const r = ema([0, 10], 0.5);
    assert.equal(r[0], 0);
    assert.ok(Math.abs(r[1]! - 10 * 0.5 / 0.75) < 1e-12);
    assert.throws(() => ema([1], 1), /beta must be in \[0, 1\)/);
  });
});
