// What the Train page shows of a run: the progress bar, the figures, and the two plots,
// drawn again at most every REDRAW_MS while training, at the width they are shown at.

import { accuracySvg, lossSvg } from './charts.js';
import { element } from './dom.js';
import { EVAL_IMAGES, type EvalPoint } from './protocol.js';

/** Charts are drawn again at most this often while training. */
const REDRAW_MS = 250;
/** The loss figure is the mean of this many mini-batches. */
const LOSS_MEAN_OF = 50;

type StatKey = 'iteration' | 'speed' | 'loss' | 'train' | 'test' | 'final';

export class RunView {
  private readonly progress = element<HTMLProgressElement>('progress');
  private readonly lossChart = element('loss-chart');
  private readonly accuracyChart = element('accuracy-chart');
  private readonly stats: Record<StatKey, HTMLElement> = {
    iteration: element('stat-iteration'), speed: element('stat-speed'), loss: element('stat-loss'),
    train: element('stat-train'), test: element('stat-test'), final: element('stat-final'),
  };
  private losses: number[] = [];
  private evals: EvalPoint[] = [];
  /** The run's length; before a run, `planned()` (the form's iterations) sets the axes. */
  private total = 0;
  private redrawTimer: ReturnType<typeof setTimeout> | undefined;
  private lastDrawn = 0;

  constructor(private readonly planned: () => number) {
    let resizeTimer: ReturnType<typeof setTimeout> | undefined;
    window.addEventListener('resize', () => {
      clearTimeout(resizeTimer);
      resizeTimer = setTimeout(() => this.draw(), 150);
    });
    this.draw();
  }

  get totalIterations(): number {
    return this.total;
  }

  /** The iteration last shown. */
  get iteration(): number {
    return Number(this.stats.iteration.dataset.value ?? 0);
  }

  /** Empty figures and plots, for a run of `total` iterations (0: none). */
  clear(total = 0): void {
    this.losses = [];
    this.evals = [];
    this.total = total;
    this.progress.value = 0;
    for (const dd of Object.values(this.stats)) {
      dd.textContent = '–';
      delete dd.dataset.value;
    }
    this.draw();
  }

  add(iteration: number, total: number, losses: readonly number[], evals: readonly EvalPoint[], iterationsPerSecond: number): void {
    this.total = total;
    this.losses.push(...losses);
    this.evals.push(...evals);
    this.progress.max = Math.max(1, total);
    this.progress.value = iteration;
    this.show('iteration', `${iteration} of ${total}`, iteration);
    if (iterationsPerSecond > 0) this.showSpeed(iterationsPerSecond);
    const recent = this.losses.slice(-LOSS_MEAN_OF);
    if (recent.length > 0) this.stats.loss.textContent = (recent.reduce((a, b) => a + b, 0) / recent.length).toFixed(4);
    const last = this.evals[this.evals.length - 1];
    if (last) {
      this.show('train', last.trainAcc.toFixed(3), last.trainAcc);
      this.show('test', last.testAcc.toFixed(3), last.testAcc);
    }
    this.schedule();
  }

  /** The speed over a whole run, once it is done; returns it as shown. */
  finishedIn(seconds: number): string {
    if (seconds > 0) this.showSpeed(this.total / seconds);
    return this.stats.speed.textContent ?? '';
  }

  /** Accuracy on the whole test set. */
  showFinal(accuracy: number): void {
    this.show('final', accuracy.toFixed(4), accuracy);
  }

  /** Draws now (at the end of a run, so its last points are not left waiting). */
  draw(): void {
    clearTimeout(this.redrawTimer);
    this.redrawTimer = undefined;
    this.lastDrawn = performance.now();
    const width = Math.max(260, Math.min(720, Math.floor(this.lossChart.clientWidth || 560)));
    const size = { width, height: width < 420 ? 260 : 320 };
    const total = this.total || this.planned();
    this.lossChart.innerHTML = lossSvg(this.losses, total, size);
    this.accuracyChart.innerHTML = accuracySvg(this.evals, total, size);
    const lastLoss = this.losses.length > 0 ? this.losses[this.losses.length - 1]!.toFixed(3) : 'none yet';
    const last = this.evals[this.evals.length - 1];
    this.lossChart.setAttribute('aria-label', `Training loss over ${this.losses.length} iterations; latest ${lastLoss}`);
    this.accuracyChart.setAttribute('aria-label', last
      ? `Accuracy after ${last.iteration} iterations: train ${last.trainAcc.toFixed(3)}, test ${last.testAcc.toFixed(3)} (first ${EVAL_IMAGES} images of each)`
      : 'Accuracy: no evaluation yet');
  }

  private schedule(): void {
    if (this.redrawTimer !== undefined) return;
    const wait = Math.max(0, REDRAW_MS - (performance.now() - this.lastDrawn));
    this.redrawTimer = setTimeout(() => this.draw(), wait);
  }

  private showSpeed(perSecond: number): void {
    this.show('speed', perSecond >= 100 ? perSecond.toFixed(0) : perSecond.toFixed(1), perSecond);
  }

  /** A figure as text, and its exact value in data-value (for tests and tools). */
  private show(key: StatKey, text: string, value: number): void {
    this.stats[key].textContent = text;
    this.stats[key].dataset.value = String(value);
  }
}
