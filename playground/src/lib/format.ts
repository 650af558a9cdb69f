// Numbers as a person reads them: float64 rounding noise (220.00000000000003) hidden.

/** `x` to 12 significant digits, without trailing zeros: 220.00000000000003 → "220". */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  return String(Number(x.toPrecision(12)));
}
