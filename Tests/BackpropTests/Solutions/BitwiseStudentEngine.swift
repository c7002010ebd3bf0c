import Backprop

/// Solution to exercise 5 (docs/exercises/05-break-identity.md), part 1: the shipped student engine changed so
/// that it performs the library's operations in the library's order (docs/bitwise-identity.md), and so is
/// bitwise identical to it. Part 2 breaks it again with `reverseExamples`. CI checks both with `EngineChecker`.
struct BitwiseStudentEngine: BackpropEngine {
    var reverseExamples = false
    var name: String { reverseExamples ? "bitwise student, examples backwards" : "bitwise student" }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        try network.validate(inputs: X, targets: Y)
        let m = X.rows, L = network.layerCount, h = network.sizes
        let order = reverseExamples ? Array((0..<m).reversed()) : Array(0..<m)

        var A: [[[Double]]] = [X.rowArrays]
        var Z: [[[Double]]] = [[]]
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var Zl = [[Double]](repeating: [Double](repeating: 0, count: h[l]), count: m)
            for i in 0..<m {
                for j in 0..<h[l] {
                    var sum = b[j]  // CHANGE 1: start from the bias and use one FMA per term (no separate * and +)
                    for k in 0..<h[l - 1] { sum = sum.addingProduct(A[l - 1][i][k], W[k, j]) }
                    Zl[i][j] = sum
                }
            }
            Z.append(Zl)
            A.append(l < L ? Zl.map { $0.map { network.hidden.value($0) } } : Zl.map { network.output.activation($0) })
        }
        var loss = 0.0
        var delta = [[Double]]()
        for i in 0..<m { delta.append(network.output.outputError(activation: A[L][i], target: Y.row(i))) }
        for i in order { loss += network.output.loss(logits: Z[L][i], activation: A[L][i], target: Y.row(i)) }

        let scale = 1 / Double(m)  // CHANGE 2: multiply by 1/m, as the library does, instead of dividing by m
        var layers = network.layers.map { LayerParameters<Double>(inputs: $0.inputCount, outputs: $0.outputCount) }
        for l in stride(from: L, through: 1, by: -1) {
            for k in 0..<h[l - 1] {
                for j in 0..<h[l] {
                    var sum = 0.0
                    for i in order { sum = sum.addingProduct(A[l - 1][i][k], delta[i][j]) }  // CHANGE 3: FMA, from +0
                    layers[l - 1].weights[k, j] = sum * scale
                }
            }
            for j in 0..<h[l] {
                var sum = 0.0
                for i in order { sum += delta[i][j] }
                layers[l - 1].biases[j] = sum * scale
            }
            guard l > 1 else { break }
            let W = network.layers[l - 1].weights
            var below = [[Double]](repeating: [Double](repeating: 0, count: h[l - 1]), count: m)
            for i in 0..<m {
                for j in 0..<h[l - 1] {
                    var sum = 0.0
                    for k in 0..<h[l] { sum = sum.addingProduct(W[j, k], delta[i][k]) }  // CHANGE 4: FMA, from +0
                    below[i][j] = sum * network.hidden.derivative(fromActivation: A[l - 1][i][j])
                }
            }
            delta = below
        }
        gradients = Gradients(loss: loss * scale, layers: layers)
    }
}
