// Elementary functions written once for Float and Double on top of the vector `exp`/`expm1`
// (BackpropScalar.swift). A scalar call evaluates the same lane arithmetic as a vector call, so the loop
// engine (one example, often a scalar tail) and the batch engine (whole vectors) get the same bits.

extension BackpropScalar {
    /// eˣ, computed as lane 0 of the vector `exp`.
    @inlinable @inline(__always)
    public static func exp(_ x: Self) -> Self { exp(Vector(repeating: x))[0] }

    /// eˣ − 1, computed as lane 0 of the vector `expm1`.
    @inlinable @inline(__always)
    public static func expm1(_ x: Self) -> Self { expm1(Vector(repeating: x))[0] }

    /// The logistic sigmoid σ(z) = 1 / (1 + e⁻ᶻ) on every lane: exactly 0 or 1 far out, never NaN for finite z.
    @inlinable @inline(__always)
    public static func sigmoid(_ z: Vector) -> Vector {
        1 / (1 + exp(-z))
    }

    /// tanh(z) = (e²ᶻ − 1) / (e²ᶻ + 1) on every lane, from `expm1` so that small |z| keeps its relative accuracy.
    @inlinable @inline(__always)
    public static func tanh(_ z: Vector) -> Vector {
        let limit = Vector(repeating: tanhSaturation)
        var zc = z.replacing(with: limit, where: z .> limit)
        zc.replace(with: -limit, where: z .< -limit)
        let e = expm1(zc + zc)
        return e / (e + 2)
    }

    /// The natural logarithm of a positive finite x (the losses need it, once per output unit and example).
    ///
    /// x = 2ᵉ · f with f in [√½, √2); ln f = 2 atanh(s) with s = (f − 1)/(f + 1), |s| ≤ 0.172, summed as an odd
    /// series to below half an ULP; then ln x = e·ln2Hi + (e·ln2Lo + ln f), the first product exact.
    /// Returns −∞ for 0, NaN for negative x or NaN, +∞ for +∞.
    @inlinable
    public static func log(_ x: Self) -> Self {
        if x.isNaN || x < 0 { return .nan }
        if x == 0 { return -.infinity }
        if x == .infinity { return .infinity }
        var e = Self(x.exponent)
        var f = x.significand  // in [1, 2), exact; also for subnormal x
        if f > 0x1.6a09e667f3bcdp0 {  // √2
            f /= 2
            e += 1
        }
        let s = (f - 1) / (f + 1)
        let s2 = s * s
        // 2s (1 + s²/3 + s⁴/5 + … + s²⁰/21): ten terms are enough for Double, extra ones are harmless for Float.
        // Written out so that each 1/d is a constant folded at compile time (the same correctly rounded quotient
        // a run-time division gives) instead of nine divisions per call.
        var series: Self = 1 / 21
        series = (1 / 19 as Self).addingProduct(series, s2)
        series = (1 / 17 as Self).addingProduct(series, s2)
        series = (1 / 15 as Self).addingProduct(series, s2)
        series = (1 / 13 as Self).addingProduct(series, s2)
        series = (1 / 11 as Self).addingProduct(series, s2)
        series = (1 / 9 as Self).addingProduct(series, s2)
        series = (1 / 7 as Self).addingProduct(series, s2)
        series = (1 / 5 as Self).addingProduct(series, s2)
        series = (1 / 3 as Self).addingProduct(series, s2)
        let lnF = (s + s).addingProduct(s + s, s2 * series)
        return e * ln2Hi + (e * ln2Lo + lnF)
    }

    /// ln(1 + y) for y ≥ 0, accurate for tiny y (Goldberg's correction: ln(u) · y / (u − 1) with u = 1 + y).
    @inlinable
    public static func log1p(_ y: Self) -> Self {
        let u = 1 + y
        if u == 1 { return y }
        return log(u) * (y / (u - 1))
    }

    /// softplus(z) = ln(1 + eᶻ) = max(z, 0) + ln(1 + e^−|z|), finite for every finite z.
    @inlinable
    public static func softplus(_ z: Self) -> Self {
        Swift.max(z, 0) + log1p(exp(-Swift.abs(z)))
    }
}
