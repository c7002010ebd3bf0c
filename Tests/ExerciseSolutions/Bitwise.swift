import Backprop
import BackpropExercises

/// Exercise 9's solution: the steps changed so that each performs the library's operations in the library's order
/// (docs/bitwise-identity.md), and so gives its bits: a chain of fused multiply-adds starting from the bias or +0,
/// in index order, and a multiplication by 1/m rather than a division by m. `reversed` is part 2: the examples summed
/// backwards, the same mathematics in another order.
public enum Bitwise {
    public static func forward(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var sum = b[j]  // start from the bias, then one FMA per term
                for k in 0..<A.columns { sum = sum.addingProduct(A[i, k], W[k, j]) }
                Z[i, j] = sum
            }
        }
        return Z
    }

    public static func hiddenError(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                   _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum = sum.addingProduct(D[i, k], W[j, k]) }
                delta[i, j] = sum * hidden.derivative(fromActivation: A[i, j])
            }
        }
        return delta
    }

    public static func weightGradient(reversed: Bool) -> @Sendable (Matrix<Double>, Matrix<Double>) throws -> Matrix<Double> {
        { A, D in
            let m = A.rows, scale = 1 / Double(m)  // × 1/m, as the library does, not ÷ m
            let order = reversed ? Array((0..<m).reversed()) : Array(0..<m)
            var G = Matrix<Double>(rows: A.columns, columns: D.columns)
            for k in 0..<A.columns {
                for j in 0..<D.columns {
                    var sum = 0.0
                    for i in order { sum = sum.addingProduct(A[i, k], D[i, j]) }
                    G[k, j] = sum * scale
                }
            }
            return G
        }
    }

    public static func biasGradient(reversed: Bool) -> @Sendable (Matrix<Double>) throws -> [Double] {
        { D in
            let order = reversed ? Array((0..<D.rows).reversed()) : Array(0..<D.rows)
            var sums = [Double](repeating: 0, count: D.columns)
            for i in order { for j in 0..<D.columns { sums[j] += D[i, j] } }
            return sums.map { $0 * (1 / Double(D.rows)) }
        }
    }

    /// The one-example gradients, bitwise: the forward and hidden sums as FMA chains, and ∂W[i, j] = aᵢ δⱼ and
    /// ∂bⱼ = δⱼ as the library's sums over one example, from +0 (so that a −0 comes out as +0, as +0 + (−0) does).
    public static func oneExample(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a = [x], z = [[Double]()]
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            let zl = (0..<h[l]).map { j in (0..<h[l - 1]).reduce(b[j]) { $0.addingProduct(a[l - 1][$1], W[$1, j]) } }
            z.append(zl)
            a.append(l < L ? zl.map { network.hidden.value($0) } : network.output.activation(zl))
        }
        let loss = network.output.loss(logits: z[L], activation: a[L], target: y)
        var delta = (0..<h[L]).map { a[L][$0] - y[$0] }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for i in 0..<h[l - 1] { for j in 0..<h[l] { gw[i, j] = (0.0).addingProduct(a[l - 1][i], delta[j]) } }
            layers[l - 1] = LayerParameters(weights: gw, biases: delta.map { 0 + $0 })
            guard l > 1 else { break }
            let W = network.layers[l - 1].weights
            delta = (0..<h[l - 1]).map { j in
                (0..<h[l]).reduce(0.0) { $0.addingProduct(delta[$1], W[j, $1]) } * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
        }
        return Gradients(loss: loss, layers: layers)
    }

    public static func submission(reversed: Bool = false) -> StudentSubmission {
        StudentSubmission(
            oneExample: oneExample,
            steps: MatrixFormSteps(forward: forward, outputError: Solutions.outputError, hiddenError: hiddenError,
                                   weightGradient: weightGradient(reversed: reversed),
                                   biasGradient: biasGradient(reversed: reversed)),
            batchEngine: { AnyBackpropEngine(Solutions.BatchEngine(steps: $0)) })
    }
}
