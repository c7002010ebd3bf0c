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
        var zc = select(z, greaterThan: limit, then: limit, otherwise: z)
        zc = select(-limit, greaterThan: z, then: -limit, otherwise: zc)
        let e = expm1(zc + zc)
        return e / (e + 2)
    }

    /// ln f for f in [√½, √2] on every lane: 2 atanh(s) with s = (f − 1)/(f + 1), |s| ≤ 0.172, summed as the odd
    /// series 2s (1 + s²/3 + s⁴/5 + … + s²⁰/21) to below half an ULP (ten terms are enough for Double, extra ones
    /// are harmless for Float). Written out so that each 1/d is a constant folded at compile time (the same
    /// correctly rounded quotient a run-time division gives). The scalar `log` uses lane 0 of it, the vector
    /// `softplus` all lanes: the same operations, so the same bits.
    @inlinable @inline(__always)
    static func logSignificand(_ f: Vector) -> Vector {
        let s = (f - 1) / (f + 1)
        let s2 = s * s
        var series = Vector(repeating: 1 / 21)
        series = Vector(repeating: 1 / 19).addingProduct(series, s2)
        series = Vector(repeating: 1 / 17).addingProduct(series, s2)
        series = Vector(repeating: 1 / 15).addingProduct(series, s2)
        series = Vector(repeating: 1 / 13).addingProduct(series, s2)
        series = Vector(repeating: 1 / 11).addingProduct(series, s2)
        series = Vector(repeating: 1 / 9).addingProduct(series, s2)
        series = Vector(repeating: 1 / 7).addingProduct(series, s2)
        series = Vector(repeating: 1 / 5).addingProduct(series, s2)
        series = Vector(repeating: 1 / 3).addingProduct(series, s2)
        return (s + s).addingProduct(s + s, s2 * series)
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
        let lnF = logSignificand(Vector(repeating: f))[0]
        return e * ln2Hi + (e * ln2Lo + lnF)
    }

    /// ln(1 + y) for y ≥ 0, accurate for tiny y (Goldberg's correction: ln(u) · y / (u − 1) with u = 1 + y).
    @inlinable
    public static func log1p(_ y: Self) -> Self {
        let u = 1 + y
        if u == 1 { return y }
        return log(u) * (y / (u - 1))
    }

    /// softplus(z) = ln(1 + eᶻ) = max(z, 0) + ln(1 + e^−|z|), finite for every finite z: lane 0 of the vector
    /// `softplus`.
    @inlinable
    public static func softplus(_ z: Self) -> Self { softplus(Vector(repeating: z))[0] }

    /// softplus on every lane: max(z, 0) + ln(1 + t) with t = e^−|z| in [0, 1].
    ///
    /// The scalar `log1p` and `log` written for the only arguments that occur here, u = 1 + t in [1, 2], with the
    /// same operations lane by lane (so it agrees with them bit for bit): u = 2ᵉ f, halved once more when
    /// f > √2, and ln f from the same odd series. The sigmoid + cross-entropy loss evaluates it once per output
    /// unit of every example, a vector at a time. NaN stays NaN; ±∞ give +∞ and +0.
    @inlinable
    public static func softplus(_ z: Vector) -> Vector {
        let zero = Vector(), one = Vector(repeating: 1), half = Vector(repeating: 0.5)
        let t = exp(select(zero, greaterThan: z, then: z, otherwise: -z))  // e^−|z|
        let u = 1 + t
        // u = 2ᵉ f with f in [1, 2), then halved once more when f > √2: for u in [1, 2] both steps are the one
        // halving of u > √2 (u = 2, exponent 1 and significand 1, is not halved again).
        let rootTwo = Vector(repeating: 0x1.6a09e667f3bcdp0)
        let f = select(u, greaterThan: rootTwo, then: u * half, otherwise: u)
        let e = select(u, greaterThan: rootTwo, then: one, otherwise: zero)
        let lnF = logSignificand(f)
        let lnU = e * Vector(repeating: ln2Hi) + (e * Vector(repeating: ln2Lo) + lnF)
        // log1p(t) = ln(u) · t / (u − 1), or t itself when 1 + t rounds to 1.
        let log1pT = select(u, equalTo: one, then: t, otherwise: lnU * (t / (u - 1)))
        // max(z, 0), NaN staying NaN.
        return select(zero, greaterThan: z, then: zero, otherwise: z) + log1pT
    }
}
