// Training progress for the terminal: a single-line bar redrawn in place, permanent log
// lines above it, and a fixed-width per-epoch table. The formatting functions are pure;
// ProgressReporter only writes to the stream it is given.
//
// The bar uses carriage return + "erase line", so it is drawn only on a TTY. Anywhere
// else (a pipe, a CI log, --quiet) the output holds log lines and nothing else: no
// control characters, no half-drawn bars.

export interface ProgressState {
  /** Iterations done so far, 0..totalIterations. */
  iteration: number;
  totalIterations: number;
  /** Index of the epoch under way (nabla counts from 0, like the book's first evaluation). */
  epoch: number;
  totalEpochs: number;
  loss: number;
  itersPerSecond: number;
  secondsLeft: number;
}

export interface ProgressBarOptions extends ProgressState {
  /** Columns the whole line may take. */
  width: number;
}

const MIN_BAR = 5;
const MAX_BAR = 40;

/** One line, at most `width` characters, e.g. "epoch 3/16 ███░░░ 1234/10000  loss 0.2345  812 it/s  ETA 0:11". */
export function formatProgressBar(o: ProgressBarOptions): string {
  const width = Math.max(1, Math.floor(o.width));
  const total = Math.max(0, o.totalIterations);
  const done = Math.min(Math.max(0, o.iteration), total);
  const digits = String(total).length;
  const head = `epoch ${String(o.epoch).padStart(String(o.totalEpochs).length)}/${o.totalEpochs}`;
  const count = `${String(done).padStart(digits)}/${total}`;
  const tail = `  loss ${formatLoss(o.loss)}  ${formatRate(o.itersPerSecond)} it/s  ETA ${formatDuration(o.secondsLeft)}`;
  const fixed = head.length + 1 + 1 + count.length + tail.length;
  const barWidth = Math.min(MAX_BAR, width - fixed - 1);
  let line: string;
  if (barWidth >= MIN_BAR) {
    const filled = total > 0 ? Math.floor((done / total) * barWidth) : 0;
    line = `${head} ${'█'.repeat(filled)}${'░'.repeat(barWidth - filled)} ${count}${tail}`;
  } else {
    line = `${head} ${count}${tail}`;
  }
  // A line wider than the terminal wraps, and "\r" then only redraws its last row.
  return line.length > width ? line.slice(0, width) : line;
}

function formatLoss(loss: number): string {
  if (!Number.isFinite(loss)) return String(loss);
  return Math.abs(loss) >= 1000 ? loss.toExponential(2) : loss.toFixed(4);
}

function formatRate(rate: number): string {
  if (!Number.isFinite(rate) || rate < 0) return '-';
  return rate >= 100 ? String(Math.round(rate)) : rate.toFixed(1);
}

/** "0:07", "12:05", "1:02:03"; "--:--" when unknown (NaN, infinite, negative). */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

// ---------------------------------------------------------------------------------------

export interface ProgressStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressReporterOptions {
  stream: ProgressStream;
  /** false for --quiet; the bar is also off whenever the stream is not a TTY. */
  enabled: boolean;
  /** Minimum milliseconds between redraws (default 100, i.e. 10 Hz). */
  intervalMs?: number;
  /** Clock, for tests. */
  now?: () => number;
}

const CLEAR_LINE = '\r\x1b[2K';

export class ProgressReporter {
  readonly barEnabled: boolean;
  private readonly stream: ProgressStream;
  private readonly intervalMs: number;
  private readonly now: () => number;
  private lastDraw = -Infinity;
  /** The bar as last drawn, or '' when nothing is on screen. */
  private shown = '';

  constructor(options: ProgressReporterOptions) {
    this.stream = options.stream;
    this.barEnabled = options.enabled && options.stream.isTTY === true;
    this.intervalMs = options.intervalMs ?? 100;
    this.now = options.now ?? (() => performance.now());
  }

  /**
   * Redraws the bar, at most once per interval: training calls this every iteration, and
   * a terminal flooded with thousands of redraws a second slows training down.
   * The last iteration is always drawn, so the bar never stops short of 100 %.
   */
  update(state: ProgressState): void {
    if (!this.barEnabled) return;
    const t = this.now();
    const final = state.iteration >= state.totalIterations;
    if (!final && t - this.lastDraw < this.intervalMs) return;
    this.lastDraw = t;
    const line = formatProgressBar({ ...state, width: this.columns() - 1 });
    if (line === this.shown) return;
    this.shown = line;
    this.stream.write(CLEAR_LINE + line);
  }

  /** Prints a permanent line (e.g. a table row), keeping the bar below it. */
  log(line: string): void {
    if (this.shown === '') {
      this.stream.write(line + '\n');
      return;
    }
    this.stream.write(CLEAR_LINE + line + '\n' + this.shown);
  }

  /** Removes the bar, leaving the cursor at the start of an empty line. */
  done(): void {
    if (this.shown !== '') this.stream.write(CLEAR_LINE);
    this.shown = '';
    this.lastDraw = -Infinity;
  }

  private columns(): number {
    const c = this.stream.columns;
    return c !== undefined && Number.isFinite(c) && c > 0 ? c : 80;
  }
}

// ---------------------------------------------------------------------------------------
// Tables

export interface Column {
  header: string;
  width: number;
  align?: 'left' | 'right';
  /** Decimals for numeric cells (default 4); integers are printed as they are. */
  decimals?: number;
}

export type Cell = string | number;

/** The per-epoch table nabla prints while training. */
export const EPOCH_COLUMNS: readonly Column[] = [
  { header: 'epoch', width: 7 },
  { header: 'loss', width: 8, decimals: 4 },
  { header: 'train acc', width: 9, decimals: 4 },
  { header: 'test acc', width: 8, decimals: 4 },
  { header: 'time', width: 8 },
];

export interface EpochResult {
  epoch: number;
  totalEpochs: number;
  loss: number;
  trainAcc: number;
  testAcc: number;
  seconds: number;
}

/** Cells for EPOCH_COLUMNS: "3/17", loss, accuracies, "12.3s". */
export function epochRow(r: EpochResult): Cell[] {
  const time = Number.isFinite(r.seconds) && r.seconds >= 0
    ? (r.seconds < 60 ? `${r.seconds.toFixed(1)}s` : formatDuration(r.seconds))
    : '-';
  return [`${r.epoch}/${r.totalEpochs}`, r.loss, r.trainAcc, r.testAcc, time];
}

/** Header line and a rule under it, joined by "\n". */
export function formatTableHeader(columns: readonly Column[]): string {
  const header = columns.map((c) => pad(c.header, columnWidth(c), c.align ?? 'right')).join('  ');
  const rule = columns.map((c) => '─'.repeat(columnWidth(c))).join('  ');
  return `${header}\n${rule}`;
}

/** One row with the columns' fixed widths; a cell too wide is kept whole, never cut. */
export function formatTableRow(columns: readonly Column[], cells: readonly Cell[]): string {
  if (cells.length !== columns.length) {
    throw new Error(`formatTableRow: ${cells.length} cells for ${columns.length} columns`);
  }
  return columns.map((c, i) => pad(formatCell(cells[i]!, c.decimals ?? 4), columnWidth(c), c.align ?? 'right')).join('  ');
}

function columnWidth(c: Column): number {
  return Math.max(c.width, c.header.length);
}

function formatCell(cell: Cell, decimals: number): string {
  if (typeof cell === 'string') return cell;
  if (Number.isInteger(cell)) return String(cell);
  return Number.isFinite(cell) ? cell.toFixed(decimals) : String(cell);
}

function pad(text: string, width: number, align: 'left' | 'right'): string {
  return align === 'left' ? text.padEnd(width) : text.padStart(width);
}
