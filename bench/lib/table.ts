// Tables as aligned text for the terminal or as Markdown for BENCHMARKS.md. Columns whose
// cells are all figures are right-aligned, so that digits line up; the rest read left.

export interface Table {
  headers: readonly string[];
  rows: readonly (readonly string[])[];
}

export function renderTable(table: Table, markdown: boolean): string {
  const numeric = table.headers.map((_, i) => table.rows.length > 0 && table.rows.every((row) => isFigure(row[i] ?? '')));
  return markdown ? renderMarkdown(table, numeric) : renderText(table, numeric);
}

function isFigure(cell: string): boolean {
  return /^(—|[-+]?\d[\d.]*(e[-+]?\d+)?×?)$/.test(cell);
}

function renderMarkdown({ headers, rows }: Table, numeric: readonly boolean[]): string {
  const escape = (cell: string): string => cell.replace(/\|/g, '\\|');
  const line = (cells: readonly string[]): string => `| ${cells.map(escape).join(' | ')} |`;
  const rule = `|${numeric.map((right) => (right ? ' ---: ' : ' --- ')).join('|')}|`;
  return [line(headers), rule, ...rows.map(line)].join('\n');
}

function renderText({ headers, rows }: Table, numeric: readonly boolean[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells.map((cell, i) => (numeric[i] ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
