import { constants } from 'node:os';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
export type StopSignal = (typeof SIGNALS)[number];

/** The exit code a shell gives a process killed by `signal`: 128 + its number. */
export function signalExitCode(signal: StopSignal): number {
  return 128 + constants.signals[signal];
}

/**
 * Ctrl-C (SIGINT), SIGTERM (kill, systemd, docker stop) and SIGHUP (the terminal
 * closed) all ask training to stop at the end of the current iteration and save a
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

  constructor(private readonly onForce: (signal: StopSignal) => void) {
    for (const s of SIGNALS) process.on(s, this.handler);
  }

  get received(): boolean {
    return this.signal !== undefined;
  }

  dispose(): void {
    for (const s of SIGNALS) process.off(s, this.handler);
  }
}
