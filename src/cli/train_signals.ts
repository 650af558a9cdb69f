import { constants } from 'node:os';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
/** SIGPIPE stands for stdout's reader going away (EPIPE), which Node reports as an error, not a signal. */
export type StopSignal = (typeof SIGNALS)[number] | 'SIGPIPE';

/** The exit code a shell gives a process killed by `signal`: 128 + its number. */
export function signalExitCode(signal: StopSignal): number {
  return 128 + constants.signals[signal];
}

/**
 * Ctrl-C (SIGINT), SIGTERM (kill, systemd, docker stop), SIGHUP (the terminal closed)
 * and the reader of stdout going away (`nabla train | head`) all ask training to stop at the end of the current iteration and save a
 * checkpoint. A second one means "now": `onForce` runs and must exit the process.
 */
export class StopSignals {
  /** The first signal received, if any. */
  signal: StopSignal | undefined;
  private readonly handler = (signal: StopSignal): void => {
    if (this.signal === undefined) {
      this.signal = signal;
      return;
    }
    this.onForce(signal);
  };

  private readonly onStdoutError = (error: NodeJS.ErrnoException): void => {
    // Only the first: once the pipe is gone every later write fails the same way.
    if (error.code === 'EPIPE' && this.signal === undefined) this.signal = 'SIGPIPE';
  };

  constructor(private readonly onForce: (signal: StopSignal) => void) {
    for (const s of SIGNALS) process.on(s, this.handler);
    process.stdout.on('error', this.onStdoutError);
  }

  get received(): boolean {
    return this.signal !== undefined;
  }

  dispose(): void {
    for (const s of SIGNALS) process.off(s, this.handler);
    process.stdout.off('error', this.onStdoutError);
  }
}
