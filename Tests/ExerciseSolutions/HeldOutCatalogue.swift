import Backprop
import BackpropExercises
import Foundation

/// One hand-in of the held-out catalogue: a whole submission (exercises 3 to 7) with at most one slip in one step.
public struct HeldOutSubmission: Sendable {
    /// kebab-case, unique, prefixed "ho-"; the correct ones "ho-ok-…".
    public var name: String
    /// The step a teacher would blame: "one example", "forward", "output error", "hidden error", "weight gradient",
    /// "bias gradient", "batch engine", or "pass".
    public var expected: String
    /// One sentence: what the student did wrong (or, for a correct one, what is unusual).
    public var mistake: String
    public var submission: StudentSubmission

    public init(name: String, expected: String, mistake: String, submission: StudentSubmission) {
        self.name = name
        self.expected = expected
        self.mistake = mistake
        self.submission = submission
    }
}

/// A held-out set of student hand-ins, written from the exercise pages alone (not from the checker or its
/// catalogues), to test the checker's diagnoses at the end.
public enum HeldOutCatalogue {
    public static let all: [HeldOutSubmission] =
        oneExampleEntries + forwardEntries + outputErrorEntries + hiddenErrorEntries + weightGradientEntries
        + biasGradientEntries + batchEngineEntries + correctEntries

    public static func named(_ name: String) -> StudentSubmission? {
        all.first { $0.name == name }?.submission
    }
}

// MARK: - The right answer, written from the exercise pages

typealias HeldOutOneExample = @Sendable (Network<Double>, [Double], [Double]) throws -> Gradients<Double>
typealias HeldOutForward = @Sendable (Matrix<Double>, Matrix<Double>, [Double]) throws -> Matrix<Double>
typealias HeldOutOutputError = @Sendable (Matrix<Double>, Matrix<Double>) throws -> Matrix<Double>
typealias HeldOutHiddenError = @Sendable (Matrix<Double>, Matrix<Double>, Matrix<Double>, Activation) throws -> Matrix<Double>
typealias HeldOutWeightGradient = @Sendable (Matrix<Double>, Matrix<Double>) throws -> Matrix<Double>
typealias HeldOutBiasGradient = @Sendable (Matrix<Double>) throws -> [Double]
typealias HeldOutEngineMaker = @Sendable (MatrixFormSteps) -> AnyBackpropEngine<Double>

enum HeldOutBase {
    /// Exercise 3.
    static func oneExample(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount
        var a: [[Double]] = [x]
        var zTop: [Double] = []
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var z = [Double](repeating: 0, count: W.columns)
            for j in 0..<W.columns {
                var s = b[j]
                for i in 0..<W.rows { s += W[i, j] * a[l - 1][i] }
                z[j] = s
            }
            if l == L {
                zTop = z
                a.append(network.output.activation(z))
            } else {
                a.append(z.map { network.hidden.value($0) })
            }
        }
        let loss = network.output.loss(logits: zTop, activation: a[L], target: y)
        var delta = (0..<y.count).map { a[L][$0] - y[$0] }
        var layers: [LayerParameters<Double>] = []
        var l = L
        while l >= 1 {
            var dW = Matrix<Double>(rows: a[l - 1].count, columns: delta.count)
            for i in 0..<dW.rows { for j in 0..<dW.columns { dW[i, j] = a[l - 1][i] * delta[j] } }
            layers.insert(LayerParameters(weights: dW, biases: delta), at: 0)
            if l > 1 {
                let W = network.layers[l - 1].weights
                delta = (0..<W.rows).map { j in
                    var s = 0.0
                    for k in 0..<W.columns { s += W[j, k] * delta[k] }
                    return s * network.hidden.derivative(fromActivation: a[l - 1][j])
                }
            }
            l -= 1
        }
        return Gradients(loss: loss, layers: layers)
    }

    /// Exercise 4: Zˡ = Aˡ⁻¹ Wˡ + bˡ.
    static func forward(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var s = b[j]
                for k in 0..<A.columns { s += A[i, k] * W[k, j] }
                Z[i, j] = s
            }
        }
        return Z
    }

    /// Exercise 4: Δᴸ = Aᴸ − Y.
    static func outputError(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var D = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows { for j in 0..<A.columns { D[i, j] = A[i, j] - Y[i, j] } }
        return D
    }

    /// Exercise 5: Δˡ = (Δˡ⁺¹ (Wˡ⁺¹)ᵀ) ∘ σ′(Zˡ).
    static func hiddenError(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                            _ hidden: Activation) throws -> Matrix<Double> {
        var out = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var s = 0.0
                for k in 0..<W.columns { s += D[i, k] * W[j, k] }
                out[i, j] = s * hidden.derivative(fromActivation: A[i, j])
            }
        }
        return out
    }

    /// Exercise 6: ∂Wˡ = (1/m) (Aˡ⁻¹)ᵀ Δˡ.
    static func weightGradient(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var s = 0.0
                for i in 0..<m { s += A[i, k] * D[i, j] }
                G[k, j] = s / Double(m)
            }
        }
        return G
    }

    /// Exercise 6: ∂bˡ = (1/m) Σᵢ Δˡ[i, :].
    static func biasGradient(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += D[i, j] } }
        return sums.map { $0 / Double(D.rows) }
    }

    /// Exercise 7.
    struct Engine: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps

        func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                              into gradients: inout Gradients<Double>) throws {
            let L = network.layerCount, m = X.rows
            var A = [X]
            var ZL = X
            for l in 1...L {
                let p = network.layers[l - 1]
                let Z = try steps.forward(A[l - 1], p.weights, p.biases)
                if l < L {
                    A.append(Z.map { network.hidden.value($0) })
                } else {
                    ZL = Z
                    A.append(Z.mapRows { network.output.activation($0) })
                }
            }
            var total = 0.0
            for i in 0..<m {
                total += network.output.loss(logits: ZL.row(i), activation: A[L].row(i), target: Y.row(i))
            }
            var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
            var delta = try steps.outputError(A[L], Y)
            for l in stride(from: L, through: 1, by: -1) {
                layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                                biases: try steps.biasGradient(delta))
                if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
            }
            gradients = Gradients(loss: total / Double(m), layers: layers)
        }
    }

    /// A whole submission: the right answer everywhere except where an argument replaces it.
    static func submission(
        oneExample: @escaping HeldOutOneExample = HeldOutBase.oneExample,
        forward: @escaping HeldOutForward = HeldOutBase.forward,
        outputError: @escaping HeldOutOutputError = HeldOutBase.outputError,
        hiddenError: @escaping HeldOutHiddenError = HeldOutBase.hiddenError,
        weightGradient: @escaping HeldOutWeightGradient = HeldOutBase.weightGradient,
        biasGradient: @escaping HeldOutBiasGradient = HeldOutBase.biasGradient,
        engine: @escaping HeldOutEngineMaker = { AnyBackpropEngine(HeldOutBase.Engine(steps: $0)) }
    ) -> StudentSubmission {
        StudentSubmission(
            oneExample: oneExample,
            steps: MatrixFormSteps(forward: forward, outputError: outputError, hiddenError: hiddenError,
                                   weightGradient: weightGradient, biasGradient: biasGradient),
            batchEngine: engine)
    }
}

private func ho(_ name: String, _ expected: String, _ mistake: String, _ submission: StudentSubmission) -> HeldOutSubmission {
    HeldOutSubmission(name: name, expected: expected, mistake: mistake, submission: submission)
}

// MARK: - Exercise 3: one example

enum HeldOutOneExampleMemory {
    /// Every activation the student's function ever computed, never cleared.
    nonisolated(unsafe) static var activations: [[Double]] = []
}

enum HeldOutOneExampleSlips {
    /// Every layer, the output one too, goes through the hidden σ.
    static func hiddenSigmaAtOutput(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount
        var a: [[Double]] = [x]
        var zTop: [Double] = []
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var z = b
            for j in 0..<W.columns { for i in 0..<W.rows { z[j] += W[i, j] * a[l - 1][i] } }
            zTop = z
            a.append(z.map { network.hidden.value($0) })
        }
        let loss = network.output.loss(logits: zTop, activation: a[L], target: y)
        var delta = zip(a[L], y).map { $0 - $1 }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var dW = Matrix<Double>(rows: a[l - 1].count, columns: delta.count)
            for i in 0..<dW.rows { for j in 0..<dW.columns { dW[i, j] = a[l - 1][i] * delta[j] } }
            layers[l - 1] = LayerParameters(weights: dW, biases: delta)
            if l == 1 { break }
            let W = network.layers[l - 1].weights
            var below = [Double](repeating: 0, count: W.rows)
            for j in 0..<W.rows {
                for k in 0..<W.columns { below[j] += W[j, k] * delta[k] }
                below[j] *= network.hidden.derivative(fromActivation: a[l - 1][j])
            }
            delta = below
        }
        return Gradients(loss: loss, layers: layers)
    }

    /// The loss written by hand as −Σ y ln a (and the two-term form for a sigmoid): ln 0 once an output saturates.
    static func handWrittenLogLoss(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount
        var a: [[Double]] = [x]
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var z = [Double](repeating: 0, count: W.columns)
            for j in 0..<W.columns {
                z[j] = b[j]
                for i in 0..<W.rows { z[j] += W[i, j] * a[l - 1][i] }
            }
            a.append(l < L ? z.map { network.hidden.value($0) } : network.output.activation(z))
        }
        var loss = 0.0
        for j in 0..<y.count {
            switch network.output.activation {
            case .softmax: loss -= y[j] * log(a[L][j])
            case .sigmoid: loss -= y[j] * log(a[L][j]) + (1 - y[j]) * log(1 - a[L][j])
            case .identity: loss += 0.5 * (a[L][j] - y[j]) * (a[L][j] - y[j])
            }
        }
        var delta = (0..<y.count).map { a[L][$0] - y[$0] }
        var layers: [LayerParameters<Double>] = []
        for l in stride(from: L, through: 1, by: -1) {
            var dW = Matrix<Double>(rows: a[l - 1].count, columns: delta.count)
            for i in 0..<dW.rows { for j in 0..<dW.columns { dW[i, j] = a[l - 1][i] * delta[j] } }
            layers.insert(LayerParameters(weights: dW, biases: delta), at: 0)
            if l > 1 {
                let W = network.layers[l - 1].weights
                delta = (0..<W.rows).map { j in
                    var s = 0.0
                    for k in 0..<W.columns { s += W[j, k] * delta[k] }
                    return s * network.hidden.derivative(fromActivation: a[l - 1][j])
                }
            }
        }
        return Gradients(loss: loss, layers: layers)
    }

    /// σ′ handed the pre-activation zˡ instead of the activation aˡ.
    static func sigmaPrimeOfZ(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount
        var a: [[Double]] = [x], z: [[Double]] = [[]]
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            let zl = (0..<W.columns).map { j in
                var s = b[j]
                for i in 0..<W.rows { s += W[i, j] * a[l - 1][i] }
                return s
            }
            z.append(zl)
            a.append(l < L ? zl.map { network.hidden.value($0) } : network.output.activation(zl))
        }
        let loss = network.output.loss(logits: z[L], activation: a[L], target: y)
        var delta = (0..<y.count).map { a[L][$0] - y[$0] }
        var layers: [LayerParameters<Double>] = []
        for l in stride(from: L, through: 1, by: -1) {
            var dW = Matrix<Double>(rows: a[l - 1].count, columns: delta.count)
            for i in 0..<dW.rows { for j in 0..<dW.columns { dW[i, j] = a[l - 1][i] * delta[j] } }
            layers.insert(LayerParameters(weights: dW, biases: delta), at: 0)
            if l > 1 {
                let W = network.layers[l - 1].weights
                delta = (0..<W.rows).map { j in
                    var s = 0.0
                    for k in 0..<W.columns { s += W[j, k] * delta[k] }
                    return s * network.hidden.derivative(fromActivation: z[l - 1][j])
                }
            }
        }
        return Gradients(loss: loss, layers: layers)
    }

    /// δˡ⁻¹ computed with the layer's own Wˡ⁻¹ instead of Wˡ (the weights of the layer above it).
    static func ownLayerWeights(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount
        var a: [[Double]] = [x]
        var zTop: [Double] = []
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var z = [Double](repeating: 0, count: W.columns)
            for j in 0..<W.columns {
                var s = b[j]
                for i in 0..<W.rows { s += W[i, j] * a[l - 1][i] }
                z[j] = s
            }
            zTop = z
            a.append(l < L ? z.map { network.hidden.value($0) } : network.output.activation(z))
        }
        let loss = network.output.loss(logits: zTop, activation: a[L], target: y)
        var delta = (0..<y.count).map { a[L][$0] - y[$0] }
        var layers: [LayerParameters<Double>] = []
        for l in stride(from: L, through: 1, by: -1) {
            var dW = Matrix<Double>(rows: a[l - 1].count, columns: delta.count)
            for i in 0..<dW.rows { for j in 0..<dW.columns { dW[i, j] = a[l - 1][i] * delta[j] } }
            layers.insert(LayerParameters(weights: dW, biases: delta), at: 0)
            if l > 1 {
                let W = network.layers[l - 2].weights  // "the layer we are computing the error of"
                delta = (0..<a[l - 1].count).map { j in
                    var s = 0.0
                    for k in 0..<delta.count { s += W[j, k] * delta[k] }
                    return s * network.hidden.derivative(fromActivation: a[l - 1][j])
                }
            }
        }
        return Gradients(loss: loss, layers: layers)
    }

    /// ∂bˡ stored after δ has already been replaced by the error of the layer below.
    static func biasAfterUpdate(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount
        var a: [[Double]] = [x]
        var zTop: [Double] = []
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var z = [Double](repeating: 0, count: W.columns)
            for j in 0..<W.columns {
                var s = b[j]
                for i in 0..<W.rows { s += W[i, j] * a[l - 1][i] }
                z[j] = s
            }
            zTop = z
            a.append(l < L ? z.map { network.hidden.value($0) } : network.output.activation(z))
        }
        let loss = network.output.loss(logits: zTop, activation: a[L], target: y)
        var delta = (0..<y.count).map { a[L][$0] - y[$0] }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var dW = Matrix<Double>(rows: a[l - 1].count, columns: delta.count)
            for i in 0..<dW.rows { for j in 0..<dW.columns { dW[i, j] = a[l - 1][i] * delta[j] } }
            if l > 1 {
                let W = network.layers[l - 1].weights
                delta = (0..<W.rows).map { j in
                    var s = 0.0
                    for k in 0..<W.columns { s += W[j, k] * delta[k] }
                    return s * network.hidden.derivative(fromActivation: a[l - 1][j])
                }
            }
            layers[l - 1] = LayerParameters(weights: dW, biases: delta)
        }
        return Gradients(loss: loss, layers: layers)
    }

    /// A recursive δ whose recursive call goes to l − 1 instead of l + 1, away from its base case l = L.
    static func endlessRecursion(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount
        var a: [[Double]] = [x]
        var zTop: [Double] = []
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var z = [Double](repeating: 0, count: W.columns)
            for j in 0..<W.columns {
                var s = b[j]
                for i in 0..<W.rows { s += W[i, j] * a[l - 1][i] }
                z[j] = s
            }
            zTop = z
            a.append(l < L ? z.map { network.hidden.value($0) } : network.output.activation(z))
        }
        let loss = network.output.loss(logits: zTop, activation: a[L], target: y)
        func delta(_ l: Int) -> [Double] {
            if l == L { return (0..<y.count).map { a[L][$0] - y[$0] } }
            let above = delta(l - 1)  // "backward" taken as l − 1; meant: delta(l + 1)
            let W = network.layers[l].weights
            return (0..<W.rows).map { j in
                var s = 0.0
                for k in 0..<W.columns { s += W[j, k] * above[k] }
                return s * network.hidden.derivative(fromActivation: a[l][j])
            }
        }
        var layers: [LayerParameters<Double>] = []
        for l in 1...L {
            let d = delta(l)
            var dW = Matrix<Double>(rows: a[l - 1].count, columns: d.count)
            for i in 0..<dW.rows { for j in 0..<dW.columns { dW[i, j] = a[l - 1][i] * d[j] } }
            layers.append(LayerParameters(weights: dW, biases: d))
        }
        return Gradients(loss: loss, layers: layers)
    }

    /// The activations kept in a global array that is never cleared: the backward pass reads the first call's.
    static func globalActivations(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount
        HeldOutOneExampleMemory.activations.append(x)
        var current = x
        var zTop: [Double] = []
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var z = [Double](repeating: 0, count: W.columns)
            for j in 0..<W.columns {
                var s = b[j]
                for i in 0..<W.rows { s += W[i, j] * current[i] }
                z[j] = s
            }
            zTop = z
            current = l < L ? z.map { network.hidden.value($0) } : network.output.activation(z)
            HeldOutOneExampleMemory.activations.append(current)
        }
        let a = HeldOutOneExampleMemory.activations
        let loss = network.output.loss(logits: zTop, activation: current, target: y)
        var delta = (0..<y.count).map { current[$0] - y[$0] }
        var layers: [LayerParameters<Double>] = []
        for l in stride(from: L, through: 1, by: -1) {
            var dW = Matrix<Double>(rows: a[l - 1].count, columns: delta.count)
            for i in 0..<dW.rows { for j in 0..<dW.columns { dW[i, j] = a[l - 1][i] * delta[j] } }
            layers.insert(LayerParameters(weights: dW, biases: delta), at: 0)
            if l > 1 {
                let W = network.layers[l - 1].weights
                delta = (0..<W.rows).map { j in
                    var s = 0.0
                    for k in 0..<W.columns { s += W[j, k] * delta[k] }
                    return s * network.hidden.derivative(fromActivation: a[l - 1][j])
                }
            }
        }
        return Gradients(loss: loss, layers: layers)
    }

    /// Print-debugging everywhere, and δᴸ = y − aᴸ.
    static func printsAndFlipsSign(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount
        var a: [[Double]] = [x]
        var zTop: [Double] = []
        print("x =", x)
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var z = [Double](repeating: 0, count: W.columns)
            for j in 0..<W.columns {
                var s = b[j]
                for i in 0..<W.rows { s += W[i, j] * a[l - 1][i] }
                z[j] = s
            }
            zTop = z
            a.append(l < L ? z.map { network.hidden.value($0) } : network.output.activation(z))
            print("a\(l) =", a[l])
        }
        let loss = network.output.loss(logits: zTop, activation: a[L], target: y)
        var delta = (0..<y.count).map { y[$0] - a[L][$0] }
        var layers: [LayerParameters<Double>] = []
        for l in stride(from: L, through: 1, by: -1) {
            print("delta\(l) =", delta)
            var dW = Matrix<Double>(rows: a[l - 1].count, columns: delta.count)
            for i in 0..<dW.rows { for j in 0..<dW.columns { dW[i, j] = a[l - 1][i] * delta[j] } }
            layers.insert(LayerParameters(weights: dW, biases: delta), at: 0)
            if l > 1 {
                let W = network.layers[l - 1].weights
                delta = (0..<W.rows).map { j in
                    var s = 0.0
                    for k in 0..<W.columns { s += W[j, k] * delta[k] }
                    return s * network.hidden.derivative(fromActivation: a[l - 1][j])
                }
            }
        }
        print("loss =", loss)
        return Gradients(loss: loss, layers: layers)
    }

    /// A softmax written by hand, e^z / Σ e^z, without subtracting the largest z first.
    static func softmaxWithoutShift(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount
        var a: [[Double]] = [x]
        var zTop: [Double] = []
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var z = [Double](repeating: 0, count: W.columns)
            for j in 0..<W.columns {
                var s = b[j]
                for i in 0..<W.rows { s += W[i, j] * a[l - 1][i] }
                z[j] = s
            }
            if l < L {
                a.append(z.map { network.hidden.value($0) })
            } else {
                zTop = z
                if network.output.activation == .softmax {
                    let e = z.map { exp($0) }
                    let total = e.reduce(0, +)
                    a.append(e.map { $0 / total })
                } else {
                    a.append(network.output.activation(z))
                }
            }
        }
        let loss = network.output.loss(logits: zTop, activation: a[L], target: y)
        var delta = (0..<y.count).map { a[L][$0] - y[$0] }
        var layers: [LayerParameters<Double>] = []
        for l in stride(from: L, through: 1, by: -1) {
            var dW = Matrix<Double>(rows: a[l - 1].count, columns: delta.count)
            for i in 0..<dW.rows { for j in 0..<dW.columns { dW[i, j] = a[l - 1][i] * delta[j] } }
            layers.insert(LayerParameters(weights: dW, biases: delta), at: 0)
            if l > 1 {
                let W = network.layers[l - 1].weights
                delta = (0..<W.rows).map { j in
                    var s = 0.0
                    for k in 0..<W.columns { s += W[j, k] * delta[k] }
                    return s * network.hidden.derivative(fromActivation: a[l - 1][j])
                }
            }
        }
        return Gradients(loss: loss, layers: layers)
    }

    /// The forward sum runs over h_l (the layer's own width) instead of h_{l−1}.
    static func forwardBoundOwnWidth(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a: [[Double]] = [x]
        var zTop: [Double] = []
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var z = [Double](repeating: 0, count: h[l])
            for j in 0..<h[l] {
                var s = b[j]
                for i in 0..<h[l] { s += W[i, j] * a[l - 1][i] }
                z[j] = s
            }
            zTop = z
            a.append(l < L ? z.map { network.hidden.value($0) } : network.output.activation(z))
        }
        let loss = network.output.loss(logits: zTop, activation: a[L], target: y)
        var delta = (0..<y.count).map { a[L][$0] - y[$0] }
        var layers: [LayerParameters<Double>] = []
        for l in stride(from: L, through: 1, by: -1) {
            var dW = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for i in 0..<h[l - 1] { for j in 0..<h[l] { dW[i, j] = a[l - 1][i] * delta[j] } }
            layers.insert(LayerParameters(weights: dW, biases: delta), at: 0)
            if l > 1 {
                let W = network.layers[l - 1].weights
                delta = (0..<h[l - 1]).map { j in
                    var s = 0.0
                    for k in 0..<h[l] { s += W[j, k] * delta[k] }
                    return s * network.hidden.derivative(fromActivation: a[l - 1][j])
                }
            }
        }
        return Gradients(loss: loss, layers: layers)
    }
}

extension HeldOutCatalogue {
    static let oneExampleEntries: [HeldOutSubmission] = [
        ho("ho-one-hidden-sigma-at-output", "one example",
           "Every layer, the output layer too, goes through the hidden activation σ instead of the output's own activation.",
           HeldOutBase.submission(oneExample: HeldOutOneExampleSlips.hiddenSigmaAtOutput)),
        ho("ho-one-log-loss-by-hand", "one example",
           "The loss is written by hand as −Σ y ln a (two-term form for a sigmoid), which takes ln 0 and overflows once an output saturates.",
           HeldOutBase.submission(oneExample: HeldOutOneExampleSlips.handWrittenLogLoss)),
        ho("ho-one-sigma-prime-of-z", "one example",
           "The hidden error passes the pre-activation zˡ to derivative(fromActivation:) instead of the activation aˡ.",
           HeldOutBase.submission(oneExample: HeldOutOneExampleSlips.sigmaPrimeOfZ)),
        ho("ho-one-own-layer-weights", "one example",
           "δˡ⁻¹ is computed with the weights Wˡ⁻¹ of the layer whose error it is, not Wˡ of the layer above.",
           HeldOutBase.submission(oneExample: HeldOutOneExampleSlips.ownLayerWeights)),
        ho("ho-one-bias-after-update", "one example",
           "∂bˡ is stored after δ has already been replaced by the error of the layer below, so ∂b is wrong while ∂W is right.",
           HeldOutBase.submission(oneExample: HeldOutOneExampleSlips.biasAfterUpdate)),
        ho("ho-one-endless-recursion", "one example",
           "A recursive helper for δˡ calls itself with l − 1 instead of l + 1, away from its base case, and recurses until the stack overflows.",
           HeldOutBase.submission(oneExample: HeldOutOneExampleSlips.endlessRecursion)),
        ho("ho-one-global-activations", "one example",
           "The activations go into a global array that is never cleared, so every later call reads the first call's activations.",
           HeldOutBase.submission(oneExample: HeldOutOneExampleSlips.globalActivations)),
        ho("ho-one-prints-and-flips-sign", "one example",
           "Print-debugging in every layer, and the output error written as y − aᴸ.",
           HeldOutBase.submission(oneExample: HeldOutOneExampleSlips.printsAndFlipsSign)),
        ho("ho-one-softmax-no-shift", "one example",
           "A softmax written by hand without subtracting the largest logit, which overflows to NaN for logits in the hundreds.",
           HeldOutBase.submission(oneExample: HeldOutOneExampleSlips.softmaxWithoutShift)),
        ho("ho-one-forward-bound-own-width", "one example",
           "The forward sum over the inputs runs to h_l (the layer's own width) instead of h_{l−1}, which only shows when they differ.",
           HeldOutBase.submission(oneExample: HeldOutOneExampleSlips.forwardBoundOwnWidth)),
    ]
}

// MARK: - Exercise 4: forward

enum HeldOutForwardSlips {
    static func skipsLastInput(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var s = b[j]
                for k in 0..<A.columns - 1 { s += A[i, k] * W[k, j] }
                Z[i, j] = s
            }
        }
        return Z
    }

    static func randomJitter(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var s = b[j]
                for k in 0..<A.columns { s += A[i, k] * W[k, j] }
                Z[i, j] = s + Double.random(in: -1e-4...1e-4)  // "a little noise so that no unit gets stuck"
            }
        }
        return Z
    }

    static func closedRange(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var s = b[j]
                for k in 0...A.columns { s += A[i, k] * W[k, j] }
                Z[i, j] = s
            }
        }
        return Z
    }

    static func flatStrideRows(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var s = b[j]
                for k in 0..<A.columns { s += A.elements[i * A.columns + k] * W.elements[k * W.rows + j] }
                Z[i, j] = s
            }
        }
        return Z
    }

    static func printsThenExitsZero(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var s = b[j]
                for k in 0..<A.columns { s += A[i, k] * W[k, j] }
                Z[i, j] = s
            }
        }
        print("Z =", Z)
        exit(0)  // stop here and look at Z
    }

    static func biasInsideSum(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var s = 0.0
                for k in 0..<A.columns { s += A[i, k] * W[k, j] + b[j] }
                Z[i, j] = s
            }
        }
        return Z
    }

    static func appliesSigmoid(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var s = b[j]
                for k in 0..<A.columns { s += A[i, k] * W[k, j] }
                Z[i, j] = 1 / (1 + exp(-s))  // "the forward pass includes the activation"
            }
        }
        return Z
    }

    static func sumResetPerRow(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            var s = 0.0
            for j in 0..<W.columns {
                s += b[j]
                for k in 0..<A.columns { s += A[i, k] * W[k, j] }
                Z[i, j] = s
            }
        }
        return Z
    }
}

extension HeldOutCatalogue {
    static let forwardEntries: [HeldOutSubmission] = [
        ho("ho-fwd-skips-last-input", "forward",
           "The sum over the inputs stops at A.columns − 1, so the last input never contributes.",
           HeldOutBase.submission(forward: HeldOutForwardSlips.skipsLastInput)),
        ho("ho-fwd-random-jitter", "forward",
           "Adds Double.random noise to every Zˡ element \"so that no unit gets stuck\".",
           HeldOutBase.submission(forward: HeldOutForwardSlips.randomJitter)),
        ho("ho-fwd-closed-range", "forward",
           "The sum over k is written 0...A.columns, one past the end, so it reads outside A and Wˡ.",
           HeldOutBase.submission(forward: HeldOutForwardSlips.closedRange)),
        ho("ho-fwd-flat-stride-rows", "forward",
           "Reads Wˡ[k, j] from the flat storage as elements[k * W.rows + j] (the wrong stride), which only matters when Wˡ is not square.",
           HeldOutBase.submission(forward: HeldOutForwardSlips.flatStrideRows)),
        ho("ho-fwd-prints-then-exit-zero", "forward",
           "Prints Zˡ and then calls exit(0) to stop and look at it, left in.",
           HeldOutBase.submission(forward: HeldOutForwardSlips.printsThenExitsZero)),
        ho("ho-fwd-bias-inside-sum", "forward",
           "Adds bⱼ inside the loop over k, so the bias is added h_{l−1} times.",
           HeldOutBase.submission(forward: HeldOutForwardSlips.biasInsideSum)),
        ho("ho-fwd-applies-sigmoid", "forward",
           "Returns σ(Zˡ) (a sigmoid written by hand) instead of Zˡ, so the engine applies an activation twice.",
           HeldOutBase.submission(forward: HeldOutForwardSlips.appliesSigmoid)),
        ho("ho-fwd-sum-reset-per-row", "forward",
           "The running sum is reset once per example, not per element, so each Z[i, j] also holds the row's earlier columns.",
           HeldOutBase.submission(forward: HeldOutForwardSlips.sumResetPerRow)),
    ]
}

// MARK: - Exercise 4: output error

enum HeldOutOutputErrorSlips {
    static func targetMinusOutput(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var D = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows { for j in 0..<A.columns { D[i, j] = Y[i, j] - A[i, j] } }
        return D
    }

    static func timesSigmoidPrime(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var D = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows {
            for j in 0..<A.columns { D[i, j] = (A[i, j] - Y[i, j]) * A[i, j] * (1 - A[i, j]) }
        }
        return D
    }

    static func fatalUnlessProbabilities(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var D = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows {
            let rowSum = A.row(i).reduce(0, +)
            guard abs(rowSum - 1) < 1e-9 else { fatalError("output row \(i) does not sum to 1: \(rowSum)") }
            for j in 0..<A.columns { D[i, j] = A[i, j] - Y[i, j] }
        }
        return D
    }

    static func swappedBounds(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var D = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.columns { for j in 0..<A.rows { D[i, j] = A[i, j] - Y[i, j] } }
        return D
    }

    static func absoluteDifference(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var D = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows { for j in 0..<A.columns { D[i, j] = abs(A[i, j] - Y[i, j]) } }
        return D
    }

    static func dividedByM(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var D = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows { for j in 0..<A.columns { D[i, j] = (A[i, j] - Y[i, j]) / Double(A.rows) } }
        return D
    }

    static func trueClassOnly(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var D = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows {
            for j in 0..<A.columns where Y[i, j] == 1 { D[i, j] = A[i, j] - 1 }
        }
        return D
    }

    static func lossDerivativeOnly(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var D = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows { for j in 0..<A.columns { D[i, j] = -Y[i, j] / A[i, j] } }
        return D
    }
}

extension HeldOutCatalogue {
    static let outputErrorEntries: [HeldOutSubmission] = [
        ho("ho-out-target-minus-output", "output error",
           "Writes Δᴸ = Y − Aᴸ, the wrong sign.",
           HeldOutBase.submission(outputError: HeldOutOutputErrorSlips.targetMinusOutput)),
        ho("ho-out-times-sigmoid-prime", "output error",
           "Multiplies Aᴸ − Y by an extra σ′ = A(1 − A), which cross-entropy has already cancelled.",
           HeldOutBase.submission(outputError: HeldOutOutputErrorSlips.timesSigmoidPrime)),
        ho("ho-out-fatal-unless-probabilities", "output error",
           "Calls fatalError when a row of Aᴸ does not sum to 1, which is every row of a sigmoid output.",
           HeldOutBase.submission(outputError: HeldOutOutputErrorSlips.fatalUnlessProbabilities)),
        ho("ho-out-swapped-bounds", "output error",
           "The loops run i over the columns and j over the rows, which only matters when m ≠ c.",
           HeldOutBase.submission(outputError: HeldOutOutputErrorSlips.swappedBounds)),
        ho("ho-out-absolute-difference", "output error",
           "Takes |Aᴸ − Y|, treating the error as a distance.",
           HeldOutBase.submission(outputError: HeldOutOutputErrorSlips.absoluteDifference)),
        ho("ho-out-divided-by-m", "output error",
           "Divides Aᴸ − Y by m, putting a mean into the output error.",
           HeldOutBase.submission(outputError: HeldOutOutputErrorSlips.dividedByM)),
        ho("ho-out-true-class-only", "output error",
           "Only the target class gets an error (a − 1), every other output's error is left at 0.",
           HeldOutBase.submission(outputError: HeldOutOutputErrorSlips.trueClassOnly)),
        ho("ho-out-loss-derivative-only", "output error",
           "Returns ∂ℓ/∂a = −y/a, the loss's derivative with respect to the activation, not with respect to z.",
           HeldOutBase.submission(outputError: HeldOutOutputErrorSlips.lossDerivativeOnly)),
    ]
}

// MARK: - Exercise 5: hidden error

enum HeldOutHiddenErrorSlips {
    static func incrementAfterLoop(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                   _ hidden: Activation) throws -> Matrix<Double> {
        var out = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var s = 0.0
                var k = 0
                while k < W.columns {
                    s += D[i, k] * W[j, k]
                }
                k += 1
                out[i, j] = s * hidden.derivative(fromActivation: A[i, j])
            }
        }
        return out
    }

    static func exitOneOnShapes(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                _ hidden: Activation) throws -> Matrix<Double> {
        guard D.columns == W.rows else {
            print("hidden error: Δ has \(D.columns) columns but W has \(W.rows) rows")
            exit(1)
        }
        var out = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var s = 0.0
                for k in 0..<W.columns { s += D[i, k] * W[j, k] }
                out[i, j] = s * hidden.derivative(fromActivation: A[i, j])
            }
        }
        return out
    }

    static func sigmaPrimeOfSum(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                _ hidden: Activation) throws -> Matrix<Double> {
        var out = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var s = 0.0
                for k in 0..<W.columns { s += D[i, k] * W[j, k] }
                out[i, j] = s * hidden.derivative(fromActivation: s)
            }
        }
        return out
    }

    static func floatAccumulator(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                 _ hidden: Activation) throws -> Matrix<Double> {
        var out = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var s: Float = 0
                for k in 0..<W.columns { s += Float(D[i, k] * W[j, k]) }
                out[i, j] = Double(s) * hidden.derivative(fromActivation: A[i, j])
            }
        }
        return out
    }

    static func widthOfLayerAbove(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                  _ hidden: Activation) throws -> Matrix<Double> {
        var out = Matrix<Double>(rows: D.rows, columns: W.columns)
        for i in 0..<D.rows {
            for j in 0..<W.columns {
                var s = 0.0
                for k in 0..<W.columns { s += D[i, k] * W[j, k] }
                out[i, j] = s * hidden.derivative(fromActivation: A[i, j])
            }
        }
        return out
    }

    static func printsWithoutSigmaPrime(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                        _ hidden: Activation) throws -> Matrix<Double> {
        print("hiddenError: Δ above \(D.shapeDescription), W \(W.shapeDescription), A \(A.shapeDescription)")
        var out = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var s = 0.0
                for k in 0..<W.columns { s += D[i, k] * W[j, k] }
                out[i, j] = s
            }
            print("row \(i):", out.row(i))
        }
        return out
    }

    static func plusSigmaPrime(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                               _ hidden: Activation) throws -> Matrix<Double> {
        var out = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var s = 0.0
                for k in 0..<W.columns { s += D[i, k] * W[j, k] }
                out[i, j] = s + hidden.derivative(fromActivation: A[i, j])
            }
        }
        return out
    }

    static func sigmaPrimeTwice(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                _ hidden: Activation) throws -> Matrix<Double> {
        var out = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                let sp = hidden.derivative(fromActivation: A[i, j])
                var s = 0.0
                for k in 0..<W.columns { s += D[i, k] * W[j, k] * sp }
                out[i, j] = s * sp
            }
        }
        return out
    }

    static func reluPrimeAlways(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                _ hidden: Activation) throws -> Matrix<Double> {
        var out = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var s = 0.0
                for k in 0..<W.columns { s += D[i, k] * W[j, k] }
                out[i, j] = A[i, j] > 0 ? s : 0
            }
        }
        return out
    }
}

extension HeldOutCatalogue {
    static let hiddenErrorEntries: [HeldOutSubmission] = [
        ho("ho-hid-increment-after-loop", "hidden error",
           "The k += 1 of a while loop sits after its closing brace, so the loop never ends.",
           HeldOutBase.submission(hiddenError: HeldOutHiddenErrorSlips.incrementAfterLoop)),
        ho("ho-hid-exit-one-on-shapes", "hidden error",
           "A hand-written shape check compares Δˡ⁺¹'s columns with Wˡ⁺¹'s rows and calls exit(1) when they differ, which they do whenever Wˡ⁺¹ is not square.",
           HeldOutBase.submission(hiddenError: HeldOutHiddenErrorSlips.exitOneOnShapes)),
        ho("ho-hid-sigma-prime-of-sum", "hidden error",
           "σ′ is computed from the back-propagated sum instead of from the activation Aˡ[i, j].",
           HeldOutBase.submission(hiddenError: HeldOutHiddenErrorSlips.sigmaPrimeOfSum)),
        ho("ho-hid-float-accumulator", "hidden error",
           "The sum over k is accumulated in a Float.",
           HeldOutBase.submission(hiddenError: HeldOutHiddenErrorSlips.floatAccumulator)),
        ho("ho-hid-width-of-layer-above", "hidden error",
           "The result is given h_{l+1} columns and j runs over Wˡ⁺¹'s columns instead of its rows, which only shows when Wˡ⁺¹ is not square.",
           HeldOutBase.submission(hiddenError: HeldOutHiddenErrorSlips.widthOfLayerAbove)),
        ho("ho-hid-prints-without-sigma-prime", "hidden error",
           "Print-debugging of every row, and the ∘ σ′ left out.",
           HeldOutBase.submission(hiddenError: HeldOutHiddenErrorSlips.printsWithoutSigmaPrime)),
        ho("ho-hid-plus-sigma-prime", "hidden error",
           "Adds σ′ to the sum instead of multiplying by it.",
           HeldOutBase.submission(hiddenError: HeldOutHiddenErrorSlips.plusSigmaPrime)),
        ho("ho-hid-sigma-prime-twice", "hidden error",
           "σ′ is multiplied into every term of the sum and then once more after it.",
           HeldOutBase.submission(hiddenError: HeldOutHiddenErrorSlips.sigmaPrimeTwice)),
        ho("ho-hid-relu-prime-always", "hidden error",
           "σ′ is hard-coded as ReLU's (1 where a > 0, else 0) whatever the activation.",
           HeldOutBase.submission(hiddenError: HeldOutHiddenErrorSlips.reluPrimeAlways)),
    ]
}

// MARK: - Exercise 6: weight gradient

enum HeldOutWeightBuffer {
    /// Allocated once per shape "to save allocations", never zeroed.
    nonisolated(unsafe) static var gradient = Matrix<Double>(rows: 0, columns: 0)
}

enum HeldOutWeightGradientSlips {
    static func assignInsteadOfAdd(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var s = 0.0
                for i in 0..<m { s = A[i, k] * D[i, j] }
                G[k, j] = s / Double(m)
            }
        }
        return G
    }

    static func sampleMean(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var s = 0.0
                for i in 0..<m { s += A[i, k] * D[i, j] }
                G[k, j] = s / Double(m - 1)
            }
        }
        return G
    }

    static func scalesDeltaInPlace(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        // Divide Δ by m once, up front, so the sums below are already means.
        D.elements.withUnsafeBufferPointer { buffer in
            let p = UnsafeMutablePointer(mutating: buffer.baseAddress!)
            for e in 0..<buffer.count { p[e] /= Double(m) }
        }
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var s = 0.0
                for i in 0..<m { s += A[i, k] * D[i, j] }
                G[k, j] = s
            }
        }
        return G
    }

    static func globalBuffer(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        if HeldOutWeightBuffer.gradient.rows != A.columns || HeldOutWeightBuffer.gradient.columns != D.columns {
            HeldOutWeightBuffer.gradient = Matrix(rows: A.columns, columns: D.columns)
        }
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                for i in 0..<m { HeldOutWeightBuffer.gradient[k, j] += A[i, k] * D[i, j] / Double(m) }
            }
        }
        return HeldOutWeightBuffer.gradient
    }

    static func skipsFirstExample(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var s = 0.0
                for i in 1..<m { s += A[i, k] * D[i, j] }
                G[k, j] = s / Double(m)
            }
        }
        return G
    }

    static func productOfMeans(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = Double(A.rows)
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var sa = 0.0, sd = 0.0
                for i in 0..<A.rows {
                    sa += A[i, k]
                    sd += D[i, j]
                }
                G[k, j] = (sa / m) * (sd / m)
            }
        }
        return G
    }

    static func examplesAsRowBound(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.rows {
            for j in 0..<D.columns {
                var s = 0.0
                for i in 0..<m { s += A[i, k] * D[i, j] }
                G[k, j] = s / Double(m)
            }
        }
        return G
    }

    static func forgetsMean(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var s = 0.0
                for i in 0..<A.rows { s += A[i, k] * D[i, j] }
                G[k, j] = s
            }
        }
        return G
    }

    /// A correct forward step, with print-debugging left in.
    static func forwardThatPrints(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        print("forward: A \(A.shapeDescription) · W \(W.shapeDescription) + b [\(b.count)]")
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var s = b[j]
                for k in 0..<A.columns { s += A[i, k] * W[k, j] }
                Z[i, j] = s
            }
        }
        print("forward: Z[0] =", Z.row(0))
        return Z
    }
}

extension HeldOutCatalogue {
    static let weightGradientEntries: [HeldOutSubmission] = [
        ho("ho-wg-assign-instead-of-add", "weight gradient",
           "The sum over the examples uses = where += belongs, so only the last example counts.",
           HeldOutBase.submission(weightGradient: HeldOutWeightGradientSlips.assignInsteadOfAdd)),
        ho("ho-wg-sample-mean", "weight gradient",
           "Divides by m − 1, as for a sample variance, instead of m.",
           HeldOutBase.submission(weightGradient: HeldOutWeightGradientSlips.sampleMean)),
        ho("ho-wg-scales-delta-in-place", "weight gradient",
           "Divides Δˡ by m in place through an unsafe pointer, changing the caller's matrix that the bias gradient and the hidden error read next.",
           HeldOutBase.submission(weightGradient: HeldOutWeightGradientSlips.scalesDeltaInPlace)),
        ho("ho-wg-global-buffer", "weight gradient",
           "Accumulates into a global matrix that is reallocated only when the shape changes and never zeroed, so results carry over between calls.",
           HeldOutBase.submission(weightGradient: HeldOutWeightGradientSlips.globalBuffer)),
        ho("ho-wg-skips-first-example", "weight gradient",
           "The sum over the examples starts at i = 1, skipping the first example.",
           HeldOutBase.submission(weightGradient: HeldOutWeightGradientSlips.skipsFirstExample)),
        ho("ho-wg-product-of-means", "weight gradient",
           "Multiplies the mean of Aˡ⁻¹'s column k by the mean of Δˡ's column j instead of averaging the products.",
           HeldOutBase.submission(weightGradient: HeldOutWeightGradientSlips.productOfMeans)),
        ho("ho-wg-examples-as-row-bound", "weight gradient",
           "The loop over the inputs k runs to A.rows (m) instead of A.columns (h_{l−1}), which only matters when they differ.",
           HeldOutBase.submission(weightGradient: HeldOutWeightGradientSlips.examplesAsRowBound)),
        ho("ho-wg-forgets-mean-forward-prints", "weight gradient",
           "The weight gradient has no 1/m, while the (correct) forward step is full of print-debugging.",
           HeldOutBase.submission(forward: HeldOutWeightGradientSlips.forwardThatPrints,
                                  weightGradient: HeldOutWeightGradientSlips.forgetsMean)),
    ]
}

// MARK: - Exercise 6: bias gradient

enum HeldOutBiasMemo {
    /// Results remembered by the shape of Δ.
    nonisolated(unsafe) static var byShape: [String: [Double]] = [:]
}

enum HeldOutBiasGradientSlips {
    static func rowSums(_ D: Matrix<Double>) throws -> [Double] {
        (0..<D.rows).map { i in
            var s = 0.0
            for j in 0..<D.columns { s += D[i, j] }
            return s / Double(D.rows)
        }
    }

    static func integerReciprocal(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += D[i, j] } }
        let scale = Double(1 / D.rows)
        return sums.map { $0 * scale }
    }

    static func cachedByShape(_ D: Matrix<Double>) throws -> [Double] {
        let key = D.shapeDescription
        if let known = HeldOutBiasMemo.byShape[key] { return known }
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += D[i, j] } }
        let result = sums.map { $0 / Double(D.rows) }
        HeldOutBiasMemo.byShape[key] = result
        return result
    }

    static func printsWithoutMean(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += D[i, j] } }
        print("bias gradient:", sums)
        return sums
    }

    static func firstExampleOnly(_ D: Matrix<Double>) throws -> [Double] {
        D.row(0)
    }

    static func dividesByUnits(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += D[i, j] } }
        return sums.map { $0 / Double(D.columns) }
    }

    static func meanTwice(_ D: Matrix<Double>) throws -> [Double] {
        let m = Double(D.rows)
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += D[i, j] / m } }
        return sums.map { $0 / m }
    }

    static func lastExampleOnly(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] = D[i, j] } }
        return sums.map { $0 / Double(D.rows) }
    }

    /// A correct output error, with print-debugging left in.
    static func outputErrorThatPrints(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var D = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows { for j in 0..<A.columns { D[i, j] = A[i, j] - Y[i, j] } }
        print("output error:", D)
        return D
    }
}

extension HeldOutCatalogue {
    static let biasGradientEntries: [HeldOutSubmission] = [
        ho("ho-bg-row-sums", "bias gradient",
           "Sums along each example's row (over the units) instead of down each column (over the examples).",
           HeldOutBase.submission(biasGradient: HeldOutBiasGradientSlips.rowSums)),
        ho("ho-bg-integer-reciprocal", "bias gradient",
           "The scale is Double(1 / m), an integer division that is 0 for every m above 1.",
           HeldOutBase.submission(biasGradient: HeldOutBiasGradientSlips.integerReciprocal)),
        ho("ho-bg-cached-by-shape", "bias gradient",
           "Remembers its result in a global dictionary keyed by Δ's shape, so a new Δ of the same shape gets the old answer.",
           HeldOutBase.submission(biasGradient: HeldOutBiasGradientSlips.cachedByShape)),
        ho("ho-bg-prints-without-mean", "bias gradient",
           "Print-debugging of the sums, and no 1/m.",
           HeldOutBase.submission(biasGradient: HeldOutBiasGradientSlips.printsWithoutMean)),
        ho("ho-bg-first-example-only", "bias gradient",
           "Returns the first example's row of Δ, as if ∂b = δ from exercise 3 still held for a batch.",
           HeldOutBase.submission(biasGradient: HeldOutBiasGradientSlips.firstExampleOnly)),
        ho("ho-bg-divides-by-units", "bias gradient",
           "Divides the column sums by the number of units (Δ.columns) instead of m, which only shows when they differ.",
           HeldOutBase.submission(biasGradient: HeldOutBiasGradientSlips.dividesByUnits)),
        ho("ho-bg-mean-twice", "bias gradient",
           "Divides by m inside the sum and again after it.",
           HeldOutBase.submission(biasGradient: HeldOutBiasGradientSlips.meanTwice)),
        ho("ho-bg-last-example-output-prints", "bias gradient",
           "The bias sum uses = where += belongs (only the last example counts), while the (correct) output error prints every Δᴸ.",
           HeldOutBase.submission(outputError: HeldOutBiasGradientSlips.outputErrorThatPrints,
                                  biasGradient: HeldOutBiasGradientSlips.lastExampleOnly)),
    ]
}

// MARK: - Exercise 7: the batch engine

enum HeldOutEngineSlips {
    /// The gradients appended on the way down: layer L first.
    struct LayersReversed: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps
        func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                              into gradients: inout Gradients<Double>) throws {
            let L = network.layerCount, m = X.rows
            var A = [X], ZL = X
            for l in 1...L {
                let Z = try steps.forward(A[l - 1], network.layers[l - 1].weights, network.layers[l - 1].biases)
                if l == L { ZL = Z }
                A.append(l < L ? Z.map { network.hidden.value($0) } : Z.mapRows { network.output.activation($0) })
            }
            var loss = 0.0
            for i in 0..<m { loss += network.output.loss(logits: ZL.row(i), activation: A[L].row(i), target: Y.row(i)) }
            var layers: [LayerParameters<Double>] = []
            var delta = try steps.outputError(A[L], Y)
            for l in stride(from: L, through: 1, by: -1) {
                layers.append(LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                              biases: try steps.biasGradient(delta)))
                if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
            }
            gradients = Gradients(loss: loss / Double(m), layers: layers)
        }
    }

    /// Aᴸ = σ(Zᴸ) with the hidden σ.
    struct HiddenSigmaEverywhere: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps
        func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                              into gradients: inout Gradients<Double>) throws {
            let L = network.layerCount, m = X.rows
            var A = [X], Zs = [X]
            for l in 1...L {
                let Z = try steps.forward(A[l - 1], network.layers[l - 1].weights, network.layers[l - 1].biases)
                Zs.append(Z)
                A.append(Z.map { network.hidden.value($0) })
            }
            var loss = 0.0
            for i in 0..<m { loss += network.output.loss(logits: Zs[L].row(i), activation: A[L].row(i), target: Y.row(i)) }
            var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
            var delta = try steps.outputError(A[L], Y)
            for l in stride(from: L, through: 1, by: -1) {
                layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                                biases: try steps.biasGradient(delta))
                if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
            }
            gradients = Gradients(loss: loss / Double(m), layers: layers)
        }
    }

    /// The softmax written by hand without the shift by the row's maximum.
    struct SoftmaxWithoutShift: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps
        func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                              into gradients: inout Gradients<Double>) throws {
            let L = network.layerCount, m = X.rows
            var A = [X], ZL = X
            for l in 1...L {
                let Z = try steps.forward(A[l - 1], network.layers[l - 1].weights, network.layers[l - 1].biases)
                if l < L {
                    A.append(Z.map { network.hidden.value($0) })
                } else {
                    ZL = Z
                    A.append(Z.mapRows { row in
                        guard network.output.activation == .softmax else { return network.output.activation(row) }
                        let e = row.map { exp($0) }
                        let total = e.reduce(0, +)
                        return e.map { $0 / total }
                    })
                }
            }
            var loss = 0.0
            for i in 0..<m { loss += network.output.loss(logits: ZL.row(i), activation: A[L].row(i), target: Y.row(i)) }
            var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
            var delta = try steps.outputError(A[L], Y)
            for l in stride(from: L, through: 1, by: -1) {
                layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                                biases: try steps.biasGradient(delta))
                if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
            }
            gradients = Gradients(loss: loss / Double(m), layers: layers)
        }
    }

    /// ∂bˡ taken from Δˡ⁻¹, after the hidden error has already replaced Δˡ.
    struct BiasFromLowerDelta: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps
        func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                              into gradients: inout Gradients<Double>) throws {
            let L = network.layerCount, m = X.rows
            var A = [X], ZL = X
            for l in 1...L {
                let Z = try steps.forward(A[l - 1], network.layers[l - 1].weights, network.layers[l - 1].biases)
                if l == L { ZL = Z }
                A.append(l < L ? Z.map { network.hidden.value($0) } : Z.mapRows { network.output.activation($0) })
            }
            var loss = 0.0
            for i in 0..<m { loss += network.output.loss(logits: ZL.row(i), activation: A[L].row(i), target: Y.row(i)) }
            var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
            var delta = try steps.outputError(A[L], Y)
            for l in stride(from: L, through: 1, by: -1) {
                let dW = try steps.weightGradient(A[l - 1], delta)
                if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
                layers[l - 1] = LayerParameters(weights: dW, biases: try steps.biasGradient(delta))
            }
            gradients = Gradients(loss: loss / Double(m), layers: layers)
        }
    }

    /// The hidden error handed Wˡ⁻¹ (the layer below) instead of Wˡ.
    struct WeightsOfLayerBelow: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps
        func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                              into gradients: inout Gradients<Double>) throws {
            let L = network.layerCount, m = X.rows
            var A = [X], ZL = X
            for l in 1...L {
                let Z = try steps.forward(A[l - 1], network.layers[l - 1].weights, network.layers[l - 1].biases)
                if l == L { ZL = Z }
                A.append(l < L ? Z.map { network.hidden.value($0) } : Z.mapRows { network.output.activation($0) })
            }
            var loss = 0.0
            for i in 0..<m { loss += network.output.loss(logits: ZL.row(i), activation: A[L].row(i), target: Y.row(i)) }
            var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
            var delta = try steps.outputError(A[L], Y)
            for l in stride(from: L, through: 1, by: -1) {
                layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                                biases: try steps.biasGradient(delta))
                if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 2].weights, A[l - 1], network.hidden) }
            }
            gradients = Gradients(loss: loss / Double(m), layers: layers)
        }
    }

    /// The loss assigned, not added, inside the loop over the examples.
    struct LossOverwritten: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps
        func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                              into gradients: inout Gradients<Double>) throws {
            let L = network.layerCount, m = X.rows
            var A = [X], ZL = X
            for l in 1...L {
                let Z = try steps.forward(A[l - 1], network.layers[l - 1].weights, network.layers[l - 1].biases)
                if l == L { ZL = Z }
                A.append(l < L ? Z.map { network.hidden.value($0) } : Z.mapRows { network.output.activation($0) })
            }
            var loss = 0.0
            for i in 0..<m { loss = network.output.loss(logits: ZL.row(i), activation: A[L].row(i), target: Y.row(i)) }
            var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
            var delta = try steps.outputError(A[L], Y)
            for l in stride(from: L, through: 1, by: -1) {
                layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                                biases: try steps.biasGradient(delta))
                if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
            }
            gradients = Gradients(loss: loss / Double(m), layers: layers)
        }
    }

    /// Adds into the caller's `gradients` instead of assigning it.
    struct AddsIntoStorage: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps
        func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                              into gradients: inout Gradients<Double>) throws {
            let L = network.layerCount, m = X.rows
            gradients.prepare(for: network)
            var A = [X], ZL = X
            for l in 1...L {
                let Z = try steps.forward(A[l - 1], network.layers[l - 1].weights, network.layers[l - 1].biases)
                if l == L { ZL = Z }
                A.append(l < L ? Z.map { network.hidden.value($0) } : Z.mapRows { network.output.activation($0) })
            }
            var loss = 0.0
            for i in 0..<m { loss += network.output.loss(logits: ZL.row(i), activation: A[L].row(i), target: Y.row(i)) }
            gradients.loss += loss / Double(m)
            var delta = try steps.outputError(A[L], Y)
            for l in stride(from: L, through: 1, by: -1) {
                let dW = try steps.weightGradient(A[l - 1], delta), db = try steps.biasGradient(delta)
                for e in dW.elements.indices { gradients.layers[l - 1].weights.elements[e] += dW.elements[e] }
                for j in db.indices { gradients.layers[l - 1].biases[j] += db[j] }
                if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
            }
        }
    }

    /// A gradient-descent step taken on a copy of the network during the backward pass, whose new weights then
    /// carry the error down.
    struct UpdatesWeightsMidway: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps
        func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                              into gradients: inout Gradients<Double>) throws {
            let L = network.layerCount, m = X.rows
            var net = network
            var A = [X], ZL = X
            for l in 1...L {
                let Z = try steps.forward(A[l - 1], net.layers[l - 1].weights, net.layers[l - 1].biases)
                if l == L { ZL = Z }
                A.append(l < L ? Z.map { net.hidden.value($0) } : Z.mapRows { net.output.activation($0) })
            }
            var loss = 0.0
            for i in 0..<m { loss += net.output.loss(logits: ZL.row(i), activation: A[L].row(i), target: Y.row(i)) }
            var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
            var delta = try steps.outputError(A[L], Y)
            for l in stride(from: L, through: 1, by: -1) {
                let dW = try steps.weightGradient(A[l - 1], delta), db = try steps.biasGradient(delta)
                layers[l - 1] = LayerParameters(weights: dW, biases: db)
                for e in dW.elements.indices { net.layers[l - 1].weights.elements[e] -= 0.5 * dW.elements[e] }
                for j in db.indices { net.layers[l - 1].biases[j] -= 0.5 * db[j] }
                if l > 1 { delta = try steps.hiddenError(delta, net.layers[l - 1].weights, A[l - 1], net.hidden) }
            }
            gradients = Gradients(loss: loss / Double(m), layers: layers)
        }
    }

    /// σ′ handed Zˡ⁻¹ (kept from the forward pass) instead of Aˡ⁻¹.
    struct SigmaPrimeFromZ: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps
        func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                              into gradients: inout Gradients<Double>) throws {
            let L = network.layerCount, m = X.rows
            var A = [X], Z = [X]
            for l in 1...L {
                Z.append(try steps.forward(A[l - 1], network.layers[l - 1].weights, network.layers[l - 1].biases))
                A.append(l < L ? Z[l].map { network.hidden.value($0) } : Z[l].mapRows { network.output.activation($0) })
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
            gradients = Gradients(loss: loss / Double(m), layers: layers)
        }
    }

    /// Print-debugging, and the loss handed Aᴸ as its logits.
    struct PrintsLossFromOutputs: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps
        func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                              into gradients: inout Gradients<Double>) throws {
            let L = network.layerCount, m = X.rows
            var A = [X]
            for l in 1...L {
                let Z = try steps.forward(A[l - 1], network.layers[l - 1].weights, network.layers[l - 1].biases)
                A.append(l < L ? Z.map { network.hidden.value($0) } : Z.mapRows { network.output.activation($0) })
                print("layer \(l): A", A[l].shapeDescription)
            }
            var loss = 0.0
            for i in 0..<m { loss += network.output.loss(logits: A[L].row(i), activation: A[L].row(i), target: Y.row(i)) }
            print("loss", loss / Double(m))
            var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
            var delta = try steps.outputError(A[L], Y)
            for l in stride(from: L, through: 1, by: -1) {
                layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                                biases: try steps.biasGradient(delta))
                if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
            }
            gradients = Gradients(loss: loss / Double(m), layers: layers)
        }
    }

    /// The backward loop stops before layer 1: stride(from: L, to: 1, …).
    struct StopsAboveLayerOne: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps
        func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                              into gradients: inout Gradients<Double>) throws {
            let L = network.layerCount, m = X.rows
            var A = [X], ZL = X
            for l in 1...L {
                let Z = try steps.forward(A[l - 1], network.layers[l - 1].weights, network.layers[l - 1].biases)
                if l == L { ZL = Z }
                A.append(l < L ? Z.map { network.hidden.value($0) } : Z.mapRows { network.output.activation($0) })
            }
            var loss = 0.0
            for i in 0..<m { loss += network.output.loss(logits: ZL.row(i), activation: A[L].row(i), target: Y.row(i)) }
            var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
            var delta = try steps.outputError(A[L], Y)
            for l in stride(from: L, to: 1, by: -1) {
                layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                                biases: try steps.biasGradient(delta))
                delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden)
            }
            gradients = Gradients(loss: loss / Double(m), layers: layers)
        }
    }

    /// Every ∂Wˡ computed from X = A⁰ instead of Aˡ⁻¹.
    struct InputsForEveryLayer: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps
        func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                              into gradients: inout Gradients<Double>) throws {
            let L = network.layerCount, m = X.rows
            var A = [X], ZL = X
            for l in 1...L {
                let Z = try steps.forward(A[l - 1], network.layers[l - 1].weights, network.layers[l - 1].biases)
                if l == L { ZL = Z }
                A.append(l < L ? Z.map { network.hidden.value($0) } : Z.mapRows { network.output.activation($0) })
            }
            var loss = 0.0
            for i in 0..<m { loss += network.output.loss(logits: ZL.row(i), activation: A[L].row(i), target: Y.row(i)) }
            var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
            var delta = try steps.outputError(A[L], Y)
            for l in stride(from: L, through: 1, by: -1) {
                layers[l - 1] = LayerParameters(weights: try steps.weightGradient(X, delta),
                                                biases: try steps.biasGradient(delta))
                if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
            }
            gradients = Gradients(loss: loss / Double(m), layers: layers)
        }
    }
}

extension HeldOutCatalogue {
    static let batchEngineEntries: [HeldOutSubmission] = [
        ho("ho-eng-layers-reversed", "batch engine",
           "Appends each layer's gradients on the way down, so the array holds layer L first.",
           HeldOutBase.submission(engine: { AnyBackpropEngine(HeldOutEngineSlips.LayersReversed(steps: $0)) })),
        ho("ho-eng-hidden-sigma-everywhere", "batch engine",
           "Applies the hidden σ to every layer, the output layer too, instead of the output's own activation.",
           HeldOutBase.submission(engine: { AnyBackpropEngine(HeldOutEngineSlips.HiddenSigmaEverywhere(steps: $0)) })),
        ho("ho-eng-softmax-without-shift", "batch engine",
           "Writes the output softmax by hand as e^z / Σ e^z without subtracting the row's maximum, which overflows for logits in the hundreds.",
           HeldOutBase.submission(engine: { AnyBackpropEngine(HeldOutEngineSlips.SoftmaxWithoutShift(steps: $0)) })),
        ho("ho-eng-bias-from-lower-delta", "batch engine",
           "Calls biasGradient after the hidden error has replaced Δˡ with Δˡ⁻¹, so ∂bˡ is wrong while ∂Wˡ is right.",
           HeldOutBase.submission(engine: { AnyBackpropEngine(HeldOutEngineSlips.BiasFromLowerDelta(steps: $0)) })),
        ho("ho-eng-weights-of-layer-below", "batch engine",
           "Hands the hidden error Wˡ⁻¹ (network.layers[l − 2]) instead of Wˡ.",
           HeldOutBase.submission(engine: { AnyBackpropEngine(HeldOutEngineSlips.WeightsOfLayerBelow(steps: $0)) })),
        ho("ho-eng-loss-overwritten", "batch engine",
           "The loss is assigned with = inside the loop over the examples, so only the last example's loss is kept (then divided by m).",
           HeldOutBase.submission(engine: { AnyBackpropEngine(HeldOutEngineSlips.LossOverwritten(steps: $0)) })),
        ho("ho-eng-adds-into-storage", "batch engine",
           "Adds the loss and gradients into the caller's gradients storage instead of assigning them, so a second call doubles them.",
           HeldOutBase.submission(engine: { AnyBackpropEngine(HeldOutEngineSlips.AddsIntoStorage(steps: $0)) })),
        ho("ho-eng-updates-weights-midway", "batch engine",
           "Takes a gradient-descent step on a copy of the network during the backward pass and carries the error down with the moved weights.",
           HeldOutBase.submission(engine: { AnyBackpropEngine(HeldOutEngineSlips.UpdatesWeightsMidway(steps: $0)) })),
        ho("ho-eng-sigma-prime-from-z", "batch engine",
           "Hands the hidden error Zˡ⁻¹ instead of Aˡ⁻¹, so σ′ is computed from the pre-activations.",
           HeldOutBase.submission(engine: { AnyBackpropEngine(HeldOutEngineSlips.SigmaPrimeFromZ(steps: $0)) })),
        ho("ho-eng-prints-loss-from-outputs", "batch engine",
           "Print-debugging of shapes and loss, and the loss handed Aᴸ as its logits.",
           HeldOutBase.submission(engine: { AnyBackpropEngine(HeldOutEngineSlips.PrintsLossFromOutputs(steps: $0)) })),
        ho("ho-eng-stops-above-layer-one", "batch engine",
           "The backward loop is stride(from: L, to: 1, …), so layer 1's gradients stay the 1×1 placeholder.",
           HeldOutBase.submission(engine: { AnyBackpropEngine(HeldOutEngineSlips.StopsAboveLayerOne(steps: $0)) })),
        ho("ho-eng-inputs-for-every-layer", "batch engine",
           "Computes every ∂Wˡ from X = A⁰ instead of the layer's own input Aˡ⁻¹.",
           HeldOutBase.submission(engine: { AnyBackpropEngine(HeldOutEngineSlips.InputsForEveryLayer(steps: $0)) })),
    ]
}

// MARK: - Correct, but unusual

enum HeldOutUnusual {
    /// Exercise 3 with an explicit (Wˡ)ᵀ, as the equation zˡ = (Wˡ)ᵀ aˡ⁻¹ + bˡ is written.
    static func oneExampleExplicitTranspose(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount
        var a: [[Double]] = [x], z: [[Double]] = [[]]
        for l in 1...L {
            let Wt = network.layers[l - 1].weights.transposed  // [h_l, h_{l−1}]
            let b = network.layers[l - 1].biases
            let zl = (0..<Wt.rows).map { j in
                (0..<Wt.columns).reduce(b[j]) { $0 + Wt[j, $1] * a[l - 1][$1] }
            }
            z.append(zl)
            a.append(l < L ? zl.map { network.hidden.value($0) } : network.output.activation(zl))
        }
        var deltas = [[Double]](repeating: [], count: L + 1)
        deltas[L] = zip(a[L], y).map { $0 - $1 }
        for l in stride(from: L - 1, through: 1, by: -1) {
            let W = network.layers[l].weights
            deltas[l] = (0..<W.rows).map { j in
                (0..<W.columns).reduce(0.0) { $0 + W[j, $1] * deltas[l + 1][$1] }
                    * network.hidden.derivative(fromActivation: a[l][j])
            }
        }
        let layers = (1...L).map { l -> LayerParameters<Double> in
            var dW = Matrix<Double>(rows: a[l - 1].count, columns: deltas[l].count)
            for j in 0..<dW.columns { for i in 0..<dW.rows { dW[i, j] = a[l - 1][i] * deltas[l][j] } }
            return LayerParameters(weights: dW, biases: deltas[l])
        }
        return Gradients(loss: network.output.loss(logits: z[L], activation: a[L], target: y), layers: layers)
    }

    /// Exercise 3 with a recursive backward pass: the gradients of layers l…L from δˡ.
    static func oneExampleRecursive(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount
        var a: [[Double]] = [x]
        var zTop: [Double] = []
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var z = b
            for i in 0..<W.rows { for j in 0..<W.columns { z[j] += W[i, j] * a[l - 1][i] } }
            zTop = z
            a.append(l < L ? z.map { network.hidden.value($0) } : network.output.activation(z))
        }
        // Returns (δˡ, gradients of layers l…L).
        func backward(from l: Int) -> ([Double], [LayerParameters<Double>]) {
            let delta: [Double]
            var above: [LayerParameters<Double>] = []
            if l == L {
                delta = (0..<y.count).map { a[L][$0] - y[$0] }
            } else {
                let (deltaAbove, gradientsAbove) = backward(from: l + 1)
                above = gradientsAbove
                let W = network.layers[l].weights
                delta = (0..<W.rows).map { j in
                    var s = 0.0
                    for k in 0..<W.columns { s += W[j, k] * deltaAbove[k] }
                    return s * network.hidden.derivative(fromActivation: a[l][j])
                }
            }
            var dW = Matrix<Double>(rows: a[l - 1].count, columns: delta.count)
            for i in 0..<dW.rows { for j in 0..<dW.columns { dW[i, j] = a[l - 1][i] * delta[j] } }
            return (delta, [LayerParameters(weights: dW, biases: delta)] + above)
        }
        let loss = network.output.loss(logits: zTop, activation: a[L], target: y)
        return Gradients(loss: loss, layers: backward(from: 1).1)
    }

    /// Exercise 3 as a batch of one: the student's own matrix steps on [1, h] matrices.
    static func oneExampleAsBatchOfOne(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount
        var A = [Matrix<Double>([x])]
        var zTop: [Double] = []
        for l in 1...L {
            let Z = try HeldOutBase.forward(A[l - 1], network.layers[l - 1].weights, network.layers[l - 1].biases)
            if l == L { zTop = Z.row(0) }
            A.append(l < L ? Z.map { network.hidden.value($0) } : Matrix([network.output.activation(Z.row(0))]))
        }
        var delta = try HeldOutBase.outputError(A[L], Matrix([y]))
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            layers[l - 1] = LayerParameters(weights: try HeldOutBase.weightGradient(A[l - 1], delta),
                                            biases: try HeldOutBase.biasGradient(delta))
            if l > 1 {
                delta = try HeldOutBase.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden)
            }
        }
        return Gradients(loss: network.output.loss(logits: zTop, activation: A[L].row(0), target: y), layers: layers)
    }

    /// Forward in i-k-j order: each row starts as bˡ, then input k adds A[i, k] times row k of Wˡ.
    static func forwardRowUpdates(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns { Z[i, j] = b[j] }
            for k in 0..<A.columns {
                let aik = A[i, k]
                for j in 0..<W.columns { Z[i, j] += aik * W[k, j] }
            }
        }
        return Z
    }

    /// ∂W with reduce.
    static func weightGradientReduce(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        let elements = (0..<A.columns).flatMap { k in
            (0..<D.columns).map { j in (0..<m).reduce(0.0) { $0 + A[$1, k] * D[$1, j] } / Double(m) }
        }
        return Matrix(rows: A.columns, columns: D.columns, elements: elements)
    }

    /// ∂b summed from the last example up, times a reciprocal.
    static func biasGradientBottomUp(_ D: Matrix<Double>) throws -> [Double] {
        let scale = 1 / Double(D.rows)
        var result = [Double](repeating: 0, count: D.columns)
        for j in 0..<D.columns {
            var s = 0.0
            for i in stride(from: D.rows - 1, through: 0, by: -1) { s += D[i, j] }
            result[j] = s * scale
        }
        return result
    }

    /// Δˡ⁺¹ (Wˡ⁺¹)ᵀ as a plain product with an explicit transpose, then ∘ σ′ in a second pass.
    static func hiddenErrorExplicitTranspose(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                             _ hidden: Activation) throws -> Matrix<Double> {
        let Wt = W.transposed  // [h_{l+1}, h_l]
        var P = Matrix<Double>(rows: D.rows, columns: Wt.columns)
        for i in 0..<D.rows {
            for j in 0..<Wt.columns {
                for k in 0..<D.columns { P[i, j] += D[i, k] * Wt[k, j] }
            }
        }
        var sp = A
        for e in sp.elements.indices { sp.elements[e] = hidden.derivative(fromActivation: A.elements[e]) }
        for e in P.elements.indices { P.elements[e] *= sp.elements[e] }
        return P
    }

    /// σ′ multiplied into every term of the sum (σ′ distributes over it).
    static func hiddenErrorSigmaPrimePerTerm(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                             _ hidden: Activation) throws -> Matrix<Double> {
        var out = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                let sp = hidden.derivative(fromActivation: A[i, j])
                for k in 0..<W.columns { out[i, j] += D[i, k] * W[j, k] * sp }
            }
        }
        return out
    }

    /// Δᴸ = Aᴸ − Y with print-debugging left in.
    static func outputErrorThatPrints(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        print("outputError: A \(A.shapeDescription), Y \(Y.shapeDescription)")
        let D = Matrix(rows: A.rows, columns: A.columns, elements: zip(A.elements, Y.elements).map { $0 - $1 })
        print("outputError: Δ row 0 =", D.row(0))
        return D
    }

    /// ∂W with pairwise (divide-and-conquer) sums over the examples.
    static func weightGradientPairwise(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        func pairwise(_ lo: Int, _ hi: Int, _ k: Int, _ j: Int) -> Double {
            if hi - lo == 1 { return A[lo, k] * D[lo, j] }
            let mid = (lo + hi) / 2
            return pairwise(lo, mid, k, j) + pairwise(mid, hi, k, j)
        }
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns { for j in 0..<D.columns { G[k, j] = pairwise(0, A.rows, k, j) / Double(A.rows) } }
        return G
    }

    /// ∂b as (1/m) (Δˡ)ᵀ 1ₘ, through the student's own weight gradient with a column of ones for Aˡ⁻¹.
    static func biasGradientThroughWeightGradient(_ D: Matrix<Double>) throws -> [Double] {
        try HeldOutBase.weightGradient(Matrix(rows: D.rows, columns: 1, repeating: 1), D).row(0)
    }

    /// The output activation written by hand, the softmax stable (shifted by the row's maximum).
    struct StableSoftmaxEngine: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps
        func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                              into gradients: inout Gradients<Double>) throws {
            func outputActivation(_ z: [Double]) -> [Double] {
                switch network.output.activation {
                case .softmax:
                    let top = z.max()!
                    let e = z.map { exp($0 - top) }
                    let total = e.reduce(0, +)
                    return e.map { $0 / total }
                case .sigmoid:
                    return z.map { $0 >= 0 ? 1 / (1 + exp(-$0)) : exp($0) / (1 + exp($0)) }
                case .identity:
                    return z
                }
            }
            let L = network.layerCount, m = X.rows
            var A = [X], ZL = X
            for l in 1...L {
                let Z = try steps.forward(A[l - 1], network.layers[l - 1].weights, network.layers[l - 1].biases)
                if l == L { ZL = Z }
                A.append(l < L ? Z.map { network.hidden.value($0) } : Z.mapRows(outputActivation))
            }
            var loss = 0.0
            for i in 0..<m { loss += network.output.loss(logits: ZL.row(i), activation: A[L].row(i), target: Y.row(i)) }
            var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
            var delta = try steps.outputError(A[L], Y)
            for l in stride(from: L, through: 1, by: -1) {
                layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                                biases: try steps.biasGradient(delta))
                if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
            }
            gradients = Gradients(loss: loss / Double(m), layers: layers)
        }
    }

    /// The loss written by hand in its stable forms: log-sum-exp for a softmax, softplus for a sigmoid.
    struct StableLossEngine: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps
        func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                              into gradients: inout Gradients<Double>) throws {
            func exampleLoss(_ z: [Double], _ a: [Double], _ y: [Double]) -> Double {
                switch (network.output.activation, network.output.loss) {
                case (.softmax, _):
                    let top = z.max()!
                    let lse = top + log(z.reduce(0.0) { $0 + exp($1 - top) })
                    return zip(z, y).reduce(0.0) { $0 + $1.1 * (lse - $1.0) }
                case (.sigmoid, .crossEntropy):
                    return zip(z, y).reduce(0.0) { $0 + max($1.0, 0) - $1.0 * $1.1 + log1p(exp(-abs($1.0))) }
                default:
                    return 0.5 * zip(a, y).reduce(0.0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
                }
            }
            let L = network.layerCount, m = X.rows
            var A = [X], ZL = X
            for l in 1...L {
                let Z = try steps.forward(A[l - 1], network.layers[l - 1].weights, network.layers[l - 1].biases)
                if l == L { ZL = Z }
                A.append(l < L ? Z.map { network.hidden.value($0) } : Z.mapRows { network.output.activation($0) })
            }
            let loss = (0..<m).map { exampleLoss(ZL.row($0), A[L].row($0), Y.row($0)) }.reduce(0, +) / Double(m)
            var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
            var delta = try steps.outputError(A[L], Y)
            for l in stride(from: L, through: 1, by: -1) {
                layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                                biases: try steps.biasGradient(delta))
                if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
            }
            gradients = Gradients(loss: loss, layers: layers)
        }
    }

    /// Every Δ first (top down), then the gradients bottom up.
    struct DeltasFirstEngine: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps
        func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                              into gradients: inout Gradients<Double>) throws {
            let L = network.layerCount, m = X.rows
            var A = [X], ZL = X
            for l in 1...L {
                let Z = try steps.forward(A[l - 1], network.layers[l - 1].weights, network.layers[l - 1].biases)
                if l == L { ZL = Z }
                A.append(l < L ? Z.map { network.hidden.value($0) } : Z.mapRows { network.output.activation($0) })
            }
            var deltas = [Matrix<Double>](repeating: Matrix(rows: 0, columns: 0), count: L + 1)
            deltas[L] = try steps.outputError(A[L], Y)
            for l in stride(from: L - 1, through: 1, by: -1) {
                deltas[l] = try steps.hiddenError(deltas[l + 1], network.layers[l].weights, A[l], network.hidden)
            }
            var layers: [LayerParameters<Double>] = []
            for l in 1...L {
                layers.append(LayerParameters(weights: try steps.weightGradient(A[l - 1], deltas[l]),
                                              biases: try steps.biasGradient(deltas[l])))
            }
            var loss = 0.0
            for i in 0..<m { loss += network.output.loss(logits: ZL.row(i), activation: A[L].row(i), target: Y.row(i)) }
            gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
        }
    }

    /// The backward pass as a recursive function of l.
    struct RecursiveEngine: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps
        func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                              into gradients: inout Gradients<Double>) throws {
            let L = network.layerCount, m = X.rows
            var A = [X], ZL = X
            for l in 1...L {
                let Z = try steps.forward(A[l - 1], network.layers[l - 1].weights, network.layers[l - 1].biases)
                if l == L { ZL = Z }
                A.append(l < L ? Z.map { network.hidden.value($0) } : Z.mapRows { network.output.activation($0) })
            }
            let activations = A
            func backward(_ l: Int, _ delta: Matrix<Double>) throws -> [LayerParameters<Double>] {
                let here = LayerParameters(weights: try steps.weightGradient(activations[l - 1], delta),
                                           biases: try steps.biasGradient(delta))
                guard l > 1 else { return [here] }
                let below = try steps.hiddenError(delta, network.layers[l - 1].weights, activations[l - 1], network.hidden)
                return try backward(l - 1, below) + [here]
            }
            let layers = try backward(L, try steps.outputError(A[L], Y))
            let loss = (0..<m).reduce(0.0) {
                $0 + network.output.loss(logits: ZL.row($1), activation: activations[L].row($1), target: Y.row($1))
            }
            gradients = Gradients(loss: loss / Double(m), layers: layers)
        }
    }
}

extension HeldOutCatalogue {
    static let correctEntries: [HeldOutSubmission] = [
        ho("ho-ok-one-example-explicit-transpose", "pass",
           "Exercise 3 builds (Wˡ)ᵀ explicitly with .transposed and uses reduce for the sums.",
           HeldOutBase.submission(oneExample: HeldOutUnusual.oneExampleExplicitTranspose)),
        ho("ho-ok-one-example-recursive", "pass",
           "Exercise 3's backward pass is a recursive function returning δˡ and the gradients of layers l…L.",
           HeldOutBase.submission(oneExample: HeldOutUnusual.oneExampleRecursive)),
        ho("ho-ok-one-example-batch-of-one", "pass",
           "Exercise 3 is the student's own matrix steps run on one-row matrices (m = 1).",
           HeldOutBase.submission(oneExample: HeldOutUnusual.oneExampleAsBatchOfOne)),
        ho("ho-ok-forward-row-updates", "pass",
           "The forward step loops i-k-j: each row starts as bˡ and every input adds A[i, k] times row k of Wˡ.",
           HeldOutBase.submission(forward: HeldOutUnusual.forwardRowUpdates)),
        ho("ho-ok-output-error-prints", "pass",
           "The output error, written with zip over the elements, has print-debugging left in.",
           HeldOutBase.submission(outputError: HeldOutUnusual.outputErrorThatPrints)),
        ho("ho-ok-hidden-explicit-transpose", "pass",
           "The hidden error multiplies Δˡ⁺¹ by an explicit (Wˡ⁺¹)ᵀ, then applies σ′ in a second pass.",
           HeldOutBase.submission(hiddenError: HeldOutUnusual.hiddenErrorExplicitTranspose)),
        ho("ho-ok-hidden-sigma-prime-per-term", "pass",
           "The hidden error multiplies σ′ into every term of the sum instead of once after it.",
           HeldOutBase.submission(hiddenError: HeldOutUnusual.hiddenErrorSigmaPrimePerTerm)),
        ho("ho-ok-weight-gradient-reduce", "pass",
           "The weight gradient is one flatMap/map/reduce expression.",
           HeldOutBase.submission(weightGradient: HeldOutUnusual.weightGradientReduce)),
        ho("ho-ok-weight-gradient-pairwise", "pass",
           "The weight gradient sums the examples pairwise (divide and conquer) instead of in order.",
           HeldOutBase.submission(weightGradient: HeldOutUnusual.weightGradientPairwise)),
        ho("ho-ok-bias-bottom-up", "pass",
           "The bias gradient sums each column from the last example up and multiplies by 1/m.",
           HeldOutBase.submission(biasGradient: HeldOutUnusual.biasGradientBottomUp)),
        ho("ho-ok-bias-through-weight-gradient", "pass",
           "The bias gradient is (1/m) (Δˡ)ᵀ 1ₘ, computed by calling the student's own weight gradient with a column of ones.",
           HeldOutBase.submission(biasGradient: HeldOutUnusual.biasGradientThroughWeightGradient)),
        ho("ho-ok-engine-stable-softmax", "pass",
           "The engine writes the output activation by hand, the softmax shifted by the row's maximum and the sigmoid in its two stable branches.",
           HeldOutBase.submission(engine: { AnyBackpropEngine(HeldOutUnusual.StableSoftmaxEngine(steps: $0)) })),
        ho("ho-ok-engine-stable-loss", "pass",
           "The engine writes the loss by hand in stable form: log-sum-exp for a softmax, softplus for a sigmoid.",
           HeldOutBase.submission(engine: { AnyBackpropEngine(HeldOutUnusual.StableLossEngine(steps: $0)) })),
        ho("ho-ok-engine-deltas-first", "pass",
           "The engine computes every Δˡ first, top down, then the gradients from layer 1 up, and the loss last.",
           HeldOutBase.submission(engine: { AnyBackpropEngine(HeldOutUnusual.DeltasFirstEngine(steps: $0)) })),
        ho("ho-ok-engine-recursive", "pass",
           "The engine's backward pass is a recursive function of l.",
           HeldOutBase.submission(engine: { AnyBackpropEngine(HeldOutUnusual.RecursiveEngine(steps: $0)) })),
    ]
}
