/**
 * Best milliseconds per call over `samples` samples, each repeating the call for at least
 * `minSampleMs` after a warm-up call: the machine is shared, and noise only ever makes a
 * run slower.
 */
export function bestMsPerCall(call: () => void, samples: number, minSampleMs: number): number {
  call();
  let start = performance.now();
  call();
  const reps = Math.max(1, Math.ceil(minSampleMs / Math.max(performance.now() - start, 1e-3)));
  let fastest = Infinity;
  for (let s = 0; s < samples; s++) {
    start = performance.now();
    for (let r = 0; r < reps; r++) call();
    fastest = Math.min(fastest, (performance.now() - start) / reps);
  }
  return fastest;
}
