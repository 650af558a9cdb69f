import { formatShape, sizeOf } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { asVariable, Function, type Variable, type VariableLike } from '../core.js';

/** Rows [start, end) every `step` rows, with Python's slice rules (negatives count from the end, bounds clamp). */
export interface RowRange {
  start?: number;
  end?: number;
  step?: number;
}

/** What getItem picks on the first axis: one row (the axis goes), a range, or a list of rows. */
export type RowIndex = number | RowRange | Int32Array | readonly number[];

/** An index resolved against a row count: the rows picked, in order, and whether the axis is dropped. */
export interface ResolvedIndex {
  readonly rows: Int32Array;
  readonly dropAxis: boolean;
}

function checkInteger(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new TypeError(`getItem: ${what} must be an integer, got ${String(value)}`);
  return value;
}

function wrapRow(i: number, rows: number, shape: readonly number[]): number {
  if (i < -rows || i >= rows) throw new RangeError(`getItem: row ${i} is out of range for shape ${formatShape(shape)}`);
  return i < 0 ? i + rows : i;
}

/** Python's slice.indices: the rows start, start+step, … short of end, clamped to [0, rows). */
function rangeRows(range: RowRange, rows: number): Int32Array {
  const step = range.step === undefined ? 1 : checkInteger(range.step, 'step');
  if (step === 0) throw new RangeError('getItem: step must not be zero');
  const clamp = (value: number | undefined, fallback: number, what: string): number => {
    if (value === undefined) return fallback;
    let v = checkInteger(value, what);
    if (v < 0) v += rows;
    return step > 0 ? Math.min(Math.max(v, 0), rows) : Math.min(Math.max(v, -1), rows - 1);
  };
  const start = clamp(range.start, step > 0 ? 0 : rows - 1, 'start');
  const end = clamp(range.end, step > 0 ? rows : -1, 'end');
  const picked: number[] = [];
  for (let i = start; step > 0 ? i < end : i > end; i += step) picked.push(i);
  return Int32Array.from(picked);
}

export function resolveIndex(index: RowIndex, shape: readonly number[]): ResolvedIndex {
  if (shape.length === 0) throw new RangeError('getItem: cannot index a 0-d variable');
  const rows = shape[0]!;
  if (typeof index === 'number') return { rows: Int32Array.of(wrapRow(checkInteger(index, 'a row index'), rows, shape)), dropAxis: true };
  if (ArrayBuffer.isView(index) || Array.isArray(index)) {
    const list = index as ArrayLike<number>;
    const picked = new Int32Array(list.length);
    for (let k = 0; k < list.length; k++) picked[k] = wrapRow(checkInteger(list[k], 'a row index'), rows, shape);
    return { rows: picked, dropAxis: false };
  }
  if (typeof index === 'object' && index !== null) {
    // A misspelt key would otherwise quietly mean "every row".
    const unknown = Object.keys(index).filter((k) => k !== 'start' && k !== 'end' && k !== 'step');
    if (unknown.length > 0) throw new TypeError(`getItem: a range has only start, end and step, got ${unknown.join(', ')}`);
    return { rows: rangeRows(index as RowRange, rows), dropAxis: false };
  }
  throw new TypeError(`getItem: index must be an integer, a {start, end, step} range or a list of rows, got ${typeof index}`);
}

/** x[index] on the first axis (DeZero's GetItem); its gradient is a GetItemGrad. */
export class GetItem extends Function {
  readonly name = 'GetItem';
  constructor(readonly index: ResolvedIndex) {
    super();
  }
  forward(x: Tensor): Tensor {
    const inner = x.shape.slice(1);
    const n = sizeOf(inner);
    const { rows, dropAxis } = this.index;
    const out = Tensor.empty(dropAxis ? inner : [rows.length, ...inner], x.dtype);
    rows.forEach((r, k) => out.data.set(x.data.subarray(r * n, (r + 1) * n), k * n));
    return out;
  }
  backward(gy: Variable): Variable[] {
    return [new GetItemGrad(this.index, this.inputs[0]!.shape).call(gy)];
  }
}

/**
 * Scatters gy back into zeros of the input's shape, adding where a row was picked more
 * than once. Its own gradient is GetItem again, so higher derivatives work.
 */
export class GetItemGrad extends Function {
  readonly name = 'GetItemGrad';
  constructor(readonly index: ResolvedIndex, readonly inShape: readonly number[]) {
    super();
  }
  forward(gy: Tensor): Tensor {
    const gx = Tensor.zeros(this.inShape, gy.dtype);
    const n = sizeOf(this.inShape.slice(1));
    this.index.rows.forEach((r, k) => {
      for (let j = 0; j < n; j++) gx.data[r * n + j]! += gy.data[k * n + j]!;
    });
    return gx;
  }
  backward(ggx: Variable): Variable[] {
    return [new GetItem(this.index).call(ggx)];
  }
}

/**
 * x[index] on the first axis: an integer row (negative from the end) drops the axis, a
 * {start, end, step} range or a list of rows (Int32Array or number[]) keeps it.
 */
export function getItem(x: VariableLike, index: RowIndex): Variable {
  const v = asVariable(x);
  return new GetItem(resolveIndex(index, v.shape)).call(v);
}

/** x[start:end:step] on the first axis. */
export function slice(x: VariableLike, start?: number, end?: number, step?: number): Variable {
  return getItem(x, { start, end, step });
}
