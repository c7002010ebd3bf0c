/// A hidden layer's activation σ, applied element-wise: aˡ = σ(zˡ).
///
/// σ′ is always computed from the activation a = σ(z), never from z: sigmoid′ = a(1 − a), tanh′ = 1 − a²,
/// relu′ = [a > 0], identity′ = 1. Both engines call the same function on the same stored quantity, which is one
/// of the clauses of the bitwise contract (docs/bitwise-identity.md).
public enum Activation: String, CaseIterable, Codable, Sendable {
    /// σ(z) = 1 / (1 + e⁻ᶻ).
    case sigmoid
    /// σ(z) = tanh z.
    case tanh
    /// σ(z) = max(z, 0); its derivative at 0 is taken as 0.
    case relu
    /// σ(z) = z.
    case identity

    /// σ(z) for one scalar (the same lane arithmetic as the vector kernels).
    public func value<T: BackpropScalar>(_ z: T) -> T {
        switch self {
        case .sigmoid: SigmoidKernel<T>.value(T.Vector(repeating: z))[0]
        case .tanh: TanhKernel<T>.value(T.Vector(repeating: z))[0]
        case .relu: ReluKernel<T>.value(T.Vector(repeating: z))[0]
        case .identity: z
        }
    }

    /// σ′(z) for one scalar, computed from a = σ(z).
    public func derivative<T: BackpropScalar>(fromActivation a: T) -> T {
        switch self {
        case .sigmoid: SigmoidKernel<T>.derivative(T.Vector(repeating: a))[0]
        case .tanh: TanhKernel<T>.derivative(T.Vector(repeating: a))[0]
        case .relu: ReluKernel<T>.derivative(T.Vector(repeating: a))[0]
        case .identity: 1
        }
    }
}

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
