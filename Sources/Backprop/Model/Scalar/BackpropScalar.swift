/// The floating-point types the library computes in: `Float` and `Double`, and no others.
///
/// The protocol is small on purpose. Besides what `BinaryFloatingPoint` gives, a scalar names
///
/// - its 256-bit SIMD vector (`SIMD8<Float>`, `SIMD4<Double>`: one AVX2 register), used by the kernels, and the
///   512-bit one (`SIMD16<Float>`, `SIMD8<Double>`: one AVX-512 register), used by the GEMM's AVX-512 tile;
/// - its bit pattern, used to compare results to the last bit and to count ULPs;
/// - `exp` and `expm1` on a whole vector, implemented per type with only IEEE additions, multiplications
///   and fused multiply-adds, so that an activation gives the same bits on every platform (a C library's `exp`
///   may differ in the last place between Linux and macOS) and vectorises.
///
/// Everything else (sigmoid, tanh, log, softplus) is written once, generically, on top of these
/// (see `BackpropScalar+Elementary.swift`). The conformances are `Double+BackpropScalar.swift` and
/// `Float+BackpropScalar.swift`.
public protocol BackpropScalar: BinaryFloatingPoint, SIMDScalar, Codable, Sendable, LosslessStringConvertible
where RawSignificand: FixedWidthInteger {
    /// One SIMD register of this scalar: 4 Doubles or 8 Floats.
    associatedtype Vector: SIMD & Sendable where Vector.Scalar == Self
    /// Two `Vector`s side by side, one AVX-512 register: 8 Doubles or 16 Floats (the GEMM's AVX-512 tile).
    associatedtype WideVector: SIMD & Sendable where WideVector.Scalar == Self
    /// The unsigned integer holding this scalar's bits (`UInt64` or `UInt32`).
    associatedtype Bits: FixedWidthInteger & UnsignedInteger & Sendable

    /// The scalar's bits, as stored in memory.
    var bits: Bits { get }
    /// The scalar with the given bits.
    init(bits: Bits)

    /// `.double` or `.float`: the name used on the command line and in files.
    static var precision: Precision { get }

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
    /// `.>` is the standard library's lane-by-lane loop, which builds the mask one scalar at a time; written per
    /// type it is one compare and one blend.
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
