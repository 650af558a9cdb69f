// GEMM throughput from three sources (NumPy's JSON, dist/bench/gemm.js's text table and
// bench/gemm_probe.ts's JSON) in one shape, so the report can line them up.

export type GemmDType = 'float64' | 'float32';

export interface GemmRecord {
  /** m×k×n of C(m×n) = op(A)(m×k) · op(B)(k×n). */
  shape: string;
  /** NN, TN (A transposed), NT (B transposed). */
  op: string;
  dtype: GemmDType;
  /** Who ran it, e.g. 'NumPy ×2' or 'nabla wasm×1'. */
  column: string;
  gflops: number;
}

export const shapeKey = (m: number, k: number, n: number): string => `${m}×${k}×${n}`;

/** The shapes NumPy measures, by their key in numpy_seed.py's output. */
const NUMPY_SHAPES: Record<string, { shape: string; op: string }> = {
  '100x784x50': { shape: shapeKey(100, 784, 50), op: 'NN' },
  '784x100x50': { shape: shapeKey(784, 100, 50), op: 'TN' },
  '60000x784x50': { shape: shapeKey(60000, 784, 50), op: 'NN' },
};

/** numpy_seed.py's `gemm`/`gemmOneThread`: { threads, float64: {shape: GFLOP/s}, float32: {...} }. */
export function numpyGemmRecords(measurement: unknown): GemmRecord[] {
  if (measurement === null || typeof measurement !== 'object') return [];
  const m = measurement as Record<string, unknown>;
  const column = `NumPy ×${typeof m['threads'] === 'number' ? m['threads'] : '?'}`;
  const records: GemmRecord[] = [];
  for (const dtype of ['float64', 'float32'] as const) {
    const byShape = m[dtype];
    if (byShape === null || typeof byShape !== 'object') continue;
    for (const [key, gflops] of Object.entries(byShape as Record<string, unknown>)) {
      const known = NUMPY_SHAPES[key];
      if (known && typeof gflops === 'number') records.push({ ...known, dtype, column, gflops });
    }
  }
  return records;
}

/**
 * Reads the text table that dist/bench/gemm.js prints (its rows name shapes m×n×k after
 * an NN/TN/NT tag; its header names the columns). Returns [] when the format is not
 * recognised, so the caller can measure by itself instead.
 */
export function parseGemmTable(text: string): GemmRecord[] {
  const lines = text.split('\n');
  const header = lines.find((line) => /\bdtype\b/.test(line) && /\breference\b/.test(line));
  if (!header) return [];
  const columns = header.slice(header.indexOf('dtype') + 'dtype'.length).trim().split(/\s+/);
  const records: GemmRecord[] = [];
  const row = /\b(NN|TN|NT|TT)\s+(\d+)×(\d+)×(\d+)\s+(float64|float32)\s+(.*)$/;
  for (const line of lines) {
    const match = row.exec(line);
    if (!match) continue;
    const [, op, m, n, k, dtype, rest] = match as unknown as [string, string, string, string, string, GemmDType, string];
    const values = rest.trim().split(/\s+/).map(Number);
    columns.forEach((name, i) => {
      const gflops = values[i];
      if (!/^(reference|wasm×\d+)$/.test(name) || gflops === undefined || !Number.isFinite(gflops)) return;
      records.push({ shape: shapeKey(Number(m), Number(k), Number(n)), op, dtype, column: `nabla ${name}`, gflops });
    });
  }
  return records;
}
