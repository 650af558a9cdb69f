import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cellRange, filtersSvg, grayR, greyHex, type CellGrid } from '../../src/plot/filters.js';
import { assertBalancedTags, filterFills, mapPixels } from './filters_svg.js';

function count(svg: string, pattern: RegExp): number {
  return [...svg.matchAll(pattern)].length;
}

/** Two 3×3 filters: the first a ramp 0..8, the second a ramp 8..0 scaled down a thousand times. */
const RAMPS: CellGrid = {
  data: [...Array.from({ length: 9 }, (_, i) => i), ...Array.from({ length: 9 }, (_, i) => (8 - i) / 1000)],
  count: 2, height: 3, width: 3,
};

describe('filtersSvg', () => {
  it('draws one group of FH×FW squares per filter, each shaded by its own range: largest black', () => {
    const svg = filtersSvg({ title: 'ramps', filters: RAMPS, filtersCaption: '2 filters 3×3' });
    assertBalancedTags(svg);
    assert.equal(count(svg, /<g class="filter"/g), 2);
    assert.equal(count(svg, /<rect class="w"/g), 18);
    const first = filterFills(svg, 0);
    const second = filterFills(svg, 1);
    assert.equal(first.length, 9);
    // Own range each: the tiny second filter is as black and white as the first, mirrored.
    assert.equal(first[8], '#000000');
    assert.equal(first[0], '#ffffff');
    assert.equal(first[4], greyHex(0.5));
    assert.deepEqual(second, [...first].reverse());
    assert.match(svg, /<title>filter 1: 0 \(white\) to 8 \(black\)<\/title>/);
    assert.match(svg, />2 filters 3×3<\/text>/);
    assert.doesNotMatch(svg, /feature-map/);
  });

  it('puts the darkest square where the largest weight is, whatever the pattern', () => {
    const data = [0.1, -0.3, 0.2, 0.05, -0.9, 0.7, 0.15, 0.4, 0.0];
    const svg = filtersSvg({ title: 't', filters: { data, count: 1, height: 3, width: 3 }, filtersCaption: 'c' });
    const fills = filterFills(svg, 0);
    assert.equal(fills.indexOf('#000000'), 5); // 0.7
    assert.equal(fills.indexOf('#ffffff'), 4); // -0.9
    // Shading is monotonic in the weight: sorting by weight sorts by darkness.
    const byWeight = data.map((w, i) => [w, parseInt(fills[i]!.slice(1, 3), 16)] as const).sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < byWeight.length; i++) assert.ok(byWeight[i]![1] <= byWeight[i - 1]![1]);
  });

  it('lays filters out `columns` to a row (the book\'s 8 by default)', () => {
    const filters: CellGrid = { data: Array.from({ length: 10 * 4 }, (_, i) => i % 7), count: 10, height: 2, width: 2 };
    const svg = filtersSvg({ title: 't', filters, filtersCaption: 'c' });
    const origin = (i: number) => {
      const m = new RegExp(`<g class="filter" data-index="${i}"><title>[^<]*</title><rect class="w" x="([\\d.]+)" y="([\\d.]+)"`).exec(svg)!;
      return [Number(m[1]), Number(m[2])];
    };
    assert.equal(origin(7)[1], origin(0)[1]);
    assert.ok(origin(7)[0]! > origin(6)[0]!);
    assert.equal(origin(8)[0], origin(0)[0]);
    assert.ok(origin(8)[1]! > origin(0)[1]!);
    const three = filtersSvg({ title: 't', filters, filtersCaption: 'c', columns: 3 });
    assert.equal(count(three, /<g class="filter"/g), 10);
    assert.throws(() => filtersSvg({ title: 't', filters, filtersCaption: 'c', columns: 0 }), /columns must be a positive integer/);
  });

  it('draws a flat filter white, as matplotlib does, and ignores non-finite values in the range', () => {
    const svg = filtersSvg({ title: 't', filters: { data: [0.5, 0.5, 0.5, 0.5, 1, NaN, 3, 2], count: 2, height: 2, width: 2 }, filtersCaption: 'c' });
    assert.deepEqual(filterFills(svg, 0), ['#ffffff', '#ffffff', '#ffffff', '#ffffff']);
    assert.deepEqual(filterFills(svg, 1), ['#ffffff', '#ffffff', '#000000', greyHex(0.5)]);
  });

  it('adds one PNG feature map per filter below the filters, and the input, each on its own scale', () => {
    const maps: CellGrid = { data: Array.from({ length: 2 * 4 * 5 }, (_, i) => Math.sin(i)), count: 2, height: 4, width: 5 };
    const input = Array.from({ length: 9 }, (_, i) => i / 8);
    const svg = filtersSvg({ title: 't', filters: RAMPS, filtersCaption: 'c', maps: { grid: maps, caption: 'maps for x.png', input: { pixels: input, height: 3, width: 3 } } });
    assertBalancedTags(svg);
    assert.equal(count(svg, /<image class="feature-map"/g), 2);
    assert.equal(count(svg, /<image class="input"/g), 1);
    assert.match(svg, />maps for x\.png<\/text>/);
    for (let k = 0; k < 2; k++) {
      const { width, height, pixels } = mapPixels(svg, k);
      assert.deepEqual([width, height], [5, 4]);
      const cell = Array.from(maps.data).slice(k * 20, (k + 1) * 20);
      const [lo, hi] = [Math.min(...cell), Math.max(...cell)];
      cell.forEach((v, i) => assert.ok(Math.abs(pixels[i]! - grayR(v, lo, hi)) <= 0.5 / 255 + 1e-12, `map ${k} pixel ${i}`));
    }
    const mapY = Number(/<image class="feature-map" data-index="0" x="[\d.]+" y="([\d.]+)"/.exec(svg)![1]);
    const lastFilterY = Number(/<g class="filter" data-index="1"><title>[^<]*<\/title><rect class="w" x="[\d.]+" y="([\d.]+)"/.exec(svg)![1]);
    assert.ok(mapY > lastFilterY, 'maps below the filters');
  });

  it('escapes text and refuses grids whose data do not fit their shape', () => {
    const svg = filtersSvg({ title: 'a <b> & "c"', subtitle: 'x\u0007y', filters: RAMPS, filtersCaption: '<c>' });
    assertBalancedTags(svg);
    assert.match(svg, /a &lt;b&gt; &amp; &quot;c&quot;/);
    assert.match(svg, />xy<\/text>/);
    assert.throws(() => filtersSvg({ title: 't', filters: { ...RAMPS, count: 3 }, filtersCaption: 'c' }), /filters has 18 values, not 3 cells of 3×3/);
    assert.throws(() => filtersSvg({ title: 't', filters: { ...RAMPS, height: 0 }, filtersCaption: 'c' }), /filters\.height must be a positive integer/);
  });
});

describe('shading helpers', () => {
  it('gray_r: the top of the range black, the bottom white; cellRange skips non-finite values', () => {
    assert.equal(grayR(2, -2, 2), 0);
    assert.equal(grayR(-2, -2, 2), 1);
    assert.equal(grayR(0, -2, 2), 0.5);
    assert.equal(grayR(5, 5, 5), 1);
    assert.equal(greyHex(0), '#000000');
    assert.equal(greyHex(1), '#ffffff');
    assert.deepEqual(cellRange([NaN, 3, -Infinity, 1, 9], 1, 3), [1, 3]);
    assert.equal(cellRange([NaN], 0, 1), undefined);
  });
});
