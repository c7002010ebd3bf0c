/// The floating-point types the library computes in: `Float` and `Double`, and no others.
///
/// The protocol is small on purpose. Besides what `BinaryFloatingPoint` gives, a scalar names
///
/// - its 256-bit SIMD vector (`SIMD8<Float>`, `SIMD4<Double>`: one AVX2 register), used by the kernels;
/// - its bit pattern, used to compare results to the last bit and to count ULPs;
/// - `exp` and `expm1` on a whole vector, implemented in this file with only IEEE additions, multiplications
///   and fused multiply-adds, so that an activation gives the same bits on every platform (a C library's `exp`
///   may differ in the last place between Linux and macOS) and vectorises.
///
/// Everything else (sigmoid, tanh, log, softplus) is written once, generically, on top of these
/// (see `BackpropScalar+Elementary.swift`).
public protocol BackpropScalar: BinaryFloatingPoint, SIMDScalar, Codable, Sendable, LosslessStringConvertible
where RawSignificand: FixedWidthInteger {
    /// One SIMD register of this scalar: 4 Doubles or 8 Floats.
    associatedtype Vector: SIMD & Sendable where Vector.Scalar == Self
    /// The unsigned integer holding this scalar's bits (`UInt64` or `UInt32`).
    associatedtype Bits: FixedWidthInteger & UnsignedInteger & Sendable

    /// The scalar's bits, as stored in memory.
    var bits: Bits { get }
    /// The scalar with the given bits.
    init(bits: Bits)

    /// The name used on the command line and in files: `"double"` or `"float"`.
    static var precisionName: String { get }

    /// eˣ for every lane: within 1 ULP, +∞ above the overflow threshold, +0 far below the underflow one.
    static func exp(_ x: Vector) -> Vector
    /// eˣ − 1 for every lane, accurate near zero (used by tanh).
    static func expm1(_ x: Vector) -> Vector
    /// The even lanes and the odd lanes of the vector pair (a, b) taken as one vector of twice the width:
    /// `even = (a₀, a₂, …, b₀, b₂, …)`, `odd = (a₁, a₃, …, b₁, b₃, …)`. Only moves scalars; the GEMM's packing
    /// transposes blocks of a matrix with it (log₂(width) rounds of it are a transpose).
    static func deinterleave(_ a: Vector, _ b: Vector) -> (even: Vector, odd: Vector)
    /// Lane-wise `a > b ? then : otherwise` (false for NaN lanes).
    ///
    /// Generic code cannot write this as `otherwise.replacing(with: then, where: a .> b)`: in a generic context
    /// `.>` is the standard library's lane-by-lane loop, which builds the mask one scalar at a time (the vector
    /// softplus was 8× slower for it); written per type it is one compare and one blend.
    static func select(_ a: Vector, greaterThan b: Vector, then: Vector, otherwise: Vector) -> Vector
    /// Lane-wise `a == b ? then : otherwise` (false for NaN lanes), one compare and one blend; see
    /// `select(_:greaterThan:then:otherwise:)`.
    static func select(_ a: Vector, equalTo b: Vector, then: Vector, otherwise: Vector) -> Vector

    /// ln 2 split in two so that `e · ln2Hi` is exact for every binary exponent e of this type.
    static var ln2Hi: Self { get }
    /// The rest of ln 2: `ln2Hi + ln2Lo` is ln 2 to twice this type's precision.
    static var ln2Lo: Self { get }
    /// The largest |z| for which tanh(z) still rounds to something other than ±1 in this type.
    static var tanhSaturation: Self { get }
}

extension Double: BackpropScalar {
    public typealias Vector = SIMD4<Double>

    @inlinable public var bits: UInt64 { bitPattern }
    @inlinable public init(bits: UInt64) { self.init(bitPattern: bits) }

    public static var precisionName: String { "double" }

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

extension Float: BackpropScalar {
    public typealias Vector = SIMD8<Float>

    @inlinable public var bits: UInt32 { bitPattern }
    @inlinable public init(bits: UInt32) { self.init(bitPattern: bits) }

    public static var precisionName: String { "float" }

    @inlinable @inline(__always)
    public static func deinterleave(_ a: Vector, _ b: Vector) -> (even: Vector, odd: Vector) {
        let pair = SIMD16<Float>(lowHalf: a, highHalf: b)
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

    public static var ln2Hi: Float { 0x1.62e3p-1 }
    public static var ln2Lo: Float { 0x1.2fefa2p-17 }
    public static var tanhSaturation: Float { 10 }

    /// Splits x = k·ln 2 + r with |r| ≤ ln 2 / 2 and returns (k, eʳ − 1), a degree-8 Taylor polynomial.
    @inlinable @inline(__always)
    static func reduce(_ x: Vector) -> (k: Vector, q: Vector) {
        let k = (x * 0x1.715476p0).rounded(.toNearestOrEven)
        var r = x.addingProduct(-k, Vector(repeating: 0x1.62e43p-1))
        r = r.addingProduct(-k, Vector(repeating: -0x1.05c610p-29))
        var p = Vector(repeating: 1.0 / 40320)
        p = Vector(repeating: 1.0 / 5040).addingProduct(p, r)
        p = Vector(repeating: 1.0 / 720).addingProduct(p, r)
        p = Vector(repeating: 1.0 / 120).addingProduct(p, r)
        p = Vector(repeating: 1.0 / 24).addingProduct(p, r)
        p = Vector(repeating: 1.0 / 6).addingProduct(p, r)
        p = Vector(repeating: 0.5).addingProduct(p, r)
        let q = r.addingProduct(r * r, p)
        return (k, q)
    }

    /// 2ʲ for integral j in [−126, 127], built from the bits (j + 127) << 23.
    @inlinable @inline(__always)
    static func powerOfTwo(_ j: Vector) -> Vector {
        let shifted = j + 0x1.8p23
        let bits = unsafeBitCast(shifted, to: SIMD8<UInt32>.self)
        return unsafeBitCast((bits &+ 127) &<< 23, to: Vector.self)
    }

    @inlinable
    public static func exp(_ x: Vector) -> Vector {
        var xc = x.replacing(with: 89, where: x .> 89)
        xc.replace(with: -104, where: x .< -104)
        let (k, q) = reduce(xc)
        let k1 = (k * 0.5).rounded(.down)
        return ((1 + q) * powerOfTwo(k1)) * powerOfTwo(k - k1)
    }

    @inlinable
    public static func expm1(_ x: Vector) -> Vector {
        var xc = x.replacing(with: 89, where: x .> 89)
        xc.replace(with: -20, where: x .< -20)
        let (k, q) = reduce(xc)
        let k1 = (k * 0.5).rounded(.down)
        let s = powerOfTwo(k1) * powerOfTwo(k - k1)
        return (s * q + (s - 1)).replacing(with: q, where: k .== 0)
    }
}
