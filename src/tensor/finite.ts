/** NaN or ±Infinity values in an array: how many, and the first one's flat index and value. */
export interface NonFiniteCount {
  count: number;
  first: number;
  value: number;
}

/** Undefined when every value is finite: the one scan behind every "non-finite" message. */
export function countNonFinite(data: ArrayLike<number>): NonFiniteCount | undefined {
  let count = 0;
  let first = -1;
  for (let i = 0; i < data.length; i++) {
    // v - v is 0 for every finite v, NaN for NaN and ±Infinity: one test per element.
    if (data[i]! - data[i]! !== 0) {
      if (count === 0) first = i;
      count++;
    }
  }
  return count === 0 ? undefined : { count, first, value: data[first]! };
}
