import { esc } from '../plot/svg.js';

/** A table of an experiment's figures: what it prints, and writes as CSV and JSON. */
export interface ExperimentTable {
  columns: string[];
  rows: (string | number)[][];
}

/** What an experiment computes: its table, and its figure as SVG. */
export interface ExperimentResult {
  table: ExperimentTable;
  /** The book's figure. */
  svg: string;
  /** Further figures, by file name. */
  extraFigures?: Record<string, string>;
  /** The curves and settings behind the figure, for table.json. */
  data: Record<string, unknown>;
}

/**
 * Charts side by side in one SVG, `columns` to a row, as the book's subplots: each
 * chart is a complete <svg> of `width`×`height`, nested at its place.
 */
export function panelGrid(charts: readonly string[], columns: number, width: number, height: number, title?: string): string {
  const rows = Math.ceil(charts.length / columns);
  const top = title ? 32 : 0;
  const w = columns * width;
  const h = top + rows * height;
  const out = [`<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" role="img">`, '<rect width="100%" height="100%" fill="#fff"/>'];
  if (title) out.push(`<text x="${w / 2}" y="22" text-anchor="middle" font-family="system-ui, sans-serif" font-size="16" font-weight="600">${esc(title)}</text>`);
  charts.forEach((chart, i) => {
    const x = (i % columns) * width;
    const y = top + Math.floor(i / columns) * height;
    // Nested <svg> elements take their place from x and y; the xmlns is inherited.
    out.push(chart.replace(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" /, `<svg x="${x}" y="${y}" `));
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
