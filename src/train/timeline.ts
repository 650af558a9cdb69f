/**
 * Where a run's time goes, phase by phase (start-up, loading, steps, evaluations,
 * checkpoints, files), for the benchmark's timeline. A phase may be entered many times;
 * its seconds add up. Costs one clock read per boundary, so it can stay on for a whole run.
 */
export class Timeline {
  private readonly seconds = new Map<string, number>();
  private mark = performance.now();

  /** Adds the time since the previous boundary to `phase`. */
  lap(phase: string): void {
    const now = performance.now();
    this.add(phase, (now - this.mark) / 1000);
    this.mark = now;
  }

  /** Adds `seconds` to `phase` (time measured elsewhere); moves nothing. */
  add(phase: string, seconds: number): void {
    this.seconds.set(phase, (this.seconds.get(phase) ?? 0) + seconds);
  }

  /** Moves `seconds` already counted in `from` to `to` (a part measured inside a longer phase). */
  move(from: string, to: string, seconds: number): void {
    this.add(from, -seconds);
    this.add(to, seconds);
  }

  /** Phases in the order first seen, seconds rounded to the millisecond. */
  toJSON(): Record<string, number> {
    return Object.fromEntries([...this.seconds].map(([phase, s]) => [phase, Math.round(s * 1000) / 1000]));
  }

  /** "startup 0.120 s, load 0.410 s, …" */
  describe(): string {
    return [...this.seconds].map(([phase, s]) => `${phase} ${s.toFixed(3)} s`).join(', ');
  }
}

/** Whether the environment asks for a run's timeline (NABLA_TIMELINE set and not 0). */
export function timelineRequested(env: Record<string, string | undefined> = globalThis.process?.env ?? {}): boolean {
  const value = env['NABLA_TIMELINE'];
  return value !== undefined && value !== '' && value !== '0';
}
