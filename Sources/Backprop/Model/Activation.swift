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
