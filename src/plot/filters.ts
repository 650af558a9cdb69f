// A first convolution's filters, and optionally its feature maps for one image, as a grid
// of small grey squares in one self-contained SVG: the book's ch07/visualize_filter.py
// (figure 7-24), which draws each filter with its own min..max and cmap gray_r.
//
// Shading is gray_r throughout: the largest value of a cell is black, its smallest white.
// Filters are drawn as one <rect> per weight, crisp at any zoom in every viewer (a 5×5
// bitmap scaled up would be blurred by those that ignore image-rendering); feature maps,
// hundreds of values each, are embedded 8-bit PNGs drawn pixelated, as digit_grid.ts does.

import { encodePng } from '../data/digit_grid.js';
import { esc } from './svg.js';

/** `count` row-major height×width cells, one after another in `data` (W1[:, 0] of a conv layer). */
export interface CellGrid {
  data: ArrayLike<number>;
  count: number;
  height: number;
  width: number;
}

export interface FilterFigure {
  /** The first line of the picture (the model). */
  title: string;
  /** A second, smaller line under the title (the network). */
  subtitle?: string;
  filters: CellGrid;
  /** Says what the filters are: their number, size, channel. */
  filtersCaption: string;
  /** The convolution's output for one image: one map per filter, drawn below the filters. */
  maps?: {
    grid: CellGrid;
    caption: string;
    /** The image the maps are for, in 0..1 (ink = 1), drawn before them on its own fixed scale. */
    input?: { pixels: ArrayLike<number>; height: number; width: number };
  };
  /** Cells per row; the book's nx = 8. */
  columns?: number;
}

const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
const MARGIN = 16;
const GAP = 8;
/** Side a filter is drawn at, about; its weights are whole pixels. */
const FILTER_SIDE = 48;
/** Side a feature map is drawn at, about. */
const MAP_SIDE = 56;
const LINE = 18;
const HEADING = 24;

/**
 * The smallest and largest finite value of `size` values from `offset`, or undefined
 * when there is none. (A loaded model has only finite weights; a stray NaN must not
 * turn a whole cell blank.)
 */
export function cellRange(data: ArrayLike<number>, offset: number, size: number): [number, number] | undefined {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = offset; i < offset + size; i++) {
    const v = data[i]!;
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : undefined;
}

/**
 * The luminance (0 black … 1 white) gray_r gives `value` in [lo, hi]: hi is black, lo
 * white. A flat cell (lo = hi) is white, as matplotlib draws it; non-finite values too.
 */
export function grayR(value: number, lo: number, hi: number): number {
  if (!Number.isFinite(value) || !(hi > lo)) return 1;
  const t = (value - lo) / (hi - lo);
  return 1 - Math.min(1, Math.max(0, t));
}

/** One cell's luminances, scaled by its own range. */
export function cellLuminance(grid: CellGrid, index: number): Float64Array {
  const size = grid.height * grid.width;
  const offset = index * size;
  const [lo, hi] = cellRange(grid.data, offset, size) ?? [0, 0];
  const out = new Float64Array(size);
  for (let i = 0; i < size; i++) out[i] = grayR(grid.data[offset + i]!, lo, hi);
  return out;
}

/** #rrggbb grey of a luminance in 0..1. */
export function greyHex(luminance: number): string {
  const byte = Math.round(Math.min(1, Math.max(0, luminance)) * 255);
  const hex = byte.toString(16).padStart(2, '0');
  return `#${hex}${hex}${hex}`;
}

/** The whole picture: title, the filters, and the feature maps when given. */
export function filtersSvg(figure: FilterFigure): string {
  const columns = figure.columns ?? 8;
  if (!Number.isInteger(columns) || columns < 1) throw new Error(`filtersSvg: columns must be a positive integer, got ${columns}`);
  checkGrid('filters', figure.filters);
  if (figure.maps) checkGrid('maps', figure.maps.grid);

  const filterScale = Math.max(1, Math.floor(FILTER_SIDE / Math.max(figure.filters.height, figure.filters.width)));
  const filterW = figure.filters.width * filterScale;
  const filterH = figure.filters.height * filterScale;
  const maps = figure.maps;
  const mapScale = maps ? Math.max(1, Math.floor(MAP_SIDE / Math.max(maps.grid.height, maps.grid.width))) : 1;
  const mapW = maps ? maps.grid.width * mapScale : 0;
  const mapH = maps ? maps.grid.height * mapScale : 0;

  const body: string[] = [];
  let y = MARGIN + LINE;
  body.push(`<text class="title" x="${MARGIN}" y="${y}">${esc(figure.title)}</text>`);
  if (figure.subtitle !== undefined) {
    y += LINE;
    body.push(`<text class="note" x="${MARGIN}" y="${y}">${esc(figure.subtitle)}</text>`);
  }
  y += HEADING;
  body.push(`<text class="caption" x="${MARGIN}" y="${y}">${esc(figure.filtersCaption)}</text>`);
  y += GAP;
  const filterBlock = gridBlock(figure.filters.count, columns, filterW, filterH, MARGIN, y);
  for (let i = 0; i < figure.filters.count; i++) {
    const [x0, y0] = filterBlock.at(i);
    body.push(filterRects(figure.filters, i, x0, y0, filterScale));
  }
  y += filterBlock.height;
  let width = MARGIN + filterBlock.width;

  if (maps) {
    y += HEADING + GAP;
    body.push(`<text class="caption" x="${MARGIN}" y="${y}">${esc(maps.caption)}</text>`);
    y += GAP;
    if (maps.input) {
      const { pixels, height, width: w } = maps.input;
      if (pixels.length !== height * w) throw new Error(`filtersSvg: the input has ${pixels.length} pixels, not ${w}×${height}`);
      // The input on a fixed 0..1 scale: ink black, paper white, as the maps are shaded.
      const gray = Float64Array.from(pixels, (v) => grayR(v, 0, 1));
      const inW = w * mapScale;
      const inH = height * mapScale;
      body.push(`<image class="input" x="${MARGIN}" y="${y}" width="${inW}" height="${inH}" href="${pngUri(gray, w, height)}"><title>the input</title></image>`);
      body.push(`<text class="note" x="${MARGIN + inW + GAP}" y="${y + inH / 2}" dy="0.32em">the input, as the network sees it</text>`);
      y += inH + GAP * 2;
      width = Math.max(width, MARGIN + inW + GAP + 240);
    }
    const mapBlock = gridBlock(maps.grid.count, columns, mapW, mapH, MARGIN, y);
    for (let i = 0; i < maps.grid.count; i++) {
      const [x0, y0] = mapBlock.at(i);
      const range = cellRange(maps.grid.data, i * maps.grid.height * maps.grid.width, maps.grid.height * maps.grid.width);
      body.push(
        `<image class="feature-map" data-index="${i}" x="${x0}" y="${y0}" width="${mapW}" height="${mapH}" ` +
          `href="${pngUri(cellLuminance(maps.grid, i), maps.grid.width, maps.grid.height)}"><title>map ${i + 1}${rangeText(range)}</title></image>`,
      );
    }
    y += mapBlock.height;
    width = Math.max(width, MARGIN + mapBlock.width);
  }

  // Text is not measured; these are generous guesses at the width of a character.
  const textW = Math.max(figure.title.length * 8.5, (figure.subtitle?.length ?? 0) * 7, figure.filtersCaption.length * 7, (maps?.caption.length ?? 0) * 7);
  const totalW = Math.ceil(Math.max(width, MARGIN + textW) + MARGIN);
  const totalH = Math.ceil(y + MARGIN);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${totalW}" height="${totalH}" viewBox="0 0 ${totalW} ${totalH}" role="img">`,
    `<title>${esc(figure.title)}</title>`,
    `<style>text{font-family:${FONT};fill:#333}.title{font-size:15px;font-weight:600}.caption{font-size:13px}.note{font-size:12px;fill:#555}` +
      'image{image-rendering:optimizeSpeed;image-rendering:pixelated}</style>',
    `<rect width="100%" height="100%" fill="#fff"/>`,
    ...body,
    '</svg>',
  ].join('\n') + '\n';
}

/** One filter: a group of FH×FW squares and a thin frame, so a white filter still shows its extent. */
function filterRects(grid: CellGrid, index: number, x0: number, y0: number, scale: number): string {
  const size = grid.height * grid.width;
  const range = cellRange(grid.data, index * size, size);
  const shades = cellLuminance(grid, index);
  const parts = [`<g class="filter" data-index="${index}"><title>filter ${index + 1}${rangeText(range)}</title>`];
  for (let r = 0; r < grid.height; r++) {
    for (let c = 0; c < grid.width; c++) {
      parts.push(`<rect class="w" x="${x0 + c * scale}" y="${y0 + r * scale}" width="${scale}" height="${scale}" fill="${greyHex(shades[r * grid.width + c]!)}"/>`);
    }
  }
  parts.push(`<rect class="frame" x="${x0 - 0.5}" y="${y0 - 0.5}" width="${grid.width * scale + 1}" height="${grid.height * scale + 1}" fill="none" stroke="#bbb" stroke-width="1"/></g>`);
  return parts.join('');
}

function gridBlock(count: number, columns: number, cellW: number, cellH: number, x: number, y: number) {
  const cols = Math.max(1, Math.min(columns, count));
  const rows = Math.ceil(count / cols);
  return {
    width: cols * cellW + (cols - 1) * GAP,
    height: rows * cellH + Math.max(0, rows - 1) * GAP,
    at: (i: number): [number, number] => [x + (i % cols) * (cellW + GAP), y + Math.floor(i / cols) * (cellH + GAP)],
  };
}

function rangeText(range: [number, number] | undefined): string {
  return range ? `: ${formatValue(range[0])} (white) to ${formatValue(range[1])} (black)` : '';
}

function formatValue(v: number): string {
  return Number(v.toPrecision(3)).toString();
}

function pngUri(gray: Float64Array, width: number, height: number): string {
  return `data:image/png;base64,${Buffer.from(encodePng(gray, width, height)).toString('base64')}`;
}

function checkGrid(what: string, g: CellGrid): void {
  for (const [name, v] of [['count', g.count], ['height', g.height], ['width', g.width]] as const) {
    if (!Number.isSafeInteger(v) || v < 1) throw new Error(`filtersSvg: ${what}.${name} must be a positive integer, got ${v}`);
  }
  if (g.data.length !== g.count * g.height * g.width) {
    throw new Error(`filtersSvg: ${what} has ${g.data.length} values, not ${g.count} cells of ${g.height}×${g.width}`);
  }
}
