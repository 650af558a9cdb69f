// Tables as aligned text for the terminal or as Markdown for BENCHMARKS.md.

export interface Table {
  headers: readonly string[];
  rows: readonly (readonly string[])[];
}

export function renderTable(table: Table, markdown: boolean): string {
  return markdown ? renderMarkdown(table) : renderText(table);
}

function renderMarkdown({ headers, rows }: Table): string {
  const escape = (cell: string): string => cell.replace(/\|/g, '\\|');
  const line = (cells: readonly string[]): string => `| ${cells.map(escape).join(' | ')} |`;
  const rule = `|${headers.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`;
  return [line(headers), rule, ...rows.map(line)].join('\n');
}

/** The first column is left-aligned (labels), the others right-aligned (figures). */
function renderText({ headers, rows }: Table): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
