import Backprop

/// YOUR ENGINE. This is the one file the exercises ask you to change (docs/exercises/). Check it at any time with
///
///     swift run backprop check --engine student
///
/// which compares it with the library's engines and with finite differences and, when it is wrong, names the
/// first wrong quantity and the likely mistake.
///
/// As shipped it is a complete, correct engine written as plainly as the course note: the matrix form, examples as
/// rows, every product a triple loop with `+=`. It is right, but not bitwise identical to the library's engines
/// (they use one fused multiply-add where this rounds a product and a sum separately), and the checker says so.
///
/// Exercise 2 rewrites the hidden-error step (marked EXERCISE 2), exercise 3 the gradients (EXERCISE 3), exercise 4
/// the whole body. Solutions for teachers: docs/exercises/solutions/.
public struct StudentEngine: BackpropEngine {
    public let name = "student"

    public init() {}

    public func computeGradients(
        of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
        into gradients: inout Gradients<Double>
    ) throws {
        try network.validate(inputs: X, targets: Y)
        let m = X.rows, L = network.layerCount, h = network.sizes

        // Forward pass: Zˡ = Aˡ⁻¹ Wˡ + bˡ, Aˡ = σ(Zˡ), with A⁰ = X. A[l] is [m, h_l].
        var A: [[[Double]]] = [X.rowArrays]
        var Z: [[[Double]]] = [[]]
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var Zl = [[Double]](repeating: [Double](repeating: 0, count: h[l]), count: m)
            for i in 0..<m {
                for j in 0..<h[l] {
                    var sum = b[j]
                    for k in 0..<h[l - 1] { sum += A[l - 1][i][k] * W[k, j] }
                    Zl[i][j] = sum
                }
            }
            Z.append(Zl)
            A.append(l < L ? Zl.map { $0.map { network.hidden.value($0) } } : Zl.map { network.output.activation($0) })
        }

        // The loss, and the output error Δᴸ = Aᴸ − Y (or the general rule), row by row.
        var loss = 0.0
        var delta = [[Double]]()
        for i in 0..<m {
            loss += network.output.loss(logits: Z[L][i], activation: A[L][i], target: Y.row(i))
            delta.append(network.output.outputError(activation: A[L][i], target: Y.row(i)))
        }

        var layers = network.layers.map { LayerParameters<Double>(inputs: $0.inputCount, outputs: $0.outputCount) }
        for l in stride(from: L, through: 1, by: -1) {
            // EXERCISE 3: the gradients of layer l. ∂Wˡ = (1/m) (Aˡ⁻¹)ᵀ Δˡ, ∂bˡ = (1/m) column sums of Δˡ.
            for k in 0..<h[l - 1] {
                for j in 0..<h[l] {
                    var sum = 0.0
                    for i in 0..<m { sum += A[l - 1][i][k] * delta[i][j] }
                    layers[l - 1].weights[k, j] = sum / Double(m)
                }
            }
            for j in 0..<h[l] {
                var sum = 0.0
                for i in 0..<m { sum += delta[i][j] }
                layers[l - 1].biases[j] = sum / Double(m)
            }
            guard l > 1 else { break }

            // EXERCISE 2: the hidden error one layer down. Δˡ⁻¹ = (Δˡ (Wˡ)ᵀ) ∘ σ′(Zˡ⁻¹), σ′ from the activations.
            let W = network.layers[l - 1].weights
            var below = [[Double]](repeating: [Double](repeating: 0, count: h[l - 1]), count: m)
            for i in 0..<m {
                for j in 0..<h[l - 1] {
                    var sum = 0.0
                    for k in 0..<h[l] { sum += delta[i][k] * W[j, k] }
                    below[i][j] = sum * network.hidden.derivative(fromActivation: A[l - 1][i][j])
                }
            }
            delta = below
        }
        gradients = Gradients(loss: loss / Double(m), layers: layers)
    }
}
