/** Modified Bessel function of the first kind, order 0, by its power series (enough terms for |x| ≤ 10). */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  for (let k = 1; k < 50; k++) {
    term *= (x / (2 * k)) ** 2;
    sum += term;
  }
  return sum;
}

/** NumPy's np.kaiser(m, beta). */
export function kaiser(m: number, beta: number): number[] {
  return Array.from({ length: m }, (_, n) => besselI0(beta * Math.sqrt(1 - ((2 * n) / (m - 1) - 1) ** 2)) / besselI0(beta));
}

/**
 * The book's smooth_curve (common/util.py): the losses convolved with an 11-point Kaiser
 * window (beta 2), the ends mirrored, so the curve keeps its length.
 */
export function smoothCurve(x: readonly number[]): number[] {
  const windowLen = 11;
  if (x.length < windowLen) return [...x];
  const s = [...x.slice(1, windowLen).reverse(), ...x, ...x.slice(x.length - windowLen + 1).reverse()];
  const w = kaiser(windowLen, 2);
  const total = w.reduce((a, b) => a + b, 0);
  const out: number[] = [];
  for (let i = 5; i < s.length - windowLen + 1 - 5; i++) {
    let v = 0;
    for (let k = 0; k < windowLen; k++) v += (w[k]! / total) * s[i + k]!;
    out.push(v);
  }
  return out;
}
