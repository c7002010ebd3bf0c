/// The weights and biases of one layer l, or, in `Gradients`, their gradients (which have the same shapes).
///
/// - `weights`: Wˡ, `[h_{l−1}, h_l]` (input × output, the course note's convention): zˡ = (Wˡ)ᵀ aˡ⁻¹ + bˡ.
/// - `biases`: bˡ, h_l entries, added to every example's pre-activation.
public struct LayerParameters<Scalar: BackpropScalar>: Equatable, Sendable {
    /// Wˡ (or ∂𝓛/∂Wˡ), `[h_{l−1}, h_l]`.
    public var weights: Matrix<Scalar>
    /// bˡ (or ∂𝓛/∂bˡ), h_l entries.
    public var biases: [Scalar]

    /// A layer from its weights and biases.
    /// - Precondition: `biases.count == weights.columns`.
    public init(weights: Matrix<Scalar>, biases: [Scalar]) {
        precondition(biases.count == weights.columns,
                     "\(biases.count) biases for a weight matrix with \(weights.columns) columns")
        self.weights = weights
        self.biases = biases
    }

    /// A zero layer of `inputs × outputs` weights and `outputs` biases.
    public init(inputs: Int, outputs: Int) {
        self.init(weights: Matrix(rows: inputs, columns: outputs), biases: Array(repeating: 0, count: outputs))
    }

    /// h_{l−1}.
    public var inputCount: Int { weights.rows }
    /// h_l.
    public var outputCount: Int { weights.columns }

    /// The same layer in another precision.
    public func converted<Other: BackpropScalar>(to _: Other.Type = Other.self) -> LayerParameters<Other> {
        LayerParameters<Other>(weights: weights.converted(), biases: biases.map { Other($0) })
    }
}
