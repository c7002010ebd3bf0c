/// What an engine returns for one batch: the MEAN loss 𝓛 = (1/m) Σᵢ ℓᵢ and its gradient with respect to every
/// parameter, ∂𝓛/∂Wˡ `[h_{l−1}, h_l]` and ∂𝓛/∂bˡ (h_l), for l = 1…L.
public struct Gradients<Scalar: BackpropScalar>: Equatable, Sendable {
    /// L, the mean loss over the batch.
    public var loss: Scalar
    /// `layers[l − 1]` holds ∂𝓛/∂Wˡ and ∂𝓛/∂bˡ, shaped like Wˡ and bˡ.
    public var layers: [LayerParameters<Scalar>]

    public init(loss: Scalar, layers: [LayerParameters<Scalar>]) {
        self.loss = loss
        self.layers = layers
    }

    /// Zero gradients shaped like `network`'s parameters.
    public init(zeroFor network: Network<Scalar>) {
        self.init(loss: 0, layers: network.layers.map { LayerParameters(inputs: $0.inputCount, outputs: $0.outputCount) })
    }

    /// Whether every ∂W and ∂b has the shape of the corresponding parameter of `network`.
    /// (An index loop, not `zip`: engines call this on every batch, and it must not allocate.)
    @inlinable
    public func hasShapes(of network: Network<Scalar>) -> Bool {
        guard layers.count == network.layers.count else { return false }
        for l in layers.indices {
            let mine = layers[l], theirs = network.layers[l]
            guard mine.weights.rows == theirs.weights.rows, mine.weights.columns == theirs.weights.columns,
                  mine.biases.count == theirs.biases.count else { return false }
        }
        return true
    }

    /// Makes the shapes fit `network`, reallocating only if they do not already (engines call this first, so a
    /// caller that reuses one `Gradients` across batches allocates once).
    @inlinable
    public mutating func prepare(for network: Network<Scalar>) {
        if !hasShapes(of: network) { self = Gradients(zeroFor: network) }
    }

    /// Every gradient element, layer by layer (∂W¹ row-major, ∂b¹, ∂W², …), for norms and checksums.
    public var flattened: [Scalar] {
        layers.flatMap { $0.weights.elements + $0.biases }
    }
}
