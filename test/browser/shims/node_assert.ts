// The part of node:assert/strict the kernel suite uses, for a browser page (the bundler maps
// 'node:assert/strict' here). Strict semantics: Object.is for primitives, so NaN equals NaN
// and +0 differs from −0, and deepEqual compares typed arrays element by element.

export class AssertionError extends Error {
  override name = 'AssertionError';
}

function message(given: string | Error | undefined, fallback: string): never {
  if (given instanceof Error) throw given;
  throw new AssertionError(given ?? fallback);
}

function show(value: unknown): string {
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${(value as unknown as ArrayLike<unknown>).length})`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function deepEquals(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (ArrayBuffer.isView(a) || Array.isArray(a)) {
    const x = a as unknown as ArrayLike<unknown>, y = b as unknown as ArrayLike<unknown>;
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!deepEquals(x[i], y[i])) return false;
    return true;
  }
  const keysA = Object.keys(a), keysB = Object.keys(b);
  if (keysA.length !== keysB.length) return false;
  return keysA.every((key) => Object.prototype.hasOwnProperty.call(b, key) && deepEquals((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}

type Expected = RegExp | ((error: unknown) => boolean) | (new (...args: never[]) => unknown) | Record<string, unknown>;

function matches(error: unknown, expected: Expected | undefined): boolean {
  if (expected === undefined) return true;
  if (expected instanceof RegExp) return expected.test(error instanceof Error ? error.message : String(error));
  if (typeof expected === 'function') {
    if (expected.prototype !== undefined && error instanceof (expected as new () => unknown)) return true;
    return expected.prototype === undefined && (expected as (e: unknown) => boolean)(error) === true;
  }
  return Object.entries(expected).every(([key, value]) => {
    const actual = (error as Record<string, unknown>)[key];
    return value instanceof RegExp ? typeof actual === 'string' && value.test(actual) : deepEquals(actual, value);
  });
}

const assert = {
  ok(value: unknown, msg?: string | Error): void {
    if (!value) message(msg, `expected a truthy value, got ${show(value)}`);
  },
  equal(actual: unknown, expected: unknown, msg?: string | Error): void {
    if (!Object.is(actual, expected)) message(msg, `${show(actual)} !== ${show(expected)}`);
  },
  notEqual(actual: unknown, expected: unknown, msg?: string | Error): void {
    if (Object.is(actual, expected)) message(msg, `${show(actual)} should differ from ${show(expected)}`);
  },
  deepEqual(actual: unknown, expected: unknown, msg?: string | Error): void {
    if (!deepEquals(actual, expected)) message(msg, `${show(actual)} is not deep-equal to ${show(expected)}`);
  },
  match(text: string, pattern: RegExp, msg?: string | Error): void {
    if (!pattern.test(text)) message(msg, `${show(text)} does not match ${pattern}`);
  },
  fail(msg?: string | Error): never {
    return message(msg, 'failed');
  },
  throws(fn: () => unknown, expected?: Expected | string, msg?: string | Error): void {
    if (typeof expected === 'string') [msg, expected] = [expected, undefined];
    try {
      fn();
    } catch (error) {
      if (!matches(error, expected)) message(msg, `threw the wrong error: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    message(msg, 'expected the function to throw');
  },
};

export default assert;
