/// A way to compute the gradients of a network's mean loss over a batch.
///
/// Given a network, inputs X `[m, h_0]` (one example per row) and targets Y `[m, h_L]` (one-hot or real), an
/// engine computes the mean loss 𝓛 = (1/m) Σᵢ ℓ(aᴸᵢ, yᵢ) and ∂𝓛/∂Wˡ, ∂𝓛/∂bˡ for every layer.
///
/// The library has two: `LoopEngine`, one example at a time with column vectors, and `BatchEngine`, all m at
/// once with matrix products. They are bitwise identical by design (docs/bitwise-identity.md). A student's
/// engine conforms too, and `backprop exercises` compares it with both (docs/exercises/).
///
/// Write the gradients into `gradients`, reusing its storage: call `gradients.prepare(for: network)` first.
public protocol BackpropEngine<Scalar> {
    associatedtype Scalar: BackpropScalar

    /// A short name for tables and messages: "loop", "batch".
    var name: String { get }

    /// Computes L and every ∂𝓛/∂Wˡ, ∂𝓛/∂bˡ for the batch (X, Y) into `gradients`.
    /// - Throws: `BackpropError` if X or Y does not fit the network (see `Network.validate(inputs:targets:)`).
    func computeGradients(
        of network: Network<Scalar>, inputs: Matrix<Scalar>, targets: Matrix<Scalar>,
        into gradients: inout Gradients<Scalar>
    ) throws

    /// The network's outputs Aᴸ `[m, c]` for the rows of X `[m, h_0]`: the forward pass alone. An engine that does
    /// not implement it gets the readable form's (`MatrixForm`), which gives the same bits as the library's engines.
    /// - Throws: `BackpropError` if X does not fit the network.
    func outputs(of network: Network<Scalar>, inputs: Matrix<Scalar>) throws -> Matrix<Scalar>
}

extension BackpropEngine {
    public func outputs(of network: Network<Scalar>, inputs: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try network.validate(inputs: inputs)
        var a = inputs
        for l in 1...network.layerCount {
            let z = MatrixForm.forward(a, network.layers[l - 1].weights, network.layers[l - 1].biases)
            a = MatrixForm.activations(z, hidden: l < network.layerCount ? network.hidden : nil, output: network.output)
        }
        return a
    }
}

extension BackpropEngine {
    /// L and every ∂𝓛/∂Wˡ, ∂𝓛/∂bˡ for the batch (X, Y), in new storage.
    public func gradients(
        of network: Network<Scalar>, inputs: Matrix<Scalar>, targets: Matrix<Scalar>
    ) throws -> Gradients<Scalar> {
        var result = Gradients(zeroFor: network)
        try computeGradients(of: network, inputs: inputs, targets: targets, into: &result)
        return result
    }
}
