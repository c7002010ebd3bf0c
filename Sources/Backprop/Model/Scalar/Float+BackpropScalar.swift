extension Float: BackpropScalar {
    public typealias Vector = SIMD8<Float>
    public typealias WideVector = SIMD16<Float>

    @inlinable public var bits: UInt32 { bitPattern }
    @inlinable public init(bits: UInt32) { self.init(bitPattern: bits) }

    public static var precision: Precision { .float }

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
