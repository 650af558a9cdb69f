// Checks for the options objects of the public API: a misspelt key or an unsupported
// value must be an error, never a silent default.

import type { DType } from '../backend/backend.js';

export const DTYPES: readonly DType[] = ['float64', 'float32'];

/**
 * Refuses anything but a plain object (or undefined) and any key not in `allowed`,
 * naming the key and the valid ones. Returns the options for chaining.
 */
export function checkOptions<T extends object>(where: string, options: T | undefined, allowed: readonly string[], what = 'option'): T | undefined {
  if (options === undefined) return undefined;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`${where}: expected an object of ${what}s, got ${describeValue(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      throw new TypeError(`${where}: unknown ${what} '${key}' (valid: ${allowed.join(', ')})`);
    }
  }
  return options;
}

/** 'float64' or 'float32'; anything else (e.g. 'float16') is refused. */
export function checkDType(where: string, dtype: unknown): DType {
  if (!(DTYPES as readonly unknown[]).includes(dtype)) {
    throw new TypeError(`${where}: dtype must be ${DTYPES.map((d) => `'${d}'`).join(' or ')}, got ${describeValue(dtype)}`);
  }
  return dtype as DType;
}

/** A short, printable description of a value of unknown type, for error messages. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return `'${value.length > 40 ? `${value.slice(0, 40)}…` : value}'`;
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') return `an object (${value.constructor?.name ?? 'no prototype'})`;
  if (typeof value === 'function') return 'a function';
  return String(value);
}
