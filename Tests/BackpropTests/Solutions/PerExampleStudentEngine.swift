import Backprop

/// Solution to exercise 4 (docs/exercises/04-your-own-engine.md): an engine of one's own, one example at a time,
/// built from the library's public matrix–vector kernels (`MatrixVector`). CI checks it with `EngineChecker`.
struct PerExampleStudentEngine: BackpropEngine {
    let name = "per-example student"

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        try network.validate(inputs: X, targets: Y)
        let L = network.layerCount, h = network.sizes, m = X.rows
        var sums = network.layers.map { LayerParameters<Double>(inputs: $0.inputCount, outputs: $0.outputCount) }
        var loss = 0.0
        for i in 0..<m {
            // Forward: a⁰ = x, zˡ = (Wˡ)ᵀ aˡ⁻¹ + bˡ, aˡ = σ(zˡ).
            var a = [X.row(i)], z = [[Double]()]
            for l in 1...L {
                var zl = [Double](repeating: 0, count: h[l])
                MatrixVector.forward(network.layers[l - 1].weights, a[l - 1], bias: network.layers[l - 1].biases, into: &zl)
                z.append(zl)
                a.append(l < L ? zl.map { network.hidden.value($0) } : network.output.activation(zl))
            }
            loss += network.output.loss(logits: z[L], activation: a[L], target: Y.row(i))
            // Backward: δᴸ, then δˡ = (Wˡ⁺¹ δˡ⁺¹) ∘ σ′, adding each example's aˡ⁻¹ δˡᵀ and δˡ.
            var delta = network.output.outputError(activation: a[L], target: Y.row(i))
            for l in stride(from: L, through: 1, by: -1) {
                MatrixVector.addOuterProduct(&sums[l - 1].weights, a[l - 1], delta)
                for j in 0..<h[l] { sums[l - 1].biases[j] += delta[j] }
                guard l > 1 else { break }
                var back = [Double](repeating: 0, count: h[l - 1])
                MatrixVector.backward(network.layers[l - 1].weights, delta, into: &back)
                delta = (0..<h[l - 1]).map { back[$0] * network.hidden.derivative(fromActivation: a[l - 1][$0]) }
            }
        }
        for l in sums.indices {
            sums[l].weights.elements = sums[l].weights.elements.map { $0 / Double(m) }
            sums[l].biases = sums[l].biases.map { $0 / Double(m) }
        }
        gradients = Gradients(loss: loss / Double(m), layers: sums)
    }
}
