/// The element-wise functions of one activation on whole SIMD vectors. Kernels are generic over a kernel type,
/// so the switch on `Activation` happens once per layer, not once per element.
@usableFromInline
protocol ActivationKernel {
    associatedtype Scalar: BackpropScalar
    /// a = σ(z), lane by lane.
    static func value(_ z: Scalar.Vector) -> Scalar.Vector
    /// σ′(z) from a = σ(z), lane by lane.
    static func derivative(_ a: Scalar.Vector) -> Scalar.Vector
}

@usableFromInline
enum SigmoidKernel<Scalar: BackpropScalar>: ActivationKernel {
    @inlinable @inline(__always)
    static func value(_ z: Scalar.Vector) -> Scalar.Vector { Scalar.sigmoid(z) }
    @inlinable @inline(__always)
    static func derivative(_ a: Scalar.Vector) -> Scalar.Vector { a * (1 - a) }
}

@usableFromInline
enum TanhKernel<Scalar: BackpropScalar>: ActivationKernel {
    @inlinable @inline(__always)
    static func value(_ z: Scalar.Vector) -> Scalar.Vector { Scalar.tanh(z) }
    @inlinable @inline(__always)
    static func derivative(_ a: Scalar.Vector) -> Scalar.Vector {
        Scalar.Vector(repeating: 1).addingProduct(-a, a)  // 1 − a², one rounding
    }
}

@usableFromInline
enum ReluKernel<Scalar: BackpropScalar>: ActivationKernel {
    @inlinable @inline(__always)
    static func value(_ z: Scalar.Vector) -> Scalar.Vector {
        // 0 > z ? 0 : z: NaN stays NaN, so a diverging network is noticed.
        Scalar.select(Scalar.Vector(), greaterThan: z, then: Scalar.Vector(), otherwise: z)
    }
    @inlinable @inline(__always)
    static func derivative(_ a: Scalar.Vector) -> Scalar.Vector {
        Scalar.select(a, greaterThan: Scalar.Vector(), then: Scalar.Vector(repeating: 1), otherwise: Scalar.Vector())
    }
}

@usableFromInline
enum IdentityKernel<Scalar: BackpropScalar>: ActivationKernel {
    @inlinable @inline(__always)
    static func value(_ z: Scalar.Vector) -> Scalar.Vector { z }
    @inlinable @inline(__always)
    static func derivative(_ a: Scalar.Vector) -> Scalar.Vector { Scalar.Vector(repeating: 1) }
}
