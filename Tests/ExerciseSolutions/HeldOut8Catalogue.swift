import Backprop
import BackpropExercises
import Foundation

/// Held-out catalogue 8: hand-ins written from the course pages only (docs/exercises, notation, the note's
/// equations) and the reference solutions, without knowing how the checker works. Each wrong hand-in has exactly one
/// slip in one step; every other step is `Solutions`'. The "pass" hand-ins are correct, written unusually.
public struct HeldOut8Submission: Sendable {
    public let name: String
    public let expected: String   // the step where the slip is, or "pass"
    public let mistake: String    // the slip in one sentence, as a TA would describe it
    public let submission: StudentSubmission
}

func h8(_ name: String, _ expected: String, _ mistake: String, _ submission: StudentSubmission) -> HeldOut8Submission {
    HeldOut8Submission(name: name, expected: expected, mistake: mistake, submission: submission)
}

/// A submission made of Solutions' steps, with the given ones replaced.
func h8sub(
    oneExample: @escaping @Sendable (Network<Double>, [Double], [Double]) throws -> Gradients<Double> = Solutions.oneExample,
    forward: @escaping @Sendable (Matrix<Double>, Matrix<Double>, [Double]) throws -> Matrix<Double> = Solutions.forward,
    outputError: @escaping @Sendable (Matrix<Double>, Matrix<Double>) throws -> Matrix<Double> = Solutions.outputError,
    hiddenError: @escaping @Sendable (Matrix<Double>, Matrix<Double>, Matrix<Double>, Activation) throws -> Matrix<Double> = Solutions.hiddenError,
    weightGradient: @escaping @Sendable (Matrix<Double>, Matrix<Double>) throws -> Matrix<Double> = Solutions.weightGradient,
    biasGradient: @escaping @Sendable (Matrix<Double>) throws -> [Double] = Solutions.biasGradient,
    engine: @escaping @Sendable (MatrixFormSteps) -> AnyBackpropEngine<Double> = { AnyBackpropEngine(Solutions.BatchEngine(steps: $0)) }
) -> StudentSubmission {
    StudentSubmission(
        oneExample: oneExample,
        steps: MatrixFormSteps(forward: forward, outputError: outputError, hiddenError: hiddenError,
                               weightGradient: weightGradient, biasGradient: biasGradient),
        batchEngine: engine)
}

/// State kept between calls (for the hand-ins that keep some), behind a lock.
private final class H8Store<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    func with<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}

// MARK: - Exercise 3: one example

private enum H8OneExample {
    typealias Net = Network<Double>

    /// Solutions' forward pass: a[0] = x, z[0] empty.
    static func forwardPass(_ network: Net, _ x: [Double]) -> (a: [[Double]], z: [[Double]]) {
        let L = network.layerCount, h = network.sizes
        var a = [x], z = [[Double]()]
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var zl = [Double](repeating: 0, count: h[l])
            for j in 0..<h[l] {
                zl[j] = b[j]
                for i in 0..<h[l - 1] { zl[j] += W[i, j] * a[l - 1][i] }
            }
            z.append(zl)
            a.append(l < L ? zl.map { network.hidden.value($0) } : network.output.activation(zl))
        }
        return (a, z)
    }

    /// Solutions' backward pass.
    static func backwardPass(_ network: Net, _ a: [[Double]], _ y: [Double]) -> [LayerParameters<Double>] {
        let L = network.layerCount, h = network.sizes
        var delta = (0..<h[L]).map { a[L][$0] - y[$0] }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for i in 0..<h[l - 1] { for j in 0..<h[l] { gw[i, j] = a[l - 1][i] * delta[j] } }
            layers[l - 1] = LayerParameters(weights: gw, biases: delta)
            guard l > 1 else { break }
            let W = network.layers[l - 1].weights
            delta = (0..<h[l - 1]).map { j in
                var sum = 0.0
                for k in 0..<h[l] { sum += W[j, k] * delta[k] }
                return sum * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
        }
        return layers
    }

    // Slip: the bias is added after σ.
    static func biasAfterSigma(_ network: Net, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a = [x], z = [[Double]()]
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var zl = [Double](repeating: 0, count: h[l])
            for j in 0..<h[l] {
                for i in 0..<h[l - 1] { zl[j] += W[i, j] * a[l - 1][i] }
            }
            z.append(zl)
            let activated = l < L ? zl.map { network.hidden.value($0) } : network.output.activation(zl)
            a.append((0..<h[l]).map { activated[$0] + b[$0] })   // a = σ(Wᵀa) + b
        }
        let loss = network.output.loss(logits: z[L], activation: a[L], target: y)
        return Gradients(loss: loss, layers: backwardPass(network, a, y))
    }

    // Slip: cross-entropy written by hand from the activations.
    static func handCrossEntropy(_ network: Net, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount
        let (a, _) = forwardPass(network, x)
        var loss = 0.0
        if network.output == .softmaxCrossEntropy {
            for j in 0..<a[L].count { loss -= y[j] * log(a[L][j]) }
        } else {
            for j in 0..<a[L].count { loss -= y[j] * log(a[L][j]) + (1 - y[j]) * log(1 - a[L][j]) }
        }
        return Gradients(loss: loss, layers: backwardPass(network, a, y))
    }

    // Slip: the outer product written the wrong way round.
    static func outerProductSwapped(_ network: Net, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        let (a, z) = forwardPass(network, x)
        let loss = network.output.loss(logits: z[L], activation: a[L], target: y)
        var delta = (0..<h[L]).map { a[L][$0] - y[$0] }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for i in 0..<h[l - 1] { for j in 0..<h[l] { gw[i, j] = a[l - 1][j] * delta[i] } }
            layers[l - 1] = LayerParameters(weights: gw, biases: delta)
            guard l > 1 else { break }
            let W = network.layers[l - 1].weights
            delta = (0..<h[l - 1]).map { j in
                var sum = 0.0
                for k in 0..<h[l] { sum += W[j, k] * delta[k] }
                return sum * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
        }
        return Gradients(loss: loss, layers: layers)
    }

    // Slip: one running sum per layer, not per unit.
    static func runningSumNotReset(_ network: Net, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        let (a, z) = forwardPass(network, x)
        let loss = network.output.loss(logits: z[L], activation: a[L], target: y)
        var delta = (0..<h[L]).map { a[L][$0] - y[$0] }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for i in 0..<h[l - 1] { for j in 0..<h[l] { gw[i, j] = a[l - 1][i] * delta[j] } }
            layers[l - 1] = LayerParameters(weights: gw, biases: delta)
            guard l > 1 else { break }
            let W = network.layers[l - 1].weights
            var sum = 0.0
            delta = (0..<h[l - 1]).map { j in
                for k in 0..<h[l] { sum += W[j, k] * delta[k] }
                return sum * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
        }
        return Gradients(loss: loss, layers: layers)
    }

    // Slip: forward loop made zero-based, but the test for the output layer kept as l < L.
    static func zeroBasedOutputSigma(_ network: Net, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a = [x], z = [[Double]()]
        for l in 0..<L {   // network.layers is zero-based, so loop the same way
            let W = network.layers[l].weights, b = network.layers[l].biases
            var zl = [Double](repeating: 0, count: h[l + 1])
            for j in 0..<h[l + 1] {
                zl[j] = b[j]
                for i in 0..<h[l] { zl[j] += W[i, j] * a[l][i] }
            }
            z.append(zl)
            a.append(l < L ? zl.map { network.hidden.value($0) } : network.output.activation(zl))
        }
        let loss = network.output.loss(logits: z[L], activation: a[L], target: y)
        return Gradients(loss: loss, layers: backwardPass(network, a, y))
    }

    // Slip: σ′ written by hand as tanh's.
    static func tanhDerivativeByHand(_ network: Net, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        let (a, z) = forwardPass(network, x)
        let loss = network.output.loss(logits: z[L], activation: a[L], target: y)
        var delta = (0..<h[L]).map { a[L][$0] - y[$0] }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for i in 0..<h[l - 1] { for j in 0..<h[l] { gw[i, j] = a[l - 1][i] * delta[j] } }
            layers[l - 1] = LayerParameters(weights: gw, biases: delta)
            guard l > 1 else { break }
            let W = network.layers[l - 1].weights
            delta = (0..<h[l - 1]).map { j in
                var sum = 0.0
                for k in 0..<h[l] { sum += W[j, k] * delta[k] }
                return sum * (1 - a[l - 1][j] * a[l - 1][j])   // σ′ = 1 − a²
            }
        }
        return Gradients(loss: loss, layers: layers)
    }

    // Slip: L2 weight decay added to ∂W.
    static func weightDecay(_ network: Net, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        let lambda = 0.001
        let (a, z) = forwardPass(network, x)
        let loss = network.output.loss(logits: z[L], activation: a[L], target: y)
        var delta = (0..<h[L]).map { a[L][$0] - y[$0] }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            let W = network.layers[l - 1].weights
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for i in 0..<h[l - 1] { for j in 0..<h[l] { gw[i, j] = a[l - 1][i] * delta[j] + lambda * W[i, j] } }
            layers[l - 1] = LayerParameters(weights: gw, biases: delta)
            guard l > 1 else { break }
            delta = (0..<h[l - 1]).map { j in
                var sum = 0.0
                for k in 0..<h[l] { sum += W[j, k] * delta[k] }
                return sum * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
        }
        return Gradients(loss: loss, layers: layers)
    }

    // Slip: the recursive backward pass calls itself with the same l.
    static func recursionSameLayer(_ network: Net, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        let (a, z) = forwardPass(network, x)
        let loss = network.output.loss(logits: z[L], activation: a[L], target: y)
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        backStuck(network, a, L, (0..<h[L]).map { a[L][$0] - y[$0] }, &layers)
        return Gradients(loss: loss, layers: layers)
    }

    private static func backStuck(_ network: Net, _ a: [[Double]], _ l: Int, _ delta: [Double],
                                  _ layers: inout [LayerParameters<Double>]) {
        let h = network.sizes
        var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
        for i in 0..<h[l - 1] { for j in 0..<h[l] { gw[i, j] = a[l - 1][i] * delta[j] } }
        layers[l - 1] = LayerParameters(weights: gw, biases: delta)
        if l == 1 { return }
        let W = network.layers[l - 1].weights
        let below = (0..<h[l - 1]).map { j in
            var sum = 0.0
            for k in 0..<h[l] { sum += W[j, k] * delta[k] }
            return sum * network.hidden.derivative(fromActivation: a[l - 1][j])
        }
        backStuck(network, a, l, below, &layers)
    }

    // Slip: the forward sums kept in Float.
    static func floatForward(_ network: Net, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a = [x], z = [[Double]()]
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var zl = [Double](repeating: 0, count: h[l])
            for j in 0..<h[l] {
                var s = Float(b[j])
                for i in 0..<h[l - 1] { s += Float(W[i, j]) * Float(a[l - 1][i]) }
                zl[j] = Double(s)
            }
            z.append(zl)
            a.append(l < L ? zl.map { network.hidden.value($0) } : network.output.activation(zl))
        }
        let loss = network.output.loss(logits: z[L], activation: a[L], target: y)
        return Gradients(loss: loss, layers: backwardPass(network, a, y))
    }

    // Slip: σ′ taken from the layer above.
    static func sigmaPrimeLayerAbove(_ network: Net, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        let (a, z) = forwardPass(network, x)
        let loss = network.output.loss(logits: z[L], activation: a[L], target: y)
        var delta = (0..<h[L]).map { a[L][$0] - y[$0] }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for i in 0..<h[l - 1] { for j in 0..<h[l] { gw[i, j] = a[l - 1][i] * delta[j] } }
            layers[l - 1] = LayerParameters(weights: gw, biases: delta)
            guard l > 1 else { break }
            let W = network.layers[l - 1].weights
            delta = (0..<h[l - 1]).map { j in
                var sum = 0.0
                for k in 0..<h[l] { sum += W[j, k] * delta[k] }
                return sum * network.hidden.derivative(fromActivation: a[l][j])
            }
        }
        return Gradients(loss: loss, layers: layers)
    }

    // Correct: recursion over the layers, forward and back.
    static func recursive(_ network: Net, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount
        var a = [x], z = [[Double]()]
        forwardFrom(1, network, &a, &z)
        let loss = network.output.loss(logits: z[L], activation: a[L], target: y)
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        backFrom(L, network, a, (0..<network.sizes[L]).map { a[L][$0] - y[$0] }, &layers)
        return Gradients(loss: loss, layers: layers)
    }

    private static func forwardFrom(_ l: Int, _ network: Net, _ a: inout [[Double]], _ z: inout [[Double]]) {
        let L = network.layerCount, h = network.sizes
        if l > L { return }
        let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
        var zl = [Double](repeating: 0, count: h[l])
        for j in 0..<h[l] {
            zl[j] = b[j]
            for i in 0..<h[l - 1] { zl[j] += W[i, j] * a[l - 1][i] }
        }
        z.append(zl)
        a.append(l < L ? zl.map { network.hidden.value($0) } : network.output.activation(zl))
        forwardFrom(l + 1, network, &a, &z)
    }

    private static func backFrom(_ l: Int, _ network: Net, _ a: [[Double]], _ delta: [Double],
                                 _ layers: inout [LayerParameters<Double>]) {
        let h = network.sizes
        var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
        for i in 0..<h[l - 1] { for j in 0..<h[l] { gw[i, j] = a[l - 1][i] * delta[j] } }
        layers[l - 1] = LayerParameters(weights: gw, biases: delta)
        if l == 1 { return }
        let W = network.layers[l - 1].weights
        let below = (0..<h[l - 1]).map { j in
            var sum = 0.0
            for k in 0..<h[l] { sum += W[j, k] * delta[k] }
            return sum * network.hidden.derivative(fromActivation: a[l - 1][j])
        }
        backFrom(l - 1, network, a, below, &layers)
    }

    // Correct: the sums written with reduce, in the same order.
    static func reduceStyle(_ network: Net, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a = [x], z = [[Double]()]
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            let zl = (0..<h[l]).map { j in (0..<h[l - 1]).reduce(b[j]) { $0 + W[$1, j] * a[l - 1][$1] } }
            z.append(zl)
            a.append(l < L ? zl.map { network.hidden.value($0) } : network.output.activation(zl))
        }
        let loss = network.output.loss(logits: z[L], activation: a[L], target: y)
        var delta = zip(a[L], y).map { $0 - $1 }
        var layers = [LayerParameters<Double>]()
        for l in stride(from: L, through: 1, by: -1) {
            let gw = Matrix(a[l - 1].map { ak in delta.map { ak * $0 } })
            layers.insert(LayerParameters(weights: gw, biases: delta), at: 0)
            if l == 1 { break }
            let W = network.layers[l - 1].weights, d = delta
            delta = (0..<h[l - 1]).map { j in
                (0..<h[l]).reduce(0.0) { $0 + W[j, $1] * d[$1] } * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
        }
        return Gradients(loss: loss, layers: layers)
    }
}

// MARK: - Exercise 4: forward

private enum H8Forward {
    typealias M = Matrix<Double>

    // Slip: W transposed first, because the one-example formula has (Wˡ)ᵀ.
    static func transposedFirst(_ A: M, _ W: M, _ b: [Double]) throws -> M {
        let Wt = W.transposed   // z = Wᵀ a
        var Z = M(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var sum = b[j]
                for k in 0..<A.columns { sum += A[i, k] * Wt[k, j] }
                Z[i, j] = sum
            }
        }
        return Z
    }

    // Slip: the sum over k starts at 1.
    static func skipsFirstInput(_ A: M, _ W: M, _ b: [Double]) throws -> M {
        var Z = M(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var sum = b[j]
                for k in 1..<A.columns { sum += A[i, k] * W[k, j] }
                Z[i, j] = sum
            }
        }
        return Z
    }

    // Slip: ReLU applied inside the forward step.
    static func reluApplied(_ A: M, _ W: M, _ b: [Double]) throws -> M {
        var Z = M(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var sum = b[j]
                for k in 0..<A.columns { sum += A[i, k] * W[k, j] }
                Z[i, j] = max(0, sum)   // the layer's activation
            }
        }
        return Z
    }

    // Slip: the last example is never computed.
    static func lastRowSkipped(_ A: M, _ W: M, _ b: [Double]) throws -> M {
        var Z = M(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows - 1 {
            for j in 0..<W.columns {
                var sum = b[j]
                for k in 0..<A.columns { sum += A[i, k] * W[k, j] }
                Z[i, j] = sum
            }
        }
        return Z
    }

    private static let byShape = H8Store<[String: M]>([:])

    // Slip: the result cached by the shapes.
    static func cacheByShape(_ A: M, _ W: M, _ b: [Double]) throws -> M {
        let key = "\(A.rows)x\(A.columns)x\(W.columns)"
        if let seen = byShape.with({ $0[key] }) { return seen }
        var Z = M(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var sum = b[j]
                for k in 0..<A.columns { sum += A[i, k] * W[k, j] }
                Z[i, j] = sum
            }
        }
        byShape.with { $0[key] = Z }
        return Z
    }

    // Slip: 1ₘ (bˡ)ᵀ read as m times the bias.
    static func biasTimesM(_ A: M, _ W: M, _ b: [Double]) throws -> M {
        var Z = M(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var sum = Double(A.rows) * b[j]   // 1ₘ bᵀ
                for k in 0..<A.columns { sum += A[i, k] * W[k, j] }
                Z[i, j] = sum
            }
        }
        return Z
    }

    // Slip: skipping zero inputs, but k only advances inside the if.
    static func skipZerosHangs(_ A: M, _ W: M, _ b: [Double]) throws -> M {
        var Z = M(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var sum = b[j]
                var k = 0
                while k < A.columns {
                    if A[i, k] != 0 {   // a zero input adds nothing: skip it
                        sum += A[i, k] * W[k, j]
                        k += 1
                    }
                }
                Z[i, j] = sum
            }
        }
        return Z
    }

    // Slip: W's storage walked with a stride of W.rows.
    static func strideByRows(_ A: M, _ W: M, _ b: [Double]) throws -> M {
        var Z = M(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var sum = b[j]
                for k in 0..<A.columns { sum += A.elements[i * A.columns + k] * W.elements[k * W.rows + j] }
                Z[i, j] = sum
            }
        }
        return Z
    }

    // Slip: return inside the loop over the examples.
    static func earlyReturn(_ A: M, _ W: M, _ b: [Double]) throws -> M {
        var Z = M(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var sum = b[j]
                for k in 0..<A.columns { sum += A[i, k] * W[k, j] }
                Z[i, j] = sum
            }
            return Z
        }
        return Z
    }

    // Slip: the output's width taken from A.
    static func widthFromInput(_ A: M, _ W: M, _ b: [Double]) throws -> M {
        var Z = M(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows {
            for j in 0..<A.columns {
                var sum = b[j]
                for k in 0..<A.columns { sum += A[i, k] * W[k, j] }
                Z[i, j] = sum
            }
        }
        return Z
    }

    // Correct: the loop over the units outside the loop over the examples.
    static func unitsOuter(_ A: M, _ W: M, _ b: [Double]) throws -> M {
        var Z = M(rows: A.rows, columns: W.columns)
        for j in 0..<W.columns {
            for i in 0..<A.rows {
                var sum = b[j]
                for k in 0..<A.columns { sum += A[i, k] * W[k, j] }
                Z[i, j] = sum
            }
        }
        return Z
    }

    // Correct: the library's chain, a fused multiply-add per term.
    static func fmaChain(_ A: M, _ W: M, _ b: [Double]) throws -> M {
        var Z = M(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var z = b[j]
                for k in 0..<A.columns { z = z.addingProduct(A[i, k], W[k, j]) }
                Z[i, j] = z
            }
        }
        return Z
    }

    // Correct: rows of A against rows of Wᵀ (the columns of W).
    static func rowsOfTranspose(_ A: M, _ W: M, _ b: [Double]) throws -> M {
        let Wt = W.transposed
        var Z = M(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            let x = A.row(i)
            for j in 0..<W.columns {
                var sum = b[j]
                for (ak, wk) in zip(x, Wt.row(j)) { sum += ak * wk }
                Z[i, j] = sum
            }
        }
        return Z
    }
}

// MARK: - Exercise 4: output error

private enum H8OutputError {
    typealias M = Matrix<Double>

    // Slip: Δ written into Aᴸ's storage through a pointer.
    static func inPlaceIntoOutput(_ A: M, _ Y: M) throws -> M {
        // Aᴸ is not needed any more: write Δ straight into its storage, no new matrix
        A.elements.withUnsafeBufferPointer { buffer in
            let out = UnsafeMutablePointer(mutating: buffer.baseAddress!)
            for n in 0..<buffer.count { out[n] -= Y.elements[n] }
        }
        return A
    }

    // Slip: Y read as class indices.
    static func labelsAsIndices(_ A: M, _ Y: M) throws -> M {
        var delta = M(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows {
            let label = Int(Y[i, 0])   // the class of example i
            for j in 0..<A.columns { delta[i, j] = A[i, j] - (j == label ? 1 : 0) }
        }
        return delta
    }

    // Slip: the predicted class (one-hot argmax) used instead of the probabilities.
    static func argmaxPrediction(_ A: M, _ Y: M) throws -> M {
        var delta = M(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows {
            var best = 0
            for j in 1..<A.columns where A[i, j] > A[i, best] { best = j }
            for j in 0..<A.columns { delta[i, j] = (j == best ? 1 : 0) - Y[i, j] }
        }
        return delta
    }

    // Slip: the derivative of (a − y)², a factor 2.
    static func doubled(_ A: M, _ Y: M) throws -> M {
        var delta = M(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows { for j in 0..<A.columns { delta[i, j] = 2 * (A[i, j] - Y[i, j]) } }
        return delta
    }

    // Slip: a mean over the classes.
    static func meanOverClasses(_ A: M, _ Y: M) throws -> M {
        var delta = M(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows { for j in 0..<A.columns { delta[i, j] = (A[i, j] - Y[i, j]) / Double(A.columns) } }
        return delta
    }

    // Slip: the loop bounds swapped.
    static func boundsSwapped(_ A: M, _ Y: M) throws -> M {
        var delta = M(rows: A.rows, columns: A.columns)
        for i in 0..<A.columns { for j in 0..<A.rows { delta[i, j] = A[i, j] - Y[i, j] } }
        return delta
    }

    // Slip: the activations clipped to [1e-7, 1 − 1e-7] first.
    static func clipped(_ A: M, _ Y: M) throws -> M {
        let eps = 1e-7
        var delta = M(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows {
            for j in 0..<A.columns {
                let a = min(max(A[i, j], eps), 1 - eps)   // keep away from 0 and 1, as Keras does
                delta[i, j] = a - Y[i, j]
            }
        }
        return delta
    }

    // Slip: the softmax applied again to Aᴸ.
    static func softmaxAgain(_ A: M, _ Y: M) throws -> M {
        var delta = M(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows {
            let e = A.row(i).map { exp($0) }
            let s = e.reduce(0, +)
            for j in 0..<A.columns { delta[i, j] = e[j] / s - Y[i, j] }
        }
        return delta
    }

    private static let firstTargets = H8Store<M?>(nil)

    // Slip: the first call's Y kept and reused.
    static func firstTargetsKept(_ A: M, _ Y: M) throws -> M {
        let T = firstTargets.with { saved -> M in
            if saved == nil { saved = Y }   // the labels never change
            return saved!
        }
        var delta = M(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows { for j in 0..<A.columns { delta[i, j] = A[i, j] - T[i, j] } }
        return delta
    }

    // Slip: ∇ₐℓ ∘ σ′ written out, 0/0 at saturated outputs.
    static func cancelledByHand(_ A: M, _ Y: M) throws -> M {
        var delta = M(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows {
            for j in 0..<A.columns {
                let a = A[i, j], y = Y[i, j]
                let dLda = (a - y) / (a * (1 - a))   // ∂ℓ/∂a
                delta[i, j] = dLda * (a * (1 - a))   // ∘ σ′(z)
            }
        }
        return delta
    }

    // Correct: element arrays zipped.
    static func zippedElements(_ A: M, _ Y: M) throws -> M {
        M(rows: A.rows, columns: A.columns, elements: zip(A.elements, Y.elements).map { $0 - $1 })
    }
}

// MARK: - Exercise 5: hidden error

private enum H8HiddenError {
    typealias M = Matrix<Double>

    // Slip: exit(0) on a batch of one.
    static func exitOnOneExample(_ D: M, _ W: M, _ A: M, _ hidden: Activation) throws -> M {
        if D.rows == 1 {
            print("hidden error: only one example, nothing to average?")
            exit(0)
        }
        var delta = M(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                delta[i, j] = sum * hidden.derivative(fromActivation: A[i, j])
            }
        }
        return delta
    }

    // Slip: the sigmoid's σ′ for every activation.
    static func sigmoidPrimeAlways(_ D: M, _ W: M, _ A: M, _ hidden: Activation) throws -> M {
        var delta = M(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                delta[i, j] = sum * (A[i, j] * (1 - A[i, j]))   // σ′ = a(1 − a)
            }
        }
        return delta
    }

    // Slip: transposed with the helper and then indexed [j, k] as well.
    static func transposedTwice(_ D: M, _ W: M, _ A: M, _ hidden: Activation) throws -> M {
        let Wt = W.transposed   // (Wˡ⁺¹)ᵀ
        var delta = M(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * Wt[j, k] }
                delta[i, j] = sum * hidden.derivative(fromActivation: A[i, j])
            }
        }
        return delta
    }

    // Slip: the sum also runs over the examples.
    static func sumsOverExamplesToo(_ D: M, _ W: M, _ A: M, _ hidden: Activation) throws -> M {
        var delta = M(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for r in 0..<D.rows { for k in 0..<W.columns { sum += D[r, k] * W[j, k] } }
                delta[i, j] = sum * hidden.derivative(fromActivation: A[i, j])
            }
        }
        return delta
    }

    // Slip: k += 1 after the while loop's closing brace.
    static func incrementOutsideLoop(_ D: M, _ W: M, _ A: M, _ hidden: Activation) throws -> M {
        var delta = M(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                var k = 0
                while k < W.columns {
                    sum += D[i, k] * W[j, k]
                }
                k += 1
                delta[i, j] = sum * hidden.derivative(fromActivation: A[i, j])
            }
        }
        return delta
    }

    // Slip: σ′ evaluated at the error above.
    static func sigmaPrimeOfDelta(_ D: M, _ W: M, _ A: M, _ hidden: Activation) throws -> M {
        var delta = M(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                delta[i, j] = sum * hidden.derivative(fromActivation: D[i, j])
            }
        }
        return delta
    }

    // Slip: ReLU's derivative written by hand for every activation.
    static func reluSlopeByHand(_ D: M, _ W: M, _ A: M, _ hidden: Activation) throws -> M {
        var delta = M(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                let slope = A[i, j] > 0 ? 1.0 : 0.0
                delta[i, j] = sum * slope
            }
        }
        return delta
    }

    // Slip: the sum over k averaged.
    static func meanOverUnitsAbove(_ D: M, _ W: M, _ A: M, _ hidden: Activation) throws -> M {
        var delta = M(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                delta[i, j] = (sum / Double(W.columns)) * hidden.derivative(fromActivation: A[i, j])
            }
        }
        return delta
    }

    // Slip: the inner while index is never reset.
    static func innerIndexNotReset(_ D: M, _ W: M, _ A: M, _ hidden: Activation) throws -> M {
        var delta = M(rows: D.rows, columns: W.rows)
        var i = 0, j = 0
        while i < D.rows {
            while j < W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                delta[i, j] = sum * hidden.derivative(fromActivation: A[i, j])
                j += 1
            }
            i += 1
        }
        return delta
    }

    private static let buffer = H8Store<[Double]>([])

    // Slip: a static buffer reused and added into.
    static func staticBufferAddedInto(_ D: M, _ W: M, _ A: M, _ hidden: Activation) throws -> M {
        let m = D.rows, h = W.rows
        let out = buffer.with { buf -> [Double] in
            if buf.count != m * h { buf = [Double](repeating: 0, count: m * h) }   // allocate only when the shape changes
            for i in 0..<m {
                for j in 0..<h {
                    var sum = 0.0
                    for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                    buf[i * h + j] += sum * hidden.derivative(fromActivation: A[i, j])
                }
            }
            return buf
        }
        return M(rows: m, columns: h, elements: out)
    }

    // Correct, with a debugging print left in.
    static func debugPrint(_ D: M, _ W: M, _ A: M, _ hidden: Activation) throws -> M {
        print("hidden error: delta above \(D.shapeDescription), W above \(W.shapeDescription), A \(A.shapeDescription), \(hidden)")
        var delta = M(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                delta[i, j] = sum * hidden.derivative(fromActivation: A[i, j])
            }
        }
        return delta
    }

    // Correct: row i of Δ above against row j of W above.
    static func rowArrays(_ D: M, _ W: M, _ A: M, _ hidden: Activation) throws -> M {
        var delta = M(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            let d = D.row(i)
            for j in 0..<W.rows {
                var sum = 0.0
                for (dk, wk) in zip(d, W.row(j)) { sum += dk * wk }
                delta[i, j] = sum * hidden.derivative(fromActivation: A[i, j])
            }
        }
        return delta
    }
}

// MARK: - Exercise 6: weight gradient

private enum H8WeightGradient {
    typealias M = Matrix<Double>

    // Slip: the learning rate folded in.
    static func learningRateFolded(_ A: M, _ D: M) throws -> M {
        let m = A.rows, eta = 0.01
        var G = M(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var sum = 0.0
                for i in 0..<m { sum += A[i, k] * D[i, j] }
                G[k, j] = eta * (sum / Double(m))   // then the update is just W − G
            }
        }
        return G
    }

    // Slip: the sum kept in Float.
    static func floatSum(_ A: M, _ D: M) throws -> M {
        let m = A.rows
        var G = M(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var sum: Float = 0
                for i in 0..<m { sum += Float(A[i, k] * D[i, j]) }
                G[k, j] = Double(sum) / Double(m)
            }
        }
        return G
    }

    // Slip: 1 / m in Int arithmetic.
    static func integerReciprocal(_ A: M, _ D: M) throws -> M {
        let m = A.rows
        var G = M(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var sum = 0.0
                for i in 0..<m { sum += A[i, k] * D[i, j] }
                G[k, j] = sum * Double(1 / m)
            }
        }
        return G
    }

    // Slip: NumPy's delta.T @ input.
    static func deltaTransposedTimesInput(_ A: M, _ D: M) throws -> M {
        let m = A.rows
        let Dt = D.transposed   // grad = delta.T @ input
        var G = M(rows: Dt.rows, columns: A.columns)
        for r in 0..<Dt.rows {
            for c in 0..<A.columns {
                var sum = 0.0
                for i in 0..<m { sum += Dt[r, i] * A[i, c] }
                G[r, c] = sum / Double(m)
            }
        }
        return G
    }

    // Slip: m read from the columns.
    static func mFromColumns(_ A: M, _ D: M) throws -> M {
        let m = A.columns
        var G = M(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var sum = 0.0
                for i in 0..<m { sum += A[i, k] * D[i, j] }
                G[k, j] = sum / Double(m)
            }
        }
        return G
    }

    // Slip: the examples counted from 1.
    static func firstExampleSkipped(_ A: M, _ D: M) throws -> M {
        let m = A.rows
        var G = M(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var sum = 0.0
                for i in 1..<m { sum += A[i, k] * D[i, j] }
                G[k, j] = sum / Double(m)
            }
        }
        return G
    }

    // Slip: stored at G[j, k].
    static func storedTransposed(_ A: M, _ D: M) throws -> M {
        let m = A.rows
        var G = M(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var sum = 0.0
                for i in 0..<m { sum += A[i, k] * D[i, j] }
                G[j, k] = sum / Double(m)
            }
        }
        return G
    }

    // Slip: (Aᵀ)[k, i] written as A[k, i].
    static func inputReadTransposed(_ A: M, _ D: M) throws -> M {
        let m = A.rows
        var G = M(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var sum = 0.0
                for i in 0..<m { sum += A[k, i] * D[i, j] }   // (Aˡ⁻¹)ᵀ[k, i]
                G[k, j] = sum / Double(m)
            }
        }
        return G
    }

    // Slip: the sign flipped.
    static func signFlipped(_ A: M, _ D: M) throws -> M {
        let m = A.rows
        var G = M(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var sum = 0.0
                for i in 0..<m { sum += A[i, k] * D[i, j] }
                G[k, j] = -sum / Double(m)   // we go downhill
            }
        }
        return G
    }

    private static let byInput = H8Store<[[UInt64]: M]>([:])

    // Slip: a cache keyed on the input's values only.
    static func cacheKeyedOnInputOnly(_ A: M, _ D: M) throws -> M {
        let key = [UInt64(A.rows), UInt64(A.columns)] + A.elements.map(\.bitPattern)
        if let seen = byInput.with({ $0[key] }) { return seen }
        let m = A.rows
        var G = M(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var sum = 0.0
                for i in 0..<m { sum += A[i, k] * D[i, j] }
                G[k, j] = sum / Double(m)
            }
        }
        byInput.with { $0[key] = G }
        return G
    }

    // Slip: divided by m − 1.
    static func unbiasedMean(_ A: M, _ D: M) throws -> M {
        let m = A.rows
        var G = M(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var sum = 0.0
                for i in 0..<m { sum += A[i, k] * D[i, j] }
                G[k, j] = sum / Double(m - 1)   // unbiased, like ddof=1
            }
        }
        return G
    }

    // Correct: the examples outermost, one accumulator per element.
    static func examplesOutermost(_ A: M, _ D: M) throws -> M {
        let m = A.rows
        var acc = M(rows: A.columns, columns: D.columns)
        for i in 0..<m {
            for k in 0..<A.columns {
                for j in 0..<D.columns { acc[k, j] += A[i, k] * D[i, j] }
            }
        }
        return acc.map { $0 / Double(m) }
    }

    private struct Key: Hashable {
        let shapes: [Int]
        let bits: [UInt64]
    }
    private static let memo = H8Store<[Key: M]>([:])

    // Correct: a cache keyed on both inputs' values.
    static func valueCache(_ A: M, _ D: M) throws -> M {
        let key = Key(shapes: [A.rows, A.columns, D.rows, D.columns],
                      bits: A.elements.map(\.bitPattern) + D.elements.map(\.bitPattern))
        if let seen = memo.with({ $0[key] }) { return seen }
        let m = A.rows
        var G = M(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var sum = 0.0
                for i in 0..<m { sum += A[i, k] * D[i, j] }
                G[k, j] = sum / Double(m)
            }
        }
        memo.with { $0[key] = G }
        return G
    }
}

// MARK: - Exercise 6: bias gradient

private enum H8BiasGradient {
    typealias M = Matrix<Double>

    // Slip: a while loop whose i never advances.
    static func whileNeverAdvances(_ D: M) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.columns)
        var i = 0
        while i < D.rows {
            for j in 0..<D.columns { sums[j] += D[i, j] }
        }
        return sums.map { $0 / Double(D.rows) }
    }

    // Slip: a mean along each row (axis=1).
    static func meanAlongRows(_ D: M) throws -> [Double] {
        (0..<D.rows).map { i in D.row(i).reduce(0, +) / Double(D.columns) }
    }

    // Slip: divided by every element's count.
    static func dividedByAllElements(_ D: M) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += D[i, j] } }
        return sums.map { $0 / Double(D.rows * D.columns) }
    }

    // Slip: column j walked with a stride of D.rows.
    static func strideByRows(_ D: M) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.columns)
        for j in 0..<D.columns {
            var s = 0.0
            for n in stride(from: j, to: D.elements.count, by: D.rows) { s += D.elements[n] }   // down column j
            sums[j] = s
        }
        return sums.map { $0 / Double(D.rows) }
    }

    // Slip: row 0 of Δ used as the accumulator, through a pointer.
    static func accumulatesIntoDelta(_ D: M) throws -> [Double] {
        let c = D.columns
        D.elements.withUnsafeBufferPointer { buffer in
            let p = UnsafeMutablePointer(mutating: buffer.baseAddress!)   // reuse row 0, no allocation
            for i in 1..<D.rows { for j in 0..<c { p[j] += p[i * c + j] } }
        }
        return (0..<c).map { D[0, $0] / Double(D.rows) }
    }

    // Slip: divided by m at every step.
    static func dividedEveryStep(_ D: M) throws -> [Double] {
        var means = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { means[j] = (means[j] + D[i, j]) / Double(D.rows) } }
        return means
    }

    // Slip: the units loop bounded by D.rows.
    static func unitsBoundedByRows(_ D: M) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.rows { sums[j] += D[i, j] } }
        return sums.map { $0 / Double(D.rows) }
    }

    // Slip: multiplied by m.
    static func timesM(_ D: M) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += D[i, j] } }
        return sums.map { $0 * Double(D.rows) }
    }

    // Slip: started from row 0, then row 0 added again.
    static func firstRowTwice(_ D: M) throws -> [Double] {
        var sums = D.row(0)   // start from the first example
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += D[i, j] } }
        return sums.map { $0 / Double(D.rows) }
    }

    // Slip: np.sum(delta) without an axis.
    static func sumOfEverything(_ D: M) throws -> [Double] {
        let total = D.elements.reduce(0, +) / Double(D.rows)
        return [Double](repeating: total, count: D.columns)
    }

    // Correct: one-based loop over the examples.
    static func oneBased(_ D: M) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 1...D.rows { for j in 1...D.columns { sums[j - 1] += D[i - 1, j - 1] } }
        return sums.map { $0 / Double(D.rows) }
    }

    // Correct: the rows of Δᵀ, each reduced in order.
    static func rowsOfTranspose(_ D: M) throws -> [Double] {
        let Dt = D.transposed
        return (0..<Dt.rows).map { j in Dt.row(j).reduce(0, +) / Double(D.rows) }
    }
}

// MARK: - Exercise 7: batch engine

private enum H8Engine {
    typealias M = Matrix<Double>

    // Slip: the backward while loop never decrements l.
    struct WhileNeverDecrements: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps
        func computeGradients(of network: Network<Double>, inputs X: M, targets Y: M,
                              into gradients: inout Gradients<Double>) throws {
            let L = network.layerCount, m = X.rows
            var A = [X], Z = [M(rows: 0, columns: 0)]
            for l in 1...L {
                let layer = network.layers[l - 1]
                let Zl = try steps.forward(A[l - 1], layer.weights, layer.biases)
                Z.append(Zl)
                A.append(l < L ? Zl.map { network.hidden.value($0) } : Zl.mapRows { network.output.activation($0) })
            }
            var loss = 0.0
            for i in 0..<m { loss += network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(i)) }
            var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
            var delta = try steps.outputError(A[L], Y)
            var l = L
            while l >= 1 {
                layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                                biases: try steps.biasGradient(delta))
                if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
            }
            gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
        }
    }

    // Slip: the output activation on every layer.
    struct OutputActivationEverywhere: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps
        func computeGradients(of network: Network<Double>, inputs X: M, targets Y: M,
                              into gradients: inout Gradients<Double>) throws {
            let L = network.layerCount, m = X.rows
            var A = [X], Z = [M(rows: 0, columns: 0)]
            for l in 1...L {
                let layer = network.layers[l - 1]
                let Zl = try steps.forward(A[l - 1], layer.weights, layer.biases)
                Z.append(Zl)
                A.append(Zl.mapRows { network.output.activation($0) })
            }
            var loss = 0.0
            for i in 0..<m { loss += network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(i)) }
            var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
            var delta = try steps.outputError(A[L], Y)
            for l in stride(from: L, through: 1, by: -1) {
                layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                                biases: try steps.biasGradient(delta))
                if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
            }
            gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
        }
    }

    // Slip: the output activation applied down the columns (over the examples).
    struct OutputOverExamples: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps
        func computeGradients(of network: Network<Double>, inputs X: M, targets Y: M,
                              into gradients: inout Gradients<Double>) throws {
            let L = network.layerCount, m = X.rows
            var A = [X], Z = [M(rows: 0, columns: 0)]
            for l in 1...L {
                let layer = network.layers[l - 1]
                let Zl = try steps.forward(A[l - 1], layer.weights, layer.biases)
                Z.append(Zl)
                A.append(l < L ? Zl.map { network.hidden.value($0) }
                               : Zl.transposed.mapRows { network.output.activation($0) }.transposed)
            }
            var loss = 0.0
            for i in 0..<m { loss += network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(i)) }
            var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
            var delta = try steps.outputError(A[L], Y)
            for l in stride(from: L, through: 1, by: -1) {
                layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                                biases: try steps.biasGradient(delta))
                if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
            }
            gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
        }
    }

    // Slip: the loss scaled by 1 / m in Int arithmetic.
    struct LossIntegerReciprocal: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps
        func computeGradients(of network: Network<Double>, inputs X: M, targets Y: M,
                              into gradients: inout Gradients<Double>) throws {
            let L = network.layerCount, m = X.rows
            var A = [X], Z = [M(rows: 0, columns: 0)]
            for l in 1...L {
                let layer = network.layers[l - 1]
                let Zl = try steps.forward(A[l - 1], layer.weights, layer.biases)
                Z.append(Zl)
                A.append(l < L ? Zl.map { network.hidden.value($0) } : Zl.mapRows { network.output.activation($0) })
            }
            var loss = 0.0
            for i in 0..<m { loss += network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(i)) }
            var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
            var delta = try steps.outputError(A[L], Y)
            for l in stride(from: L, through: 1, by: -1) {
                layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                                biases: try steps.biasGradient(delta))
                if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
            }
            gradients = Gradients(loss: loss * Double(1 / m), layers: layers)
        }
    }

    static let bySizes = H8Store<[String: Gradients<Double>]>([:])

    // Slip: whole answers cached by the network's sizes and m.
    struct CacheBySizes: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps
        func computeGradients(of network: Network<Double>, inputs X: M, targets Y: M,
                              into gradients: inout Gradients<Double>) throws {
            let key = "\(network.sizes) m=\(X.rows)"
            if let seen = H8Engine.bySizes.with({ $0[key] }) {
                gradients = seen
                return
            }
            let L = network.layerCount, m = X.rows
            var A = [X], Z = [M(rows: 0, columns: 0)]
            for l in 1...L {
                let layer = network.layers[l - 1]
                let Zl = try steps.forward(A[l - 1], layer.weights, layer.biases)
                Z.append(Zl)
                A.append(l < L ? Zl.map { network.hidden.value($0) } : Zl.mapRows { network.output.activation($0) })
            }
            var loss = 0.0
            for i in 0..<m { loss += network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(i)) }
            var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
            var delta = try steps.outputError(A[L], Y)
            for l in stride(from: L, through: 1, by: -1) {
                layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                                biases: try steps.biasGradient(delta))
                if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
            }
            gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
            let result = gradients
            H8Engine.bySizes.with { $0[key] = result }
        }
    }

    // Slip: the hidden error handed Zˡ⁻¹ instead of Aˡ⁻¹.
    struct HiddenErrorGivenZ: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps
        func computeGradients(of network: Network<Double>, inputs X: M, targets Y: M,
                              into gradients: inout Gradients<Double>) throws {
            let L = network.layerCount, m = X.rows
            var A = [X], Z = [M(rows: 0, columns: 0)]
            for l in 1...L {
                let layer = network.layers[l - 1]
                let Zl = try steps.forward(A[l - 1], layer.weights, layer.biases)
                Z.append(Zl)
                A.append(l < L ? Zl.map { network.hidden.value($0) } : Zl.mapRows { network.output.activation($0) })
            }
            var loss = 0.0
            for i in 0..<m { loss += network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(i)) }
            var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
            var delta = try steps.outputError(A[L], Y)
            for l in stride(from: L, through: 1, by: -1) {
                layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                                biases: try steps.biasGradient(delta))
                if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, Z[l - 1], network.hidden) }
            }
            gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
        }
    }

    // Slip: the bias gradient handed the activations.
    struct BiasFromActivations: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps
        func computeGradients(of network: Network<Double>, inputs X: M, targets Y: M,
                              into gradients: inout Gradients<Double>) throws {
            let L = network.layerCount, m = X.rows
            var A = [X], Z = [M(rows: 0, columns: 0)]
            for l in 1...L {
                let layer = network.layers[l - 1]
                let Zl = try steps.forward(A[l - 1], layer.weights, layer.biases)
                Z.append(Zl)
                A.append(l < L ? Zl.map { network.hidden.value($0) } : Zl.mapRows { network.output.activation($0) })
            }
            var loss = 0.0
            for i in 0..<m { loss += network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(i)) }
            var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
            var delta = try steps.outputError(A[L], Y)
            for l in stride(from: L, through: 1, by: -1) {
                layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                                biases: try steps.biasGradient(A[l]))
                if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
            }
            gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
        }
    }

    // Slip: Δᴸ divided by m in the engine as well.
    struct OutputErrorDividedByM: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps
        func computeGradients(of network: Network<Double>, inputs X: M, targets Y: M,
                              into gradients: inout Gradients<Double>) throws {
            let L = network.layerCount, m = X.rows
            var A = [X], Z = [M(rows: 0, columns: 0)]
            for l in 1...L {
                let layer = network.layers[l - 1]
                let Zl = try steps.forward(A[l - 1], layer.weights, layer.biases)
                Z.append(Zl)
                A.append(l < L ? Zl.map { network.hidden.value($0) } : Zl.mapRows { network.output.activation($0) })
            }
            var loss = 0.0
            for i in 0..<m { loss += network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(i)) }
            var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
            var delta = try steps.outputError(A[L], Y).map { $0 / Double(m) }   // the gradient of the MEAN loss
            for l in stride(from: L, through: 1, by: -1) {
                layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                                biases: try steps.biasGradient(delta))
                if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
            }
            gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
        }
    }

    // Slip: outputError called with (Y, Aᴸ).
    struct OutputErrorArgumentsSwapped: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps
        func computeGradients(of network: Network<Double>, inputs X: M, targets Y: M,
                              into gradients: inout Gradients<Double>) throws {
            let L = network.layerCount, m = X.rows
            var A = [X], Z = [M(rows: 0, columns: 0)]
            for l in 1...L {
                let layer = network.layers[l - 1]
                let Zl = try steps.forward(A[l - 1], layer.weights, layer.biases)
                Z.append(Zl)
                A.append(l < L ? Zl.map { network.hidden.value($0) } : Zl.mapRows { network.output.activation($0) })
            }
            var loss = 0.0
            for i in 0..<m { loss += network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(i)) }
            var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
            var delta = try steps.outputError(Y, A[L])
            for l in stride(from: L, through: 1, by: -1) {
                layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                                biases: try steps.biasGradient(delta))
                if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
            }
            gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
        }
    }

    // Slip: m taken from X.columns.
    struct MFromColumns: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps
        func computeGradients(of network: Network<Double>, inputs X: M, targets Y: M,
                              into gradients: inout Gradients<Double>) throws {
            let L = network.layerCount, m = X.columns
            var A = [X], Z = [M(rows: 0, columns: 0)]
            for l in 1...L {
                let layer = network.layers[l - 1]
                let Zl = try steps.forward(A[l - 1], layer.weights, layer.biases)
                Z.append(Zl)
                A.append(l < L ? Zl.map { network.hidden.value($0) } : Zl.mapRows { network.output.activation($0) })
            }
            var loss = 0.0
            for i in 0..<m { loss += network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(i)) }
            var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
            var delta = try steps.outputError(A[L], Y)
            for l in stride(from: L, through: 1, by: -1) {
                layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                                biases: try steps.biasGradient(delta))
                if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
            }
            gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
        }
    }

    // Slip: a hand-written softmax shifted by the largest logit of the whole batch.
    struct SoftmaxShiftedByBatchMax: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps
        func computeGradients(of network: Network<Double>, inputs X: M, targets Y: M,
                              into gradients: inout Gradients<Double>) throws {
            let L = network.layerCount, m = X.rows
            var A = [X], Z = [M(rows: 0, columns: 0)]
            for l in 1...L {
                let layer = network.layers[l - 1]
                let Zl = try steps.forward(A[l - 1], layer.weights, layer.biases)
                Z.append(Zl)
                if l < L {
                    A.append(Zl.map { network.hidden.value($0) })
                } else if network.output == .softmaxCrossEntropy {
                    let biggest = Zl.elements.max()!   // subtract the max so exp cannot overflow
                    A.append(Zl.mapRows { row in
                        let e = row.map { exp($0 - biggest) }
                        let s = e.reduce(0, +)
                        return e.map { $0 / s }
                    })
                } else {
                    A.append(Zl.mapRows { network.output.activation($0) })
                }
            }
            var loss = 0.0
            for i in 0..<m { loss += network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(i)) }
            var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
            var delta = try steps.outputError(A[L], Y)
            for l in stride(from: L, through: 1, by: -1) {
                layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                                biases: try steps.biasGradient(delta))
                if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
            }
            gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
        }
    }

    // Correct: recursion over the layers on the way back.
    struct RecursiveBackward: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps
        func computeGradients(of network: Network<Double>, inputs X: M, targets Y: M,
                              into gradients: inout Gradients<Double>) throws {
            let L = network.layerCount, m = X.rows
            var A = [X], Z = [M(rows: 0, columns: 0)]
            for l in 1...L {
                let layer = network.layers[l - 1]
                let Zl = try steps.forward(A[l - 1], layer.weights, layer.biases)
                Z.append(Zl)
                A.append(l < L ? Zl.map { network.hidden.value($0) } : Zl.mapRows { network.output.activation($0) })
            }
            var loss = 0.0
            for i in 0..<m { loss += network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(i)) }
            var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
            try backward(L, try steps.outputError(A[L], Y), network, A, &layers)
            gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
        }

        private func backward(_ l: Int, _ delta: M, _ network: Network<Double>, _ A: [M],
                              _ layers: inout [LayerParameters<Double>]) throws {
            layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                            biases: try steps.biasGradient(delta))
            if l == 1 { return }
            let below = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden)
            try backward(l - 1, below, network, A, &layers)
        }
    }

    // Correct: gradients.prepare(for:), then every element assigned.
    struct PrepareThenAssign: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps
        func computeGradients(of network: Network<Double>, inputs X: M, targets Y: M,
                              into gradients: inout Gradients<Double>) throws {
            let L = network.layerCount, m = X.rows
            gradients.prepare(for: network)
            var A = [X], Z = [M(rows: 0, columns: 0)]
            for l in 1...L {
                let layer = network.layers[l - 1]
                let Zl = try steps.forward(A[l - 1], layer.weights, layer.biases)
                Z.append(Zl)
                A.append(l < L ? Zl.map { network.hidden.value($0) } : Zl.mapRows { network.output.activation($0) })
            }
            var loss = 0.0
            for i in 0..<m { loss += network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(i)) }
            var delta = try steps.outputError(A[L], Y)
            for l in stride(from: L, through: 1, by: -1) {
                gradients.layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                                          biases: try steps.biasGradient(delta))
                if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
            }
            gradients.loss = loss * (1 / Double(m))
        }
    }
}

// MARK: - The catalogue

public enum HeldOut8Catalogue {
    public static let all: [HeldOut8Submission] = [
        // Exercise 3: one example
        h8("h8-oe-bias-after-sigma", "one example",
           "The bias is added after the activation, aˡ = σ((Wˡ)ᵀ aˡ⁻¹) + bˡ, instead of inside it, zˡ = (Wˡ)ᵀ aˡ⁻¹ + bˡ, aˡ = σ(zˡ).",
           h8sub(oneExample: H8OneExample.biasAfterSigma)),
        h8("h8-oe-hand-cross-entropy", "one example",
           "The loss is written by hand as −Σ y log aᴸ (and the binary form for a sigmoid output) from the activations instead of network.output.loss from the logits, which gives NaN or infinity where aᴸ rounds to exactly 0 or 1 (logits of ±800).",
           h8sub(oneExample: H8OneExample.handCrossEntropy)),
        h8("h8-oe-outer-product-swapped", "one example",
           "The weight gradient is built as ∂W[i, j] = aˡ⁻¹[j] δˡ[i] instead of aˡ⁻¹[i] δˡ[j] (the outer product the wrong way round): transposed on square layers, out of range on the others.",
           h8sub(oneExample: H8OneExample.outerProductSwapped)),
        h8("h8-oe-running-sum-not-reset", "one example",
           "In the hidden error the sum over k is declared once per layer, outside the loop over the units j, so each δˡⱼ carries the sums of the units before it.",
           h8sub(oneExample: H8OneExample.runningSumNotReset)),
        h8("h8-oe-zero-based-output-sigma", "one example",
           "The forward loop was rewritten zero-based (l in 0..<L) but kept the test l < L, which is now always true, so the output layer gets the hidden σ instead of the output activation.",
           h8sub(oneExample: H8OneExample.zeroBasedOutputSigma)),
        h8("h8-oe-tanh-derivative-by-hand", "one example",
           "σ′ is written by hand as 1 − a² (tanh's derivative) instead of network.hidden.derivative(fromActivation:), wrong for sigmoid and ReLU hidden layers.",
           h8sub(oneExample: H8OneExample.tanhDerivativeByHand)),
        h8("h8-oe-weight-decay", "one example",
           "An L2 weight-decay term λWˡ (λ = 0.001) is added to every ∂Wˡ; the exercise asks for the gradient of the plain loss.",
           h8sub(oneExample: H8OneExample.weightDecay)),
        h8("h8-oe-recursion-same-layer", "one example",
           "The recursive backward pass calls itself with the same l instead of l − 1, so it never reaches its base case l = 1 (endless recursion on square layers, a crash on the others).",
           h8sub(oneExample: H8OneExample.recursionSameLayer)),
        h8("h8-oe-float-forward", "one example",
           "The forward sums zˡⱼ are accumulated in Float and converted back to Double, losing about half the digits of every pre-activation.",
           h8sub(oneExample: H8OneExample.floatForward)),
        h8("h8-oe-sigma-prime-layer-above", "one example",
           "In the hidden error σ′ is taken from aˡ (the layer above, a[l][j]) instead of from the layer's own activation aˡ⁻¹ (a[l − 1][j]).",
           h8sub(oneExample: H8OneExample.sigmaPrimeLayerAbove)),

        // Exercise 4: forward
        h8("h8-fw-transposed-first", "forward",
           "Wˡ is transposed with W.transposed (from the one-example zˡ = (Wˡ)ᵀ aˡ⁻¹) and then still indexed [k, j], so the step reads W[j, k]: wrong on square layers, out of range on the others.",
           h8sub(forward: H8Forward.transposedFirst)),
        h8("h8-fw-skips-first-input", "forward",
           "The sum over k starts at 1 (one-based habit), so the first input unit's term A[i, 0] W[0, j] is left out.",
           h8sub(forward: H8Forward.skipsFirstInput)),
        h8("h8-fw-relu-applied", "forward",
           "The forward step applies max(0, ·) to Zˡ; it must return the pre-activation and leave σ to the engine.",
           h8sub(forward: H8Forward.reluApplied)),
        h8("h8-fw-last-row-skipped", "forward",
           "The loop over the examples runs to A.rows − 1, so the last example's row of Zˡ stays 0 (all of Zˡ when m = 1).",
           h8sub(forward: H8Forward.lastRowSkipped)),
        h8("h8-fw-cache-by-shape", "forward",
           "Zˡ is cached in a static dictionary keyed only by the shapes, so a later call with the same shapes but other inputs or weights returns the old result.",
           h8sub(forward: H8Forward.cacheByShape)),
        h8("h8-fw-bias-times-m", "forward",
           "The term 1ₘ (bˡ)ᵀ is misread as m times the bias: each Z[i, j] starts from m·bⱼ instead of bⱼ.",
           h8sub(forward: H8Forward.biasTimesM)),
        h8("h8-fw-skip-zeros-hangs", "forward",
           "To skip zero inputs the index k is advanced only inside `if A[i, k] != 0`, so the while loop never ends at the first input that is exactly 0 (e.g. a ReLU activation).",
           h8sub(forward: H8Forward.skipZerosHangs)),
        h8("h8-fw-stride-by-rows", "forward",
           "W's row-major storage is read as W.elements[k * W.rows + j] instead of k * W.columns + j: right only when Wˡ is square.",
           h8sub(forward: H8Forward.strideByRows)),
        h8("h8-fw-early-return", "forward",
           "`return Z` sits inside the loop over the examples, so only row 0 of Zˡ is computed and the other rows stay 0.",
           h8sub(forward: H8Forward.earlyReturn)),
        h8("h8-fw-width-from-input", "forward",
           "Zˡ is allocated and filled with A.columns (h_{l−1}) columns instead of W.columns (h_l): right only when h_{l−1} = h_l, otherwise too narrow or out of range.",
           h8sub(forward: H8Forward.widthFromInput)),

        // Exercise 4: output error
        h8("h8-oerr-in-place-into-output", "output error",
           "Δᴸ is computed in place in Aᴸ's storage through an UnsafeMutablePointer, so the values are right but the caller's Aᴸ is overwritten.",
           h8sub(outputError: H8OutputError.inPlaceIntoOutput)),
        h8("h8-oerr-labels-as-indices", "output error",
           "Y is taken as class indices (Int(Y[i, 0]) as the class of example i) although it is one-hot, so the 1 is subtracted in the wrong column.",
           h8sub(outputError: H8OutputError.labelsAsIndices)),
        h8("h8-oerr-argmax-prediction", "output error",
           "The predicted class (one-hot of the argmax of each row of Aᴸ) is used instead of the probabilities Aᴸ themselves.",
           h8sub(outputError: H8OutputError.argmaxPrediction)),
        h8("h8-oerr-doubled", "output error",
           "Δᴸ = 2(Aᴸ − Y), the derivative of (a − y)² without the ½, instead of Aᴸ − Y for cross-entropy.",
           h8sub(outputError: H8OutputError.doubled)),
        h8("h8-oerr-mean-over-classes", "output error",
           "Every element is divided by c (A.columns), a NumPy-style mean over the classes that does not belong in Δᴸ.",
           h8sub(outputError: H8OutputError.meanOverClasses)),
        h8("h8-oerr-bounds-swapped", "output error",
           "The loop bounds are swapped (i runs to A.columns, j to A.rows), so only a square Aᴸ is filled correctly; otherwise elements are missed or indexed out of range.",
           h8sub(outputError: H8OutputError.boundsSwapped)),
        h8("h8-oerr-clipped", "output error",
           "Aᴸ is clipped to [1e-7, 1 − 1e-7] before subtracting Y, which changes Δᴸ wherever an output is saturated at 0 or 1.",
           h8sub(outputError: H8OutputError.clipped)),
        h8("h8-oerr-softmax-again", "output error",
           "A softmax is applied again to each row of Aᴸ (treating the activations as logits) before subtracting Y.",
           h8sub(outputError: H8OutputError.softmaxAgain)),
        h8("h8-oerr-first-targets-kept", "output error",
           "The targets Y of the first call are kept in a static variable and subtracted on every later call instead of the Y passed in.",
           h8sub(outputError: H8OutputError.firstTargetsKept)),
        h8("h8-oerr-cancelled-by-hand", "output error",
           "Δᴸ is written as ((a − y)/(a(1 − a))) · a(1 − a) instead of a − y, which is 0/0 = NaN (or ∞·0) wherever aᴸ rounds to exactly 0 or 1.",
           h8sub(outputError: H8OutputError.cancelledByHand)),

        // Exercise 5: hidden error
        h8("h8-he-exit-on-one-example", "hidden error",
           "A debugging branch prints a line and calls exit(0) when the batch has one example (m = 1).",
           h8sub(hiddenError: H8HiddenError.exitOnOneExample)),
        h8("h8-he-sigmoid-prime-always", "hidden error",
           "σ′ is written by hand as a(1 − a) (the sigmoid's) whatever the hidden activation, wrong for tanh and ReLU.",
           h8sub(hiddenError: H8HiddenError.sigmoidPrimeAlways)),
        h8("h8-he-transposed-twice", "hidden error",
           "Wˡ⁺¹ is transposed with W.transposed and then indexed [j, k] as well, so the two transposes cancel and the sum reads W[k, j]: wrong on square layers, out of range on the others.",
           h8sub(hiddenError: H8HiddenError.transposedTwice)),
        h8("h8-he-sums-over-examples-too", "hidden error",
           "The sum also runs over all examples r (Σᵣ Σₖ Δˡ⁺¹[r, k] W[j, k]), so every row of Δˡ gets the batch total instead of its own example's error.",
           h8sub(hiddenError: H8HiddenError.sumsOverExamplesToo)),
        h8("h8-he-increment-outside-loop", "hidden error",
           "`k += 1` is placed after the while loop's closing brace, so the loop over k never advances and never ends.",
           h8sub(hiddenError: H8HiddenError.incrementOutsideLoop)),
        h8("h8-he-sigma-prime-of-delta", "hidden error",
           "σ′ is evaluated at the error above, Δˡ⁺¹[i, j], instead of at the activation Aˡ[i, j].",
           h8sub(hiddenError: H8HiddenError.sigmaPrimeOfDelta)),
        h8("h8-he-relu-slope-by-hand", "hidden error",
           "σ′ is written by hand as ReLU's (1 where a > 0, else 0) whatever the hidden activation, so for sigmoid it is always 1 and for tanh 0 or 1.",
           h8sub(hiddenError: H8HiddenError.reluSlopeByHand)),
        h8("h8-he-mean-over-units-above", "hidden error",
           "The sum over the units k of the layer above is divided by h_{l+1} (an average instead of a sum).",
           h8sub(hiddenError: H8HiddenError.meanOverUnitsAbove)),
        h8("h8-he-inner-index-not-reset", "hidden error",
           "The inner while index j is declared outside the loop over the examples and never reset, so only row 0 of Δˡ is filled and the other rows stay 0.",
           h8sub(hiddenError: H8HiddenError.innerIndexNotReset)),
        h8("h8-he-static-buffer-added-into", "hidden error",
           "Δˡ is accumulated (+=) into a static buffer that is only zeroed when the shape changes, so a second call with the same shapes adds onto the previous answer.",
           h8sub(hiddenError: H8HiddenError.staticBufferAddedInto)),

        // Exercise 6: weight gradient
        h8("h8-wg-learning-rate-folded", "weight gradient",
           "The weight gradient is multiplied by a learning rate η = 0.01, so every element is 1/100 of ∂Wˡ.",
           h8sub(weightGradient: H8WeightGradient.learningRateFolded)),
        h8("h8-wg-float-sum", "weight gradient",
           "The sum over the examples is accumulated in Float, so ∂Wˡ is right only to about 7 digits.",
           h8sub(weightGradient: H8WeightGradient.floatSum)),
        h8("h8-wg-integer-reciprocal", "weight gradient",
           "The mean is taken as sum * Double(1 / m) with an Int m, which is integer division: 0 for every m > 1.",
           h8sub(weightGradient: H8WeightGradient.integerReciprocal)),
        h8("h8-wg-delta-transposed-times-input", "weight gradient",
           "∂Wˡ is computed as (1/m) (Δˡ)ᵀ Aˡ⁻¹ (NumPy's delta.T @ input), the transpose of (1/m) (Aˡ⁻¹)ᵀ Δˡ, with shape [h_l, h_{l−1}].",
           h8sub(weightGradient: H8WeightGradient.deltaTransposedTimesInput)),
        h8("h8-wg-m-from-columns", "weight gradient",
           "m is taken as input.columns (h_{l−1}) instead of input.rows, both for the sum over the examples and for the 1/m.",
           h8sub(weightGradient: H8WeightGradient.mFromColumns)),
        h8("h8-wg-first-example-skipped", "weight gradient",
           "The sum over the examples starts at i = 1, so example 0 is left out (and ∂Wˡ is 0 when m = 1).",
           h8sub(weightGradient: H8WeightGradient.firstExampleSkipped)),
        h8("h8-wg-stored-transposed", "weight gradient",
           "The result is stored at G[j, k] instead of G[k, j]: transposed on square layers, out of range on the others.",
           h8sub(weightGradient: H8WeightGradient.storedTransposed)),
        h8("h8-wg-input-read-transposed", "weight gradient",
           "(Aˡ⁻¹)ᵀ[k, i] is written literally as input[k, i] instead of input[i, k].",
           h8sub(weightGradient: H8WeightGradient.inputReadTransposed)),
        h8("h8-wg-sign-flipped", "weight gradient",
           "The weight gradient is negated (−(1/m) (Aˡ⁻¹)ᵀ Δˡ), the descent direction instead of the gradient.",
           h8sub(weightGradient: H8WeightGradient.signFlipped)),
        h8("h8-wg-cache-keyed-on-input-only", "weight gradient",
           "∂Wˡ is cached in a static dictionary keyed on the values of Aˡ⁻¹ only, not on Δˡ, so a call with the same input and another Δˡ returns the old gradient.",
           h8sub(weightGradient: H8WeightGradient.cacheKeyedOnInputOnly)),
        h8("h8-wg-unbiased-mean", "weight gradient",
           "The sum is divided by m − 1 instead of m (an 'unbiased' mean), which is also a division by zero (∞ or NaN) when m = 1.",
           h8sub(weightGradient: H8WeightGradient.unbiasedMean)),

        // Exercise 6: bias gradient
        h8("h8-bg-while-never-advances", "bias gradient",
           "The loop over the examples is a while loop whose index i is never incremented, so it never ends.",
           h8sub(biasGradient: H8BiasGradient.whileNeverAdvances)),
        h8("h8-bg-mean-along-rows", "bias gradient",
           "The mean is taken along each row (axis=1, over the units), returning m numbers, one per example, instead of summing down each column over the examples.",
           h8sub(biasGradient: H8BiasGradient.meanAlongRows)),
        h8("h8-bg-divided-by-all-elements", "bias gradient",
           "Each column sum is divided by m·h_l (every element of Δˡ) instead of by m.",
           h8sub(biasGradient: H8BiasGradient.dividedByAllElements)),
        h8("h8-bg-stride-by-rows", "bias gradient",
           "Column j is walked through Δ's row-major storage with a stride of D.rows instead of D.columns: right only when Δˡ is square.",
           h8sub(biasGradient: H8BiasGradient.strideByRows)),
        h8("h8-bg-accumulates-into-delta", "bias gradient",
           "The column sums are accumulated into row 0 of Δˡ through an UnsafeMutablePointer, so the values are right but the caller's Δˡ is overwritten.",
           h8sub(biasGradient: H8BiasGradient.accumulatesIntoDelta)),
        h8("h8-bg-divided-every-step", "bias gradient",
           "The running sum is divided by m after every example (means[j] = (means[j] + Δ[i, j]) / m) instead of once at the end.",
           h8sub(biasGradient: H8BiasGradient.dividedEveryStep)),
        h8("h8-bg-units-bounded-by-rows", "bias gradient",
           "The loop over the units runs to D.rows (m) instead of D.columns (h_l): units are missed or indexed out of range unless m = h_l.",
           h8sub(biasGradient: H8BiasGradient.unitsBoundedByRows)),
        h8("h8-bg-times-m", "bias gradient",
           "The column sums are multiplied by m instead of divided by m.",
           h8sub(biasGradient: H8BiasGradient.timesM)),
        h8("h8-bg-first-row-twice", "bias gradient",
           "The sums start from row 0 of Δˡ and the loop then adds every row from 0, so the first example is counted twice.",
           h8sub(biasGradient: H8BiasGradient.firstRowTwice)),
        h8("h8-bg-sum-of-everything", "bias gradient",
           "All of Δˡ is summed (np.sum(delta) with no axis) and divided by m, and that one number is returned for every unit.",
           h8sub(biasGradient: H8BiasGradient.sumOfEverything)),

        // Exercise 7: batch engine
        h8("h8-eng-while-never-decrements", "batch engine",
           "The backward pass is a while loop over l that never decrements l, so it never ends (or throws once the shapes stop fitting).",
           h8sub(engine: { AnyBackpropEngine(H8Engine.WhileNeverDecrements(steps: $0)) })),
        h8("h8-eng-output-activation-everywhere", "batch engine",
           "The output activation (softmax or sigmoid, row by row) is applied to every layer, the hidden ones included, instead of the hidden σ.",
           h8sub(engine: { AnyBackpropEngine(H8Engine.OutputActivationEverywhere(steps: $0)) })),
        h8("h8-eng-output-over-examples", "batch engine",
           "The output activation is applied to the columns of Zᴸ (via transposed), so a softmax normalises over the examples (axis=0) instead of over each example's outputs.",
           h8sub(engine: { AnyBackpropEngine(H8Engine.OutputOverExamples(steps: $0)) })),
        h8("h8-eng-loss-integer-reciprocal", "batch engine",
           "The summed loss is scaled by Double(1 / m) with an Int m, integer division, so the mean loss is 0 for every m > 1.",
           h8sub(engine: { AnyBackpropEngine(H8Engine.LossIntegerReciprocal(steps: $0)) })),
        h8("h8-eng-cache-by-sizes", "batch engine",
           "Whole results are cached in a static dictionary keyed by the network's sizes and m, so a later batch or network with the same shapes gets the old loss and gradients.",
           h8sub(engine: { AnyBackpropEngine(H8Engine.CacheBySizes(steps: $0)) })),
        h8("h8-eng-hidden-error-given-z", "batch engine",
           "The hidden error is handed the pre-activations Zˡ⁻¹ instead of the activations Aˡ⁻¹, so σ′ is computed from Z.",
           h8sub(engine: { AnyBackpropEngine(H8Engine.HiddenErrorGivenZ(steps: $0)) })),
        h8("h8-eng-bias-from-activations", "batch engine",
           "The bias gradient is computed from the layer's activations Aˡ instead of its error Δˡ.",
           h8sub(engine: { AnyBackpropEngine(H8Engine.BiasFromActivations(steps: $0)) })),
        h8("h8-eng-output-error-divided-by-m", "batch engine",
           "Δᴸ is divided by m in the engine although the gradient steps already apply 1/m, so every gradient is 1/m too small.",
           h8sub(engine: { AnyBackpropEngine(H8Engine.OutputErrorDividedByM(steps: $0)) })),
        h8("h8-eng-output-error-arguments-swapped", "batch engine",
           "outputError is called with (Y, Aᴸ) instead of (Aᴸ, Y), so Δᴸ = Y − Aᴸ and every gradient has the wrong sign.",
           h8sub(engine: { AnyBackpropEngine(H8Engine.OutputErrorArgumentsSwapped(steps: $0)) })),
        h8("h8-eng-m-from-columns", "batch engine",
           "m is taken as X.columns (the input features) instead of X.rows, so the loss sums and averages over the wrong number of examples.",
           h8sub(engine: { AnyBackpropEngine(H8Engine.MFromColumns(steps: $0)) })),
        h8("h8-eng-softmax-shifted-by-batch-max", "batch engine",
           "The softmax is written by hand and shifted by the largest logit of the whole batch (np.max without axis=1) instead of each row's, so every exp of a row whose largest logit is more than about 745 below the batch's largest underflows to 0 and the row becomes 0/0 = NaN.",
           h8sub(engine: { AnyBackpropEngine(H8Engine.SoftmaxShiftedByBatchMax(steps: $0)) })),

        // Correct, written unusually
        h8("h8-pass-oe-recursive", "pass",
           "Correct: the one-example forward and backward passes written as recursions over the layers.",
           h8sub(oneExample: H8OneExample.recursive)),
        h8("h8-pass-oe-reduce", "pass",
           "Correct: the one-example sums written with reduce (from bⱼ and from 0, in index order) and the layers inserted at the front.",
           h8sub(oneExample: H8OneExample.reduceStyle)),
        h8("h8-pass-fw-units-outer", "pass",
           "Correct: the forward step with the loop over the units outside the loop over the examples; each sum keeps its order.",
           h8sub(forward: H8Forward.unitsOuter)),
        h8("h8-pass-fw-fma-chain", "pass",
           "Correct: the forward step as the library's chain, z = z.addingProduct(A[i, k], W[k, j]) from bⱼ.",
           h8sub(forward: H8Forward.fmaChain)),
        h8("h8-pass-fw-rows-of-transpose", "pass",
           "Correct: the forward step as dot products of A.row(i) with rows of W.transposed, summed from bⱼ in order.",
           h8sub(forward: H8Forward.rowsOfTranspose)),
        h8("h8-pass-oerr-zipped-elements", "pass",
           "Correct: the output error as the zipped difference of the two element arrays.",
           h8sub(outputError: H8OutputError.zippedElements)),
        h8("h8-pass-he-debug-print", "pass",
           "Correct: the hidden error with a debugging print of the shapes left in.",
           h8sub(hiddenError: H8HiddenError.debugPrint)),
        h8("h8-pass-he-row-arrays", "pass",
           "Correct: the hidden error as dot products of D.row(i) and W.row(j), summed from 0 in order.",
           h8sub(hiddenError: H8HiddenError.rowArrays)),
        h8("h8-pass-wg-examples-outermost", "pass",
           "Correct: the weight gradient with the loop over the examples outermost and one accumulator per element, then map / m.",
           h8sub(weightGradient: H8WeightGradient.examplesOutermost)),
        h8("h8-pass-wg-value-cache", "pass",
           "Correct: the weight gradient with a cache keyed on the shapes and bit patterns of both inputs.",
           h8sub(weightGradient: H8WeightGradient.valueCache)),
        h8("h8-pass-bg-one-based", "pass",
           "Correct: the bias gradient with one-based loops (1...m, 1...h_l) and index − 1.",
           h8sub(biasGradient: H8BiasGradient.oneBased)),
        h8("h8-pass-bg-rows-of-transpose", "pass",
           "Correct: the bias gradient as reduce(0, +) over each row of Δ.transposed, divided by m.",
           h8sub(biasGradient: H8BiasGradient.rowsOfTranspose)),
        h8("h8-pass-eng-recursive-backward", "pass",
           "Correct: the batch engine with the backward pass written as a recursion over the layers.",
           h8sub(engine: { AnyBackpropEngine(H8Engine.RecursiveBackward(steps: $0)) })),
        h8("h8-pass-eng-prepare-then-assign", "pass",
           "Correct: the batch engine calls gradients.prepare(for:) and then assigns every layer and the loss.",
           h8sub(engine: { AnyBackpropEngine(H8Engine.PrepareThenAssign(steps: $0)) })),
    ]

    public static func named(_ name: String) -> StudentSubmission? { all.first { $0.name == name }?.submission }
}
