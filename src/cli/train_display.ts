import type { EpochResult } from '../train/train.js';
import { EPOCH_COLUMNS, epochRow, formatTableHeader, formatTableRow, ProgressReporter } from './progress.js';
import type { Output } from './common.js';

/**
 * What `nabla train` shows while it runs: a live bar on a terminal, the per-epoch table
 * as permanent lines, nothing at all with --json, only the summary with --quiet.
 */
export class TrainDisplay {
  private readonly reporter: ProgressReporter;
  private readonly table: boolean;
  private windowStart = performance.now();
  private windowIteration = 0;
  private rate = Number.NaN;

  constructor(private readonly io: Output, mode: 'normal' | 'quiet' | 'json', private readonly totalIterations: number, private readonly lastEpoch: number, startIteration: number) {
    this.reporter = new ProgressReporter({ stream: io.stdout, enabled: mode === 'normal' });
    this.table = mode === 'normal';
    this.windowIteration = startIteration;
  }

  header(lines: string[]): void {
    if (!this.table) return;
    for (const line of lines) this.io.out(line);
    this.io.out(formatTableHeader(EPOCH_COLUMNS));
  }

  iteration(done: number, epoch: number, loss: number): void {
    if (!this.reporter.barEnabled) return;
    const now = performance.now();
    if (now - this.windowStart > 500) {
      // A rate over the last half second follows slowdowns (evaluations) without jitter.
      this.rate = ((done - this.windowIteration) * 1000) / (now - this.windowStart);
      this.windowStart = now;
      this.windowIteration = done;
    }
    this.reporter.update({
      iteration: done,
      totalIterations: this.totalIterations,
      epoch,
      totalEpochs: this.lastEpoch,
      loss,
      itersPerSecond: this.rate,
      secondsLeft: this.rate > 0 ? (this.totalIterations - done) / this.rate : Number.NaN,
    });
  }

  epoch(result: EpochResult): void {
    if (!this.table) return;
    this.reporter.log(formatTableRow(EPOCH_COLUMNS, epochRow({ ...result, totalEpochs: this.lastEpoch })));
  }

  /** Clears the bar; then plain lines can follow. */
  finish(): void {
    this.reporter.done();
  }
}
