extension Double: BackpropScalar {
    public typealias Vector = SIMD4<Double>
    public typealias WideVector = SIMD8<Double>

    @inlinable public var bits: UInt64 { bitPattern }
    @inlinable public init(bits: UInt64) { self.init(bitPattern: bits) }

    public static var precision: Precision { .double }

    @inlinable @inline(__always)
    public static func deinterleave(_ a: Vector, _ b: Vector) -> (even: Vector, odd: Vector) {
        let pair = SIMD8<Double>(lowHalf: a, highHalf: b)
        return (pair.evenHalf, pair.oddHalf)
    }

    @inlinable @inline(__always)
    public static func select(_ a: Vector, greaterThan b: Vector, then: Vector, otherwise: Vector) -> Vector {
        otherwise.replacing(with: then, where: a .> b)
    }

    @inlinable @inline(__always)
    public static func select(_ a: Vector, equalTo b: Vector, then: Vector, otherwise: Vector) -> Vector {
        otherwise.replacing(with: then, where: a .== b)
    }

    public static var ln2Hi: Double { 0x1.62e42fee00000p-1 }
    public static var ln2Lo: Double { 0x1.a39ef35793c76p-33 }
    public static var tanhSaturation: Double { 20 }

    /// Splits x = k·ln 2 + r with |r| ≤ ln 2 / 2 and returns (k, eʳ − 1).
    ///
    /// eʳ − 1 is the Taylor polynomial of degree 13 (truncation below 2⁻⁵⁶ relative on |r| ≤ 0.347),
    /// evaluated by Horner's rule with fused multiply-adds.
    @inlinable @inline(__always)
    static func reduce(_ x: Vector) -> (k: Vector, q: Vector) {
        let k = (x * 0x1.71547652b82fep0).rounded(.toNearestOrEven)
        var r = x.addingProduct(-k, Vector(repeating: 0x1.62e42fefa39efp-1))
        r = r.addingProduct(-k, Vector(repeating: 0x1.abc9e3b39803fp-56))
        var p = Vector(repeating: 1.0 / 6227020800)            // 1/13!
        p = Vector(repeating: 1.0 / 479001600).addingProduct(p, r)  // 1/12!
        p = Vector(repeating: 1.0 / 39916800).addingProduct(p, r)
        p = Vector(repeating: 1.0 / 3628800).addingProduct(p, r)
        p = Vector(repeating: 1.0 / 362880).addingProduct(p, r)
        p = Vector(repeating: 1.0 / 40320).addingProduct(p, r)
        p = Vector(repeating: 1.0 / 5040).addingProduct(p, r)
        p = Vector(repeating: 1.0 / 720).addingProduct(p, r)
        p = Vector(repeating: 1.0 / 120).addingProduct(p, r)
        p = Vector(repeating: 1.0 / 24).addingProduct(p, r)
        p = Vector(repeating: 1.0 / 6).addingProduct(p, r)
        p = Vector(repeating: 0.5).addingProduct(p, r)
        let q = r.addingProduct(r * r, p)
        return (k, q)
    }

    /// 2ʲ for integral j in [−1022, 1023], built from the bits (j + 1023) << 52.
    @inlinable @inline(__always)
    static func powerOfTwo(_ j: Vector) -> Vector {
        let shifted = j + 0x1.8p52  // the low bits of the significand now hold j in two's complement
        let bits = unsafeBitCast(shifted, to: SIMD4<UInt64>.self)
        return unsafeBitCast((bits &+ 1023) &<< 52, to: Vector.self)
    }

    @inlinable
    public static func exp(_ x: Vector) -> Vector {
        // Clamp so that k stays in [−1077, 1025]; NaN compares false and passes through.
        var xc = x.replacing(with: 710, where: x .> 710)
        xc.replace(with: -746, where: x .< -746)
        let (k, q) = reduce(xc)
        // 2ᵏ in two factors so that each is a normal number; the second product rounds once into the
        // subnormal range, or overflows to +∞, as the true result would.
        let k1 = (k * 0.5).rounded(.down)
        return ((1 + q) * powerOfTwo(k1)) * powerOfTwo(k - k1)
    }

    @inlinable
    public static func expm1(_ x: Vector) -> Vector {
        var xc = x.replacing(with: 710, where: x .> 710)
        xc.replace(with: -50, where: x .< -50)  // eˣ − 1 rounds to −1 below −38
        let (k, q) = reduce(xc)
        let k1 = (k * 0.5).rounded(.down)
        let s = powerOfTwo(k1) * powerOfTwo(k - k1)
        // eˣ − 1 = 2ᵏ(1 + q) − 1 = 2ᵏ q + (2ᵏ − 1); exactly q when k = 0, so small x keeps full relative accuracy.
        return (s * q + (s - 1)).replacing(with: q, where: k .== 0)
    }
}
