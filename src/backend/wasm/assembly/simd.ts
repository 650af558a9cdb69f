// Blocking constants and the few SIMD helpers that differ between f64 and f32.

/** Rows of C per micro-tile. */
export const MR: i32 = 4;
/** Depth of one packed block of B: KC × NR × 8 bytes sits in L1 next to A's 4 × KC. */
export const KC: i32 = 256;
/** Columns of one packed block of B: KC × NC × 8 bytes (512 KiB) sits in L2. */
export const NC: i32 = 256;

/** Columns of C per micro-tile: two v128 accumulators per row. */
@inline
export function nr<T>(): i32 {
  return 32 / <i32>sizeof<T>();
}

/** Elements per v128. */
@inline
export function lanes<T>(): i32 {
  return 16 / <i32>sizeof<T>();
}

@inline
export function splatLoad<T>(ptr: usize): v128 {
  if (sizeof<T>() == 8) return v128.load64_splat(ptr);
  return v128.load32_splat(ptr);
}

// splatLoad of the element 1, 2 or 3 places after ptr, through an immediate offset.
@inline
export function splatLoad1<T>(ptr: usize): v128 {
  if (sizeof<T>() == 8) return v128.load64_splat(ptr, 8);
  return v128.load32_splat(ptr, 4);
}
@inline
export function splatLoad2<T>(ptr: usize): v128 {
  if (sizeof<T>() == 8) return v128.load64_splat(ptr, 16);
  return v128.load32_splat(ptr, 8);
}
@inline
export function splatLoad3<T>(ptr: usize): v128 {
  if (sizeof<T>() == 8) return v128.load64_splat(ptr, 24);
  return v128.load32_splat(ptr, 12);
}
