// Adam's update over elements i0..i1 (Backend.adamUpdate), generic over the stored type.
//
// Bit-identical to the JS reference loop by construction: every operation is the same IEEE
// f64 operation in the same order (f32 values are promoted exactly, add/sub/mul/div/sqrt
// are correctly rounded in f64x2 as in scalar f64, and there is no fused multiply-add), and
// m and v are rounded to T before the parameter step reads them, as the reference's
// typed-array stores do. Elements are independent, so any split into ranges gives the same bits.

// Rounds two f64 lanes to T and back (a no-op for f64): what a typed-array store then load does.
@inline
function roundTrip<T>(x: v128): v128 {
  if (sizeof<T>() == 8) return x;
  return f64x2.promote_low_f32x4(f32x4.demote_f64x2_zero(x));
}

// Two elements at p, widened to f64x2.
@inline
function load2<T>(p: usize): v128 {
  if (sizeof<T>() == 8) return v128.load(p);
  return f64x2.promote_low_f32x4(v128.load64_zero(p));
}

// Stores two f64 lanes at p, rounded to T.
@inline
function store2<T>(p: usize, x: v128): void {
  if (sizeof<T>() == 8) v128.store(p, x);
  else v128.store64_lane(p, f32x4.demote_f64x2_zero(x), 0);
}

export function adamUpdate<T>(
  i0: i32, i1: i32, lrT: f64, rest1: f64, rest2: f64, eps: f64,
  param: usize, grad: usize, m: usize, v: usize,
): void {
  const size = <usize>sizeof<T>();
  const r1 = f64x2.splat(rest1), r2 = f64x2.splat(rest2), lr = f64x2.splat(lrT), e = f64x2.splat(eps);
  let i = i0;
  for (; i + 2 <= i1; i += 2) {
    const o = <usize>i * size;
    const g = load2<T>(grad + o);
    const m0 = load2<T>(m + o);
    const v0 = load2<T>(v + o);
    const m1 = f64x2.add(m0, f64x2.mul(r1, f64x2.sub(g, m0)));
    const v1 = f64x2.add(v0, f64x2.mul(r2, f64x2.sub(f64x2.mul(g, g), v0)));
    store2<T>(m + o, m1);
    store2<T>(v + o, v1);
    const step = f64x2.div(f64x2.mul(lr, roundTrip<T>(m1)), f64x2.add(f64x2.sqrt(roundTrip<T>(v1)), e));
    store2<T>(param + o, f64x2.sub(load2<T>(param + o), step));
  }
  for (; i < i1; i++) {
    const o = <usize>i * size;
    const g = <f64>load<T>(grad + o);
    const m0 = <f64>load<T>(m + o);
    const v0 = <f64>load<T>(v + o);
    store<T>(m + o, <T>(m0 + rest1 * (g - m0)));
    store<T>(v + o, <T>(v0 + rest2 * (g * g - v0)));
    const mr = <f64>load<T>(m + o), vr = <f64>load<T>(v + o);
    store<T>(param + o, <T>(<f64>load<T>(param + o) - (lrT * mr) / (Math.sqrt(vr) + eps)));
  }
}
