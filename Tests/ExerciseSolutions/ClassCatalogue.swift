import Backprop
import BackpropExercises
import Foundation

// A class of students: whole submissions for exercises 3 to 7, each with at most ONE slip in ONE step (every other
// step written correctly), plus correct submissions written in unusual ways. Written from the exercise pages alone,
// without looking at the checker, to measure how the checker reads real students' work.
//
// Run one with: BACKPROP_SUBMISSION=<name> .build/debug/backprop-fixture exercises

/// One student's hand-in.
public struct ClassSubmission: Sendable {
    /// Kebab-case, unique; correct ones start with "ok-".
    public var name: String
    /// The step a teacher would blame: "one example", "forward", "output error", "hidden error", "weight gradient",
    /// "bias gradient", "batch engine", or "pass".
    public var expected: String
    /// What the student did wrong, as a teacher would say it (for ok- ones: what is unusual).
    public var mistake: String
    public var submission: StudentSubmission

    public init(name: String, expected: String, mistake: String, submission: StudentSubmission) {
        self.name = name
        self.expected = expected
        self.mistake = mistake
        self.submission = submission
    }
}

// MARK: - The signatures of the steps

typealias OneExampleStep = @Sendable (Network<Double>, [Double], [Double]) throws -> Gradients<Double>
typealias ForwardStep = @Sendable (Matrix<Double>, Matrix<Double>, [Double]) throws -> Matrix<Double>
typealias OutputErrorStep = @Sendable (Matrix<Double>, Matrix<Double>) throws -> Matrix<Double>
typealias HiddenErrorStep = @Sendable (Matrix<Double>, Matrix<Double>, Matrix<Double>, Activation) throws -> Matrix<Double>
typealias WeightGradientStep = @Sendable (Matrix<Double>, Matrix<Double>) throws -> Matrix<Double>
typealias BiasGradientStep = @Sendable (Matrix<Double>) throws -> [Double]
typealias StudentEngineFactory = @Sendable (MatrixFormSteps) -> AnyBackpropEngine<Double>

/// A whole submission: the correct steps, with the ones given replaced.
func classSubmission(
    oneExample: @escaping OneExampleStep = Good.oneExample,
    forward: @escaping ForwardStep = Good.forward,
    outputError: @escaping OutputErrorStep = Good.outputError,
    hiddenError: @escaping HiddenErrorStep = Good.hiddenError,
    weightGradient: @escaping WeightGradientStep = Good.weightGradient,
    biasGradient: @escaping BiasGradientStep = Good.biasGradient,
    engine: @escaping StudentEngineFactory = { AnyBackpropEngine(GoodEngine(steps: $0)) }
) -> StudentSubmission {
    StudentSubmission(
        oneExample: oneExample,
        steps: MatrixFormSteps(forward: forward, outputError: outputError, hiddenError: hiddenError,
                               weightGradient: weightGradient, biasGradient: biasGradient),
        batchEngine: engine)
}

// MARK: - A correct submission, written from the exercise pages

enum Good {
    /// Exercise 3.
    static func oneExample(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a: [[Double]] = [x]
        var z: [[Double]] = [[]]
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var zl = [Double](repeating: 0, count: h[l])
            for j in 0..<h[l] {
                var s = 0.0
                for i in 0..<h[l - 1] { s += W[i, j] * a[l - 1][i] }
                zl[j] = s + b[j]
            }
            z.append(zl)
            a.append(l < L ? zl.map { network.hidden.value($0) } : network.output.activation(zl))
        }
        let loss = network.output.loss(logits: z[L], activation: a[L], target: y)
        var delta = (0..<h[L]).map { a[L][$0] - y[$0] }
        var layers: [LayerParameters<Double>] = []
        for l in stride(from: L, through: 1, by: -1) {
            var dW = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for i in 0..<h[l - 1] { for j in 0..<h[l] { dW[i, j] = a[l - 1][i] * delta[j] } }
            layers.insert(LayerParameters(weights: dW, biases: delta), at: 0)
            if l > 1 {
                let W = network.layers[l - 1].weights
                var below = [Double](repeating: 0, count: h[l - 1])
                for j in 0..<h[l - 1] {
                    var s = 0.0
                    for k in 0..<h[l] { s += W[j, k] * delta[k] }
                    below[j] = s * network.hidden.derivative(fromActivation: a[l - 1][j])
                }
                delta = below
            }
        }
        return Gradients(loss: loss, layers: layers)
    }

    /// Exercise 4: Z = A W + b.
    static func forward(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var s = 0.0
                for k in 0..<A.columns { s += A[i, k] * W[k, j] }
                Z[i, j] = s + b[j]
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

    /// Exercise 5: Δˡ = (Δˡ⁺¹ (Wˡ⁺¹)ᵀ) ∘ σ′.
    static func hiddenError(_ above: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                            _ hidden: Activation) throws -> Matrix<Double> {
        var D = Matrix<Double>(rows: above.rows, columns: W.rows)
        for i in 0..<above.rows {
            for j in 0..<W.rows {
                var s = 0.0
                for k in 0..<W.columns { s += above[i, k] * W[j, k] }
                D[i, j] = s * hidden.derivative(fromActivation: A[i, j])
            }
        }
        return D
    }

    /// Exercise 6: ∂W = (1/m) Aᵀ Δ.
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

    /// Exercise 6: ∂b = (1/m) Σᵢ Δ[i, :].
    static func biasGradient(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += D[i, j] } }
        return sums.map { $0 / Double(D.rows) }
    }
}

/// Exercise 7, correct.
struct GoodEngine: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        var A: [Matrix<Double>] = [X]
        var ZL = X
        for l in 1...L {
            let p = network.layers[l - 1]
            let Z = try steps.forward(A[l - 1], p.weights, p.biases)
            if l < L {
                A.append(Z.map { network.hidden.value($0) })
            } else {
                A.append(Z.mapRows { network.output.activation($0) })
                ZL = Z
            }
        }
        var total = 0.0
        for i in 0..<m { total += network.output.loss(logits: ZL.row(i), activation: A[L].row(i), target: Y.row(i)) }
        var result = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        var delta = try steps.outputError(A[L], Y)
        var l = L
        while l >= 1 {
            let dW = try steps.weightGradient(A[l - 1], delta)
            let db = try steps.biasGradient(delta)
            result[l - 1] = LayerParameters(weights: dW, biases: db)
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
            l -= 1
        }
        gradients = Gradients(loss: total / Double(m), layers: result)
    }
}

// MARK: - Exercise 3: one example, wrong

enum OneExampleSlips {
    /// Debug prints left in, and the bias forgotten in zˡ.
    static func printsAndSkipsBias(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a: [[Double]] = [x]
        var z: [[Double]] = [[]]
        for l in 1...L {
            let W = network.layers[l - 1].weights
            var zl = [Double](repeating: 0, count: h[l])
            for j in 0..<h[l] {
                var s = 0.0
                for i in 0..<h[l - 1] { s += W[i, j] * a[l - 1][i] }
                zl[j] = s
            }
            print("layer \(l): z = \(zl)")
            z.append(zl)
            a.append(l < L ? zl.map { network.hidden.value($0) } : network.output.activation(zl))
            print("layer \(l): a = \(a[l])")
        }
        let loss = network.output.loss(logits: z[L], activation: a[L], target: y)
        print("loss = \(loss)")
        var delta = (0..<h[L]).map { a[L][$0] - y[$0] }
        var layers: [LayerParameters<Double>] = []
        for l in stride(from: L, through: 1, by: -1) {
            var dW = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for i in 0..<h[l - 1] { for j in 0..<h[l] { dW[i, j] = a[l - 1][i] * delta[j] } }
            layers.insert(LayerParameters(weights: dW, biases: delta), at: 0)
            if l > 1 {
                let W = network.layers[l - 1].weights
                var below = [Double](repeating: 0, count: h[l - 1])
                for j in 0..<h[l - 1] {
                    var s = 0.0
                    for k in 0..<h[l] { s += W[j, k] * delta[k] }
                    below[j] = s * network.hidden.derivative(fromActivation: a[l - 1][j])
                }
                delta = below
            }
        }
        return Gradients(loss: loss, layers: layers)
    }

    /// A debugging stop left in: prints the first example's gradients and exits with status 0.
    static func exitZeroAfterDebug(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let g = try Good.oneExample(network, x, y)
        let debugging = true
        if debugging {
            print("DEBUG first example: loss \(g.loss), db1 \(g.layers[0].biases)")
            exit(0)
        }
        return g
    }

    /// σ′ computed from zˡ, not from aˡ.
    static func sigmaPrimeFromZ(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a: [[Double]] = [x]
        var z: [[Double]] = [[]]
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var zl = [Double](repeating: 0, count: h[l])
            for j in 0..<h[l] {
                var s = 0.0
                for i in 0..<h[l - 1] { s += W[i, j] * a[l - 1][i] }
                zl[j] = s + b[j]
            }
            z.append(zl)
            a.append(l < L ? zl.map { network.hidden.value($0) } : network.output.activation(zl))
        }
        let loss = network.output.loss(logits: z[L], activation: a[L], target: y)
        var delta = (0..<h[L]).map { a[L][$0] - y[$0] }
        var layers: [LayerParameters<Double>] = []
        for l in stride(from: L, through: 1, by: -1) {
            var dW = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for i in 0..<h[l - 1] { for j in 0..<h[l] { dW[i, j] = a[l - 1][i] * delta[j] } }
            layers.insert(LayerParameters(weights: dW, biases: delta), at: 0)
            if l > 1 {
                let W = network.layers[l - 1].weights
                var below = [Double](repeating: 0, count: h[l - 1])
                for j in 0..<h[l - 1] {
                    var s = 0.0
                    for k in 0..<h[l] { s += W[j, k] * delta[k] }
                    below[j] = s * network.hidden.derivative(fromActivation: z[l - 1][j])   // slip: z, not a
                }
                delta = below
            }
        }
        return Gradients(loss: loss, layers: layers)
    }

    /// The hidden σ applied at the output layer too (right only when the output is a sigmoid and σ is one).
    static func hiddenSigmaAtOutput(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a: [[Double]] = [x]
        var z: [[Double]] = [[]]
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var zl = [Double](repeating: 0, count: h[l])
            for j in 0..<h[l] {
                var s = 0.0
                for i in 0..<h[l - 1] { s += W[i, j] * a[l - 1][i] }
                zl[j] = s + b[j]
            }
            z.append(zl)
            a.append(zl.map { network.hidden.value($0) })   // slip: every layer, the output too
        }
        let loss = network.output.loss(logits: z[L], activation: a[L], target: y)
        var delta = (0..<h[L]).map { a[L][$0] - y[$0] }
        var layers: [LayerParameters<Double>] = []
        for l in stride(from: L, through: 1, by: -1) {
            var dW = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for i in 0..<h[l - 1] { for j in 0..<h[l] { dW[i, j] = a[l - 1][i] * delta[j] } }
            layers.insert(LayerParameters(weights: dW, biases: delta), at: 0)
            if l > 1 {
                let W = network.layers[l - 1].weights
                var below = [Double](repeating: 0, count: h[l - 1])
                for j in 0..<h[l - 1] {
                    var s = 0.0
                    for k in 0..<h[l] { s += W[j, k] * delta[k] }
                    below[j] = s * network.hidden.derivative(fromActivation: a[l - 1][j])
                }
                delta = below
            }
        }
        return Gradients(loss: loss, layers: layers)
    }

    /// "Memoised for speed": the result cached by the network's sizes, so every example gets the first one's.
    nonisolated(unsafe) static var cache: [[Int]: Gradients<Double>] = [:]
    static func cachedByShape(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        if let known = cache[network.sizes] { return known }
        let g = try Good.oneExample(network, x, y)
        cache[network.sizes] = g
        return g
    }

    /// δˡ propagated with Wˡ (the layer's own weights, the layer below the δ) instead of Wˡ⁺¹.
    static func deltaWithWeightsBelow(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a: [[Double]] = [x]
        var z: [[Double]] = [[]]
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var zl = [Double](repeating: 0, count: h[l])
            for j in 0..<h[l] {
                var s = 0.0
                for i in 0..<h[l - 1] { s += W[i, j] * a[l - 1][i] }
                zl[j] = s + b[j]
            }
            z.append(zl)
            a.append(l < L ? zl.map { network.hidden.value($0) } : network.output.activation(zl))
        }
        let loss = network.output.loss(logits: z[L], activation: a[L], target: y)
        var delta = (0..<h[L]).map { a[L][$0] - y[$0] }
        var layers: [LayerParameters<Double>] = []
        for l in stride(from: L, through: 1, by: -1) {
            var dW = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for i in 0..<h[l - 1] { for j in 0..<h[l] { dW[i, j] = a[l - 1][i] * delta[j] } }
            layers.insert(LayerParameters(weights: dW, biases: delta), at: 0)
            if l > 1 {
                let W = network.layers[l - 2].weights   // slip: W^(l-1), not W^l
                var below = [Double](repeating: 0, count: h[l - 1])
                for j in 0..<h[l - 1] {
                    var s = 0.0
                    for k in 0..<h[l] { s += W[j, k] * delta[k] }
                    below[j] = s * network.hidden.derivative(fromActivation: a[l - 1][j])
                }
                delta = below
            }
        }
        return Gradients(loss: loss, layers: layers)
    }

    /// The loss given aᴸ where it takes the logits zᴸ.
    static func lossFromActivation(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a: [[Double]] = [x]
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var zl = [Double](repeating: 0, count: h[l])
            for j in 0..<h[l] {
                var s = 0.0
                for i in 0..<h[l - 1] { s += W[i, j] * a[l - 1][i] }
                zl[j] = s + b[j]
            }
            a.append(l < L ? zl.map { network.hidden.value($0) } : network.output.activation(zl))
        }
        let loss = network.output.loss(logits: a[L], activation: a[L], target: y)   // slip: aᴸ as the logits
        var delta = (0..<h[L]).map { a[L][$0] - y[$0] }
        var layers: [LayerParameters<Double>] = []
        for l in stride(from: L, through: 1, by: -1) {
            var dW = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for i in 0..<h[l - 1] { for j in 0..<h[l] { dW[i, j] = a[l - 1][i] * delta[j] } }
            layers.insert(LayerParameters(weights: dW, biases: delta), at: 0)
            if l > 1 {
                let W = network.layers[l - 1].weights
                var below = [Double](repeating: 0, count: h[l - 1])
                for j in 0..<h[l - 1] {
                    var s = 0.0
                    for k in 0..<h[l] { s += W[j, k] * delta[k] }
                    below[j] = s * network.hidden.derivative(fromActivation: a[l - 1][j])
                }
                delta = below
            }
        }
        return Gradients(loss: loss, layers: layers)
    }

    /// Softmax written by hand as e^z / Σ e^z, without subtracting the maximum: NaN once a logit passes ~709.
    static func softmaxByHandOverflows(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a: [[Double]] = [x]
        var z: [[Double]] = [[]]
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var zl = [Double](repeating: 0, count: h[l])
            for j in 0..<h[l] {
                var s = 0.0
                for i in 0..<h[l - 1] { s += W[i, j] * a[l - 1][i] }
                zl[j] = s + b[j]
            }
            z.append(zl)
            if l < L {
                a.append(zl.map { network.hidden.value($0) })
            } else if network.output.activation == .softmax {
                let e = zl.map { Foundation.exp($0) }
                let total = e.reduce(0, +)
                a.append(e.map { $0 / total })
            } else {
                a.append(network.output.activation(zl))
            }
        }
        let loss = network.output.loss(logits: z[L], activation: a[L], target: y)
        var delta = (0..<h[L]).map { a[L][$0] - y[$0] }
        var layers: [LayerParameters<Double>] = []
        for l in stride(from: L, through: 1, by: -1) {
            var dW = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for i in 0..<h[l - 1] { for j in 0..<h[l] { dW[i, j] = a[l - 1][i] * delta[j] } }
            layers.insert(LayerParameters(weights: dW, biases: delta), at: 0)
            if l > 1 {
                let W = network.layers[l - 1].weights
                var below = [Double](repeating: 0, count: h[l - 1])
                for j in 0..<h[l - 1] {
                    var s = 0.0
                    for k in 0..<h[l] { s += W[j, k] * delta[k] }
                    below[j] = s * network.hidden.derivative(fromActivation: a[l - 1][j])
                }
                delta = below
            }
        }
        return Gradients(loss: loss, layers: layers)
    }

    /// The sum in δˡ runs over the layer's own width h_l instead of h_{l+1} (harmless while the widths are equal).
    static func hiddenSumOwnWidth(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a: [[Double]] = [x]
        var z: [[Double]] = [[]]
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var zl = [Double](repeating: 0, count: h[l])
            for j in 0..<h[l] {
                var s = 0.0
                for i in 0..<h[l - 1] { s += W[i, j] * a[l - 1][i] }
                zl[j] = s + b[j]
            }
            z.append(zl)
            a.append(l < L ? zl.map { network.hidden.value($0) } : network.output.activation(zl))
        }
        let loss = network.output.loss(logits: z[L], activation: a[L], target: y)
        var delta = (0..<h[L]).map { a[L][$0] - y[$0] }
        var layers: [LayerParameters<Double>] = []
        for l in stride(from: L, through: 1, by: -1) {
            var dW = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for i in 0..<h[l - 1] { for j in 0..<h[l] { dW[i, j] = a[l - 1][i] * delta[j] } }
            layers.insert(LayerParameters(weights: dW, biases: delta), at: 0)
            if l > 1 {
                let W = network.layers[l - 1].weights
                var below = [Double](repeating: 0, count: h[l - 1])
                for j in 0..<h[l - 1] {
                    var s = 0.0
                    for k in 0..<h[l - 1] { s += W[j, k] * delta[k] }   // slip: h[l - 1], not h[l]
                    below[j] = s * network.hidden.derivative(fromActivation: a[l - 1][j])
                }
                delta = below
            }
        }
        return Gradients(loss: loss, layers: layers)
    }
}

// MARK: - Exercise 3: one example, correct but unusual

enum OneExampleOK {
    /// A small matrix product, the textbook triple loop.
    static func matmul(_ P: Matrix<Double>, _ Q: Matrix<Double>) -> Matrix<Double> {
        var R = Matrix<Double>(rows: P.rows, columns: Q.columns)
        for i in 0..<P.rows {
            for j in 0..<Q.columns {
                var s = 0.0
                for k in 0..<P.columns { s += P[i, k] * Q[k, j] }
                R[i, j] = s
            }
        }
        return R
    }

    /// Column vectors as [h, 1] matrices and the transposes built explicitly with `.transposed`.
    static func explicitTranspose(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount
        var a = [Matrix<Double>(rows: x.count, columns: 1, elements: x)]
        var zL: [Double] = []
        for l in 1...L {
            let p = network.layers[l - 1]
            let Wz = matmul(p.weights.transposed, a[l - 1])   // (Wˡ)ᵀ aˡ⁻¹, [h_l, 1]
            let zl = zip(Wz.elements, p.biases).map { $0 + $1 }
            if l < L {
                a.append(Matrix(rows: zl.count, columns: 1, elements: zl.map { network.hidden.value($0) }))
            } else {
                zL = zl
                a.append(Matrix(rows: zl.count, columns: 1, elements: network.output.activation(zl)))
            }
        }
        let loss = network.output.loss(logits: zL, activation: a[L].elements, target: y)
        var delta = Matrix(rows: y.count, columns: 1, elements: zip(a[L].elements, y).map { $0 - $1 })
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            let dW = matmul(a[l - 1], delta.transposed)   // aˡ⁻¹ (δˡ)ᵀ
            layers[l - 1] = LayerParameters(weights: dW, biases: delta.elements)
            if l > 1 {
                let back = matmul(network.layers[l - 1].weights, delta)   // Wˡ δˡ
                let sp = a[l - 1].elements.map { network.hidden.derivative(fromActivation: $0) }
                delta = Matrix(rows: back.rows, columns: 1, elements: zip(back.elements, sp).map { $0 * $1 })
            }
        }
        return Gradients(loss: loss, layers: layers)
    }

    /// Functional style: map, zip and reduce, no mutable index loops.
    static func functional(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount
        let (activations, logits) = (1...L).reduce(into: ([x], [[Double]]())) { state, l in
            let p = network.layers[l - 1]
            let input = state.0[l - 1]
            let zl = (0..<p.weights.columns).map { j in
                input.indices.reduce(0.0) { $0 + p.weights[$1, j] * input[$1] } + p.biases[j]
            }
            state.1.append(zl)
            state.0.append(l < L ? zl.map(network.hidden.value) : network.output.activation(zl))
        }
        let loss = network.output.loss(logits: logits[L - 1], activation: activations[L], target: y)
        var deltas: [[Double]] = Array(repeating: [], count: L + 1)
        deltas[L] = zip(activations[L], y).map(-)
        for l in stride(from: L - 1, through: 1, by: -1) {
            let W = network.layers[l].weights
            deltas[l] = activations[l].indices.map { j in
                deltas[l + 1].indices.reduce(0.0) { $0 + W[j, $1] * deltas[l + 1][$1] }
                    * network.hidden.derivative(fromActivation: activations[l][j])
            }
        }
        let layers = (1...L).map { l in
            LayerParameters(weights: Matrix(activations[l - 1].map { ai in deltas[l].map { ai * $0 } }), biases: deltas[l])
        }
        return Gradients(loss: loss, layers: layers)
    }
}

// MARK: - Exercise 4: forward, wrong

enum ForwardSlips {
    /// b[j] added inside the sum over k: h_{l−1} copies of the bias.
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

    /// The sum over k bounded by W.columns (h_l) instead of W.rows / A.columns (h_{l−1}).
    static func sumBoundColumns(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var s = 0.0
                for k in 0..<W.columns { s += A[i, k] * W[k, j] }
                Z[i, j] = s + b[j]
            }
        }
        return Z
    }

    /// Cached by the shapes of its inputs: the second layer of the same shape gets the first one's Z.
    nonisolated(unsafe) static var cache: [String: Matrix<Double>] = [:]
    static func cachedByShape(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        let key = "\(A.shapeDescription) x \(W.shapeDescription)"
        if let Z = cache[key] { return Z }
        let Z = try Good.forward(A, W, b)
        cache[key] = Z
        return Z
    }

    /// Right Z, but then "frees" Aˡ⁻¹ by zeroing it in place through an unsafe pointer: the caller's matrix changes.
    static func zeroesInputInPlace(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        let Z = try Good.forward(A, W, b)
        A.elements.withUnsafeBufferPointer { p in
            let q = UnsafeMutablePointer(mutating: p.baseAddress!)
            for index in 0..<p.count { q[index] = 0 }   // "done with Aˡ⁻¹"
        }
        return Z
    }

    /// A little random noise "to break the symmetry".
    static func randomNoise(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var s = 0.0
                for k in 0..<A.columns { s += A[i, k] * W[k, j] }
                Z[i, j] = s + b[j] + Double.random(in: -1e-6...1e-6)
            }
        }
        return Z
    }

    /// Returns σ(Zˡ) (a hand-written sigmoid) instead of Zˡ: the activation belongs to the engine.
    static func appliesSigmoid(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var s = 0.0
                for k in 0..<A.columns { s += A[i, k] * W[k, j] }
                Z[i, j] = 1 / (1 + Foundation.exp(-(s + b[j])))
            }
        }
        return Z
    }
}

// MARK: - Exercise 4: forward, correct but unusual

enum ForwardOK {
    /// Loop order i, k, j, Z started from the bias and accumulated in place.
    static func ikjOrder(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows { for j in 0..<W.columns { Z[i, j] = b[j] } }
        for i in 0..<A.rows {
            for k in 0..<A.columns {
                let aik = A[i, k]
                for j in 0..<W.columns { Z[i, j] += aik * W[k, j] }
            }
        }
        return Z
    }

    /// Correct, with debugging prints left in.
    static func printsShapes(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        print("forward: A \(A.shapeDescription) W \(W.shapeDescription) b \(b.count)")
        let Z = try Good.forward(A, W, b)
        print("forward: Z = \(Z)")
        return Z
    }

    /// Fused multiply-adds (`addProduct`).
    static func fused(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var s = 0.0
                for k in 0..<A.columns { s.addProduct(A[i, k], W[k, j]) }
                Z[i, j] = s + b[j]
            }
        }
        return Z
    }
}

// MARK: - Exercise 4: output error, wrong

enum OutputErrorSlips {
    /// A debugging stop left in: prints Δᴸ and exits with status 1.
    static func printsThenExitsOne(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        let D = try Good.outputError(A, Y)
        print("DELTA L = \(D)")
        exit(1)
    }

    /// Divides by m here ("Δ is the derivative of the mean loss"), so the gradients get 1/m twice.
    static func dividesByM(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var D = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows { for j in 0..<A.columns { D[i, j] = (A[i, j] - Y[i, j]) / Double(A.rows) } }
        return D
    }

    /// The loops' bounds swapped (i over the columns, j over the rows): fine while Aᴸ is square.
    static func loopBoundsSwapped(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var D = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.columns { for j in 0..<A.rows { D[i, j] = A[i, j] - Y[i, j] } }
        return D
    }

    /// Insists that every output row is a probability distribution: a sigmoid output is not, so it stops the program.
    static func fatalErrorNotProbability(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        for i in 0..<A.rows {
            let total = A.row(i).reduce(0, +)
            if abs(total - 1) > 1e-9 { fatalError("row \(i) of the output does not sum to 1: \(total)") }
        }
        return try Good.outputError(A, Y)
    }

    /// "Work on the tall orientation": transposes and calls itself while rows ≤ columns: forever on a square Aᴸ.
    static func recursesForever(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        if A.rows <= A.columns {
            return try recursesForever(A.transposed, Y.transposed).transposed
        }
        return try Good.outputError(A, Y)
    }

    /// |Aᴸ − Y|: the error taken as a distance.
    static func absoluteValue(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var D = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows { for j in 0..<A.columns { D[i, j] = abs(A[i, j] - Y[i, j]) } }
        return D
    }
}

enum OutputErrorOK {
    /// One zip over the row-major elements.
    static func zipElements(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        Matrix(rows: A.rows, columns: A.columns, elements: zip(A.elements, Y.elements).map { $0 - $1 })
    }
}

// MARK: - Exercise 5: hidden error, wrong

enum HiddenErrorSlips {
    /// A while loop whose k never advances.
    static func endlessWhile(_ above: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                             _ hidden: Activation) throws -> Matrix<Double> {
        var D = Matrix<Double>(rows: above.rows, columns: W.rows)
        for i in 0..<above.rows {
            for j in 0..<W.rows {
                var s = 0.0
                var k = 0
                while k < W.columns {
                    s += above[i, k] * W[j, k]
                }
                D[i, j] = s * hidden.derivative(fromActivation: A[i, j])
            }
        }
        return D
    }

    /// The sum over k bounded by W.rows (h_l) instead of W.columns (h_{l+1}).
    static func sumBoundRows(_ above: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                             _ hidden: Activation) throws -> Matrix<Double> {
        var D = Matrix<Double>(rows: above.rows, columns: W.rows)
        for i in 0..<above.rows {
            for j in 0..<W.rows {
                var s = 0.0
                for k in 0..<W.rows { s += above[i, k] * W[j, k] }
                D[i, j] = s * hidden.derivative(fromActivation: A[i, j])
            }
        }
        return D
    }

    /// σ′ read from A[j, i] (transposed index) instead of A[i, j].
    static func sigmaPrimeTransposedIndex(_ above: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                          _ hidden: Activation) throws -> Matrix<Double> {
        var D = Matrix<Double>(rows: above.rows, columns: W.rows)
        for i in 0..<above.rows {
            for j in 0..<W.rows {
                var s = 0.0
                for k in 0..<W.columns { s += above[i, k] * W[j, k] }
                D[i, j] = s * hidden.derivative(fromActivation: A[j, i])
            }
        }
        return D
    }

    /// A file-scope scratch matrix reused between calls and never zeroed: sums carry over from the last call.
    nonisolated(unsafe) static var scratch = Matrix<Double>(rows: 0, columns: 0)
    static func globalScratchNotZeroed(_ above: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                       _ hidden: Activation) throws -> Matrix<Double> {
        if scratch.rows != above.rows || scratch.columns != W.rows {
            scratch = Matrix(rows: above.rows, columns: W.rows)
        }
        var D = Matrix<Double>(rows: above.rows, columns: W.rows)
        for i in 0..<above.rows {
            for j in 0..<W.rows {
                for k in 0..<W.columns { scratch[i, j] += above[i, k] * W[j, k] }
                D[i, j] = scratch[i, j] * hidden.derivative(fromActivation: A[i, j])
            }
        }
        return D
    }

    /// Dropout added (a random mask, keep probability 0.9) inside the gradient step.
    static func randomDropout(_ above: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                              _ hidden: Activation) throws -> Matrix<Double> {
        var D = try Good.hiddenError(above, W, A, hidden)
        for i in 0..<D.rows {
            for j in 0..<D.columns where Double.random(in: 0..<1) < 0.1 { D[i, j] = 0 }
        }
        return D
    }

    /// Turns Aˡ into σ′(Aˡ) in place through an unsafe pointer "to save a matrix": the caller's Aˡ is overwritten.
    static func sigmaPrimeInPlace(_ above: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                  _ hidden: Activation) throws -> Matrix<Double> {
        A.elements.withUnsafeBufferPointer { p in
            let q = UnsafeMutablePointer(mutating: p.baseAddress!)
            for index in 0..<p.count { q[index] = hidden.derivative(fromActivation: q[index]) }
        }
        var D = Matrix<Double>(rows: above.rows, columns: W.rows)
        for i in 0..<above.rows {
            for j in 0..<W.rows {
                var s = 0.0
                for k in 0..<W.columns { s += above[i, k] * W[j, k] }
                D[i, j] = s * A[i, j]   // A now holds σ′
            }
        }
        return D
    }

    /// σ′ written out by hand, with ReLU′ = 1 for a ≥ 0: every ReLU unit, active or not, passes its error.
    static func reluDerivativeAtZero(_ above: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                     _ hidden: Activation) throws -> Matrix<Double> {
        func sigmaPrime(_ a: Double) -> Double {
            switch hidden {
            case .sigmoid: a * (1 - a)
            case .tanh: 1 - a * a
            case .relu: a >= 0 ? 1 : 0
            case .identity: 1
            }
        }
        var D = Matrix<Double>(rows: above.rows, columns: W.rows)
        for i in 0..<above.rows {
            for j in 0..<W.rows {
                var s = 0.0
                for k in 0..<W.columns { s += above[i, k] * W[j, k] }
                D[i, j] = s * sigmaPrime(A[i, j])
            }
        }
        return D
    }
}

enum HiddenErrorOK {
    /// σ′ multiplied into every term of the sum (the same number, rounded differently).
    static func sigmaPrimeInsideSum(_ above: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                    _ hidden: Activation) throws -> Matrix<Double> {
        var D = Matrix<Double>(rows: above.rows, columns: W.rows)
        for i in 0..<above.rows {
            for j in 0..<W.rows {
                let sp = hidden.derivative(fromActivation: A[i, j])
                var s = 0.0
                for k in 0..<W.columns { s += above[i, k] * W[j, k] * sp }
                D[i, j] = s
            }
        }
        return D
    }

    /// (Wˡ⁺¹)ᵀ built explicitly, then an ordinary product Δˡ⁺¹ · Wᵀ.
    static func explicitTranspose(_ above: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                  _ hidden: Activation) throws -> Matrix<Double> {
        let Wt = W.transposed
        let product = OneExampleOK.matmul(above, Wt)
        var D = product
        for i in 0..<D.rows { for j in 0..<D.columns { D[i, j] *= hidden.derivative(fromActivation: A[i, j]) } }
        return D
    }
}

// MARK: - Exercise 6: weight gradient, wrong

enum WeightGradientSlips {
    /// `=` where `+=` belongs: only the last example counts.
    static func assignNotAdd(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
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

    /// Divided by m − 1 (the sample-variance habit).
    static func mMinusOne(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
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

    /// The sum kept in a Float.
    static func floatAccumulator(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var s: Float = 0
                for i in 0..<m { s += Float(A[i, k] * D[i, j]) }
                G[k, j] = Double(s) / Double(m)
            }
        }
        return G
    }

    /// The result allocated [h_l, h_{l−1}] (shape transposed) though indexed [k, j]: invisible while square.
    static func resultShapeSwapped(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        var G = Matrix<Double>(rows: D.columns, columns: A.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var s = 0.0
                for i in 0..<m { s += A[i, k] * D[i, j] }
                G[k, j] = s / Double(m)
            }
        }
        return G
    }

    /// The product of the sums, (Σᵢ A[i, k]) (Σᵢ Δ[i, j]) / m, instead of the sum of the products.
    static func productOfSums(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var sa = 0.0, sd = 0.0
                for i in 0..<m { sa += A[i, k]; sd += D[i, j] }
                G[k, j] = sa * sd / Double(m)
            }
        }
        return G
    }

    /// The example loop written 0...m: one example too many.
    static func closedRange(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var s = 0.0
                for i in 0...m { s += A[i, k] * D[i, j] }
                G[k, j] = s / Double(m)
            }
        }
        return G
    }
}

enum WeightGradientOK {
    /// The examples summed from the last to the first.
    static func examplesReversed(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var s = 0.0
                for i in (0..<m).reversed() { s += A[i, k] * D[i, j] }
                G[k, j] = s / Double(m)
            }
        }
        return G
    }

    /// Each term divided by m before it is added (the mean of the per-example products).
    static func divideEachTerm(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = Double(A.rows)
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for i in 0..<A.rows {
            for k in 0..<A.columns {
                for j in 0..<D.columns { G[k, j] += A[i, k] * D[i, j] / m }
            }
        }
        return G
    }
}

// MARK: - Exercise 6: bias gradient, wrong

enum BiasGradientSlips {
    /// Summed along each example's row (over the units) instead of down the columns.
    static func sumOverUnits(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[i] += D[i, j] } }
        return sums.map { $0 / Double(D.rows) }
    }

    /// Divided by the number of units (D.columns) instead of m (D.rows): the same while Δ is square.
    static func dividesByColumns(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += D[i, j] } }
        return sums.map { $0 / Double(D.columns) }
    }

    /// ∂b = δ, as in exercise 3: the first example's row only.
    static func firstRowOnly(_ D: Matrix<Double>) throws -> [Double] {
        D.row(0)
    }

    /// `Double(1 / m)`: integer division, 0 for any m above 1.
    static func integerDivision(_ D: Matrix<Double>) throws -> [Double] {
        let m = D.rows
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0..<m { for j in 0..<D.columns { sums[j] += D[i, j] } }
        return sums.map { $0 * Double(1 / m) }
    }

    /// `reduce(1, +)`: the sum started from 1.
    static func reduceFromOne(_ D: Matrix<Double>) throws -> [Double] {
        (0..<D.columns).map { j in (0..<D.rows).reduce(1.0) { $0 + D[$1, j] } / Double(D.rows) }
    }

    /// Refuses a batch of one example with a fatalError.
    static func fatalErrorOnOneExample(_ D: Matrix<Double>) throws -> [Double] {
        guard D.rows > 1 else { fatalError("a batch needs at least two examples") }
        return try Good.biasGradient(D)
    }
}

enum BiasGradientOK {
    /// reduce down each column.
    static func reduceColumns(_ D: Matrix<Double>) throws -> [Double] {
        (0..<D.columns).map { j in (0..<D.rows).reduce(0.0) { $0 + D[$1, j] } / Double(D.rows) }
    }

    /// Kahan (compensated) summation down each column.
    static func kahan(_ D: Matrix<Double>) throws -> [Double] {
        (0..<D.columns).map { j in
            var sum = 0.0, carry = 0.0
            for i in 0..<D.rows {
                let y = D[i, j] - carry
                let t = sum + y
                carry = (t - sum) - y
                sum = t
            }
            return sum / Double(D.rows)
        }
    }
}

// MARK: - Exercise 7: batch engines, wrong

/// The gradients built from the top down and returned in that order.
struct EngineLayersReversed: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        var A: [Matrix<Double>] = [X]
        var ZL = X
        for l in 1...L {
            let p = network.layers[l - 1]
            let Z = try steps.forward(A[l - 1], p.weights, p.biases)
            if l < L { A.append(Z.map { network.hidden.value($0) }) } else {
                A.append(Z.mapRows { network.output.activation($0) }); ZL = Z
            }
        }
        var total = 0.0
        for i in 0..<m { total += network.output.loss(logits: ZL.row(i), activation: A[L].row(i), target: Y.row(i)) }
        var result: [LayerParameters<Double>] = []
        var delta = try steps.outputError(A[L], Y)
        for l in stride(from: L, through: 1, by: -1) {
            result.append(LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                          biases: try steps.biasGradient(delta)))
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
        }
        gradients = Gradients(loss: total / Double(m), layers: result)
    }
}

/// ∂bˡ computed after Δ has already been moved down to Δˡ⁻¹ (∂Wˡ is computed before, and is right).
struct EngineBiasAfterDeltaUpdate: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        var A: [Matrix<Double>] = [X]
        var ZL = X
        for l in 1...L {
            let p = network.layers[l - 1]
            let Z = try steps.forward(A[l - 1], p.weights, p.biases)
            if l < L { A.append(Z.map { network.hidden.value($0) }) } else {
                A.append(Z.mapRows { network.output.activation($0) }); ZL = Z
            }
        }
        var total = 0.0
        for i in 0..<m { total += network.output.loss(logits: ZL.row(i), activation: A[L].row(i), target: Y.row(i)) }
        var result = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        var delta = try steps.outputError(A[L], Y)
        for l in stride(from: L, through: 1, by: -1) {
            let dW = try steps.weightGradient(A[l - 1], delta)
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
            let db = try steps.biasGradient(delta)
            result[l - 1] = LayerParameters(weights: dW, biases: db)
        }
        gradients = Gradients(loss: total / Double(m), layers: result)
    }
}

/// The hidden σ applied to the output layer as well (the output activation never used).
struct EngineHiddenSigmaAtOutput: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        var A: [Matrix<Double>] = [X]
        var ZL = X
        for l in 1...L {
            let p = network.layers[l - 1]
            let Z = try steps.forward(A[l - 1], p.weights, p.biases)
            A.append(Z.map { network.hidden.value($0) })
            ZL = Z
        }
        var total = 0.0
        for i in 0..<m { total += network.output.loss(logits: ZL.row(i), activation: A[L].row(i), target: Y.row(i)) }
        var result = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        var delta = try steps.outputError(A[L], Y)
        for l in stride(from: L, through: 1, by: -1) {
            result[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                            biases: try steps.biasGradient(delta))
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
        }
        gradients = Gradients(loss: total / Double(m), layers: result)
    }
}

/// `loss =` where `loss +=` belongs: the mean loss is the last example's ℓ divided by m.
struct EngineLossAssignNotAdd: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        var A: [Matrix<Double>] = [X]
        var ZL = X
        for l in 1...L {
            let p = network.layers[l - 1]
            let Z = try steps.forward(A[l - 1], p.weights, p.biases)
            if l < L { A.append(Z.map { network.hidden.value($0) }) } else {
                A.append(Z.mapRows { network.output.activation($0) }); ZL = Z
            }
        }
        var total = 0.0
        for i in 0..<m { total = network.output.loss(logits: ZL.row(i), activation: A[L].row(i), target: Y.row(i)) }
        var result = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        var delta = try steps.outputError(A[L], Y)
        for l in stride(from: L, through: 1, by: -1) {
            result[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                            biases: try steps.biasGradient(delta))
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
        }
        gradients = Gradients(loss: total / Double(m), layers: result)
    }
}

/// Softmax by hand without subtracting the row's maximum: NaN for logits above ~709.
struct EngineSoftmaxOverflows: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        var A: [Matrix<Double>] = [X]
        var ZL = X
        for l in 1...L {
            let p = network.layers[l - 1]
            let Z = try steps.forward(A[l - 1], p.weights, p.biases)
            if l < L { A.append(Z.map { network.hidden.value($0) }) } else {
                A.append(Z.mapRows { row in
                    guard network.output.activation == .softmax else { return network.output.activation(row) }
                    let e = row.map { Foundation.exp($0) }
                    let total = e.reduce(0, +)
                    return e.map { $0 / total }
                })
                ZL = Z
            }
        }
        var total = 0.0
        for i in 0..<m { total += network.output.loss(logits: ZL.row(i), activation: A[L].row(i), target: Y.row(i)) }
        var result = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        var delta = try steps.outputError(A[L], Y)
        for l in stride(from: L, through: 1, by: -1) {
            result[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                            biases: try steps.biasGradient(delta))
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
        }
        gradients = Gradients(loss: total / Double(m), layers: result)
    }
}

/// The cross-entropy written by hand as −Σ y ln a (softmax) and −Σ [y ln a + (1 − y) ln(1 − a)] (sigmoid):
/// ln 0 = −∞ as soon as an output saturates.
struct EngineLogLossByHand: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        var A: [Matrix<Double>] = [X]
        for l in 1...L {
            let p = network.layers[l - 1]
            let Z = try steps.forward(A[l - 1], p.weights, p.biases)
            if l < L { A.append(Z.map { network.hidden.value($0) }) } else {
                A.append(Z.mapRows { network.output.activation($0) })
            }
        }
        var total = 0.0
        for i in 0..<m {
            for j in 0..<Y.columns {
                let a = A[L][i, j], y = Y[i, j]
                switch (network.output.activation, network.output.loss) {
                case (.softmax, _): total -= y * Foundation.log(a)
                case (.sigmoid, .crossEntropy): total -= y * Foundation.log(a) + (1 - y) * Foundation.log(1 - a)
                default: total += 0.5 * (a - y) * (a - y)
                }
            }
        }
        var result = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        var delta = try steps.outputError(A[L], Y)
        for l in stride(from: L, through: 1, by: -1) {
            result[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                            biases: try steps.biasGradient(delta))
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
        }
        gradients = Gradients(loss: total / Double(m), layers: result)
    }
}

/// The forward and backward passes split into two functions that share a file-scope array of activations, which is
/// appended to and never emptied: from the second call on, the backward pass reads the first call's Aˡ.
nonisolated(unsafe) var classSharedActivations: [Matrix<Double>] = []
struct EngineGlobalActivations: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps

    func forwardPass(_ network: Network<Double>, _ X: Matrix<Double>) throws -> Matrix<Double> {
        let L = network.layerCount
        classSharedActivations.append(X)
        var current = X, ZL = X
        for l in 1...L {
            let p = network.layers[l - 1]
            let Z = try steps.forward(current, p.weights, p.biases)
            current = l < L ? Z.map { network.hidden.value($0) } : Z.mapRows { network.output.activation($0) }
            if l == L { ZL = Z }
            classSharedActivations.append(current)
        }
        return ZL
    }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        let ZL = try forwardPass(network, X)
        let A = classSharedActivations
        var total = 0.0
        for i in 0..<m { total += network.output.loss(logits: ZL.row(i), activation: A[L].row(i), target: Y.row(i)) }
        var result = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        var delta = try steps.outputError(A[L], Y)
        for l in stride(from: L, through: 1, by: -1) {
            result[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                            biases: try steps.biasGradient(delta))
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
        }
        gradients = Gradients(loss: total / Double(m), layers: result)
    }
}

/// L hard-coded to 3 (the student's test network was 4-4-4-4).
struct EngineHardCodedThreeLayers: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = 3, m = X.rows
        var A: [Matrix<Double>] = [X]
        var ZL = X
        for l in 1...L {
            let p = network.layers[l - 1]
            let Z = try steps.forward(A[l - 1], p.weights, p.biases)
            if l < L { A.append(Z.map { network.hidden.value($0) }) } else {
                A.append(Z.mapRows { network.output.activation($0) }); ZL = Z
            }
        }
        var total = 0.0
        for i in 0..<m { total += network.output.loss(logits: ZL.row(i), activation: A[L].row(i), target: Y.row(i)) }
        var result = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        var delta = try steps.outputError(A[L], Y)
        for l in stride(from: L, through: 1, by: -1) {
            result[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                            biases: try steps.biasGradient(delta))
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
        }
        gradients = Gradients(loss: total / Double(m), layers: result)
    }
}

/// The backward loop `stride(from: L, to: 1, by: -1)`: layer 1 is never computed and keeps its 1 × 1 placeholder.
struct EngineBackwardStopsEarly: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        var A: [Matrix<Double>] = [X]
        var ZL = X
        for l in 1...L {
            let p = network.layers[l - 1]
            let Z = try steps.forward(A[l - 1], p.weights, p.biases)
            if l < L { A.append(Z.map { network.hidden.value($0) }) } else {
                A.append(Z.mapRows { network.output.activation($0) }); ZL = Z
            }
        }
        var total = 0.0
        for i in 0..<m { total += network.output.loss(logits: ZL.row(i), activation: A[L].row(i), target: Y.row(i)) }
        var result = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        var delta = try steps.outputError(A[L], Y)
        for l in stride(from: L, to: 1, by: -1) {
            result[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                            biases: try steps.biasGradient(delta))
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
        }
        gradients = Gradients(loss: total / Double(m), layers: result)
    }
}

/// hiddenError handed Aˡ (the layer's own activations) instead of Aˡ⁻¹: σ′ of the wrong layer.
struct EngineHiddenErrorOwnActivation: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        var A: [Matrix<Double>] = [X]
        var ZL = X
        for l in 1...L {
            let p = network.layers[l - 1]
            let Z = try steps.forward(A[l - 1], p.weights, p.biases)
            if l < L { A.append(Z.map { network.hidden.value($0) }) } else {
                A.append(Z.mapRows { network.output.activation($0) }); ZL = Z
            }
        }
        var total = 0.0
        for i in 0..<m { total += network.output.loss(logits: ZL.row(i), activation: A[L].row(i), target: Y.row(i)) }
        var result = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        var delta = try steps.outputError(A[L], Y)
        for l in stride(from: L, through: 1, by: -1) {
            result[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                            biases: try steps.biasGradient(delta))
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l], network.hidden) }
        }
        gradients = Gradients(loss: total / Double(m), layers: result)
    }
}

/// Every layer's forward step fed X instead of Aˡ⁻¹.
struct EngineForwardFromX: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        var A: [Matrix<Double>] = [X]
        var ZL = X
        for l in 1...L {
            let p = network.layers[l - 1]
            let Z = try steps.forward(X, p.weights, p.biases)
            if l < L { A.append(Z.map { network.hidden.value($0) }) } else {
                A.append(Z.mapRows { network.output.activation($0) }); ZL = Z
            }
        }
        var total = 0.0
        for i in 0..<m { total += network.output.loss(logits: ZL.row(i), activation: A[L].row(i), target: Y.row(i)) }
        var result = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        var delta = try steps.outputError(A[L], Y)
        for l in stride(from: L, through: 1, by: -1) {
            result[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                            biases: try steps.biasGradient(delta))
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
        }
        gradients = Gradients(loss: total / Double(m), layers: result)
    }
}

// MARK: - Exercise 7: batch engines, correct but unusual

/// Softmax computed by hand, the stable way (the row's maximum subtracted first).
struct EngineStableSoftmaxByHand: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        var A: [Matrix<Double>] = [X]
        var ZL = X
        for l in 1...L {
            let p = network.layers[l - 1]
            let Z = try steps.forward(A[l - 1], p.weights, p.biases)
            if l < L { A.append(Z.map { network.hidden.value($0) }) } else {
                A.append(Z.mapRows { row in
                    guard network.output.activation == .softmax else { return network.output.activation(row) }
                    let top = row.max()!
                    let e = row.map { Foundation.exp($0 - top) }
                    let total = e.reduce(0, +)
                    return e.map { $0 / total }
                })
                ZL = Z
            }
        }
        var total = 0.0
        for i in 0..<m { total += network.output.loss(logits: ZL.row(i), activation: A[L].row(i), target: Y.row(i)) }
        var result = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        var delta = try steps.outputError(A[L], Y)
        for l in stride(from: L, through: 1, by: -1) {
            result[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                            biases: try steps.biasGradient(delta))
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
        }
        gradients = Gradients(loss: total / Double(m), layers: result)
    }
}

/// The backward pass written as a recursive function over l.
struct EngineRecursiveBackward: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps

    func backward(_ l: Int, _ delta: Matrix<Double>, _ A: [Matrix<Double>], _ network: Network<Double>,
                  _ result: inout [LayerParameters<Double>]) throws {
        result[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                        biases: try steps.biasGradient(delta))
        guard l > 1 else { return }
        let below = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden)
        try backward(l - 1, below, A, network, &result)
    }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        var A: [Matrix<Double>] = [X]
        var ZL = X
        for l in 1...L {
            let p = network.layers[l - 1]
            let Z = try steps.forward(A[l - 1], p.weights, p.biases)
            if l < L { A.append(Z.map { network.hidden.value($0) }) } else {
                A.append(Z.mapRows { network.output.activation($0) }); ZL = Z
            }
        }
        let losses = (0..<m).map { network.output.loss(logits: ZL.row($0), activation: A[L].row($0), target: Y.row($0)) }
        var result = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        try backward(L, try steps.outputError(A[L], Y), A, network, &result)
        gradients = Gradients(loss: losses.reduce(0, +) / Double(m), layers: result)
    }
}

/// `gradients.prepare(for:)`, then each layer and the loss written into the caller's storage one by one.
struct EngineIntoPreparedStorage: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        gradients.prepare(for: network)
        let L = network.layerCount, m = X.rows
        var A: [Matrix<Double>] = [X]
        var ZL = X
        for l in 1...L {
            let p = network.layers[l - 1]
            let Z = try steps.forward(A[l - 1], p.weights, p.biases)
            if l < L { A.append(Z.map { network.hidden.value($0) }) } else {
                A.append(Z.mapRows { network.output.activation($0) }); ZL = Z
            }
        }
        var total = 0.0
        for i in 0..<m { total += network.output.loss(logits: ZL.row(i), activation: A[L].row(i), target: Y.row(i)) }
        gradients.loss = total * (1 / Double(m))
        var delta = try steps.outputError(A[L], Y)
        for l in stride(from: L, through: 1, by: -1) {
            gradients.layers[l - 1].weights = try steps.weightGradient(A[l - 1], delta)
            gradients.layers[l - 1].biases = try steps.biasGradient(delta)
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
        }
    }
}

// MARK: - The class

public enum ClassCatalogue {
    public static let all: [ClassSubmission] = [
        // Exercise 3: one example
        ClassSubmission(
            name: "oneex-prints-and-skips-bias", expected: "one example",
            mistake: "zˡ is computed without + bˡ, and debug prints of z, a and the loss were left in.",
            submission: classSubmission(oneExample: OneExampleSlips.printsAndSkipsBias)),
        ClassSubmission(
            name: "oneex-exit-zero-after-debug", expected: "one example",
            mistake: "A debugging block left switched on prints the first example's gradients and calls exit(0).",
            submission: classSubmission(oneExample: OneExampleSlips.exitZeroAfterDebug)),
        ClassSubmission(
            name: "oneex-sigma-prime-from-z", expected: "one example",
            mistake: "σ′ is computed by derivative(fromActivation:) from zˡ instead of from aˡ = σ(zˡ).",
            submission: classSubmission(oneExample: OneExampleSlips.sigmaPrimeFromZ)),
        ClassSubmission(
            name: "oneex-hidden-sigma-at-output", expected: "one example",
            mistake: "The hidden σ is applied at the output layer too, instead of the output activation (softmax).",
            submission: classSubmission(oneExample: OneExampleSlips.hiddenSigmaAtOutput)),
        ClassSubmission(
            name: "oneex-cached-by-shape", expected: "one example",
            mistake: "The result is memoised by network.sizes, so every example after the first gets the first example's gradients.",
            submission: classSubmission(oneExample: OneExampleSlips.cachedByShape)),
        ClassSubmission(
            name: "oneex-delta-with-weights-below", expected: "one example",
            mistake: "δˡ⁻¹ is propagated with Wˡ⁻¹ (network.layers[l - 2]) instead of Wˡ, the weights above it.",
            submission: classSubmission(oneExample: OneExampleSlips.deltaWithWeightsBelow)),
        ClassSubmission(
            name: "oneex-loss-from-activation", expected: "one example",
            mistake: "The loss is called with aᴸ as the logits argument instead of zᴸ.",
            submission: classSubmission(oneExample: OneExampleSlips.lossFromActivation)),
        ClassSubmission(
            name: "oneex-softmax-by-hand-overflows", expected: "one example",
            mistake: "Softmax is written by hand as e^z / Σ e^z without subtracting the maximum: NaN for a logit above ~709 (latent on small logits).",
            submission: classSubmission(oneExample: OneExampleSlips.softmaxByHandOverflows)),
        ClassSubmission(
            name: "oneex-hidden-sum-own-width", expected: "one example",
            mistake: "The sum over k in δˡ runs to h_l (the layer's own width) instead of h_{l+1}: invisible while the widths are equal.",
            submission: classSubmission(oneExample: OneExampleSlips.hiddenSumOwnWidth)),

        // Exercise 4: forward
        ClassSubmission(
            name: "forward-bias-inside-sum", expected: "forward",
            mistake: "b[j] is added inside the sum over k, so the bias is counted h_{l−1} times.",
            submission: classSubmission(forward: ForwardSlips.biasInsideSum)),
        ClassSubmission(
            name: "forward-sum-bound-columns", expected: "forward",
            mistake: "The sum over k runs to weights.columns (h_l) instead of weights.rows (h_{l−1}).",
            submission: classSubmission(forward: ForwardSlips.sumBoundColumns)),
        ClassSubmission(
            name: "forward-cached-by-shape", expected: "forward",
            mistake: "Zˡ is cached by the shapes of A and W, so a second layer of the same shape gets the first layer's Z.",
            submission: classSubmission(forward: ForwardSlips.cachedByShape)),
        ClassSubmission(
            name: "forward-zeroes-input-in-place", expected: "forward",
            mistake: "Zˡ is right, but the step then zeroes its input Aˡ⁻¹ through UnsafeMutablePointer(mutating:), destroying the caller's matrix.",
            submission: classSubmission(forward: ForwardSlips.zeroesInputInPlace)),
        ClassSubmission(
            name: "forward-random-noise", expected: "forward",
            mistake: "Double.random(in: -1e-6...1e-6) is added to every element \"to break the symmetry\".",
            submission: classSubmission(forward: ForwardSlips.randomNoise)),
        ClassSubmission(
            name: "forward-applies-sigmoid", expected: "forward",
            mistake: "The step returns σ(Zˡ) (a hand-written sigmoid) instead of Zˡ; the activation is the engine's job.",
            submission: classSubmission(forward: ForwardSlips.appliesSigmoid)),

        // Exercise 4: output error
        ClassSubmission(
            name: "outerr-prints-then-exits-one", expected: "output error",
            mistake: "A debugging stop left in: the step prints Δᴸ and calls exit(1).",
            submission: classSubmission(outputError: OutputErrorSlips.printsThenExitsOne)),
        ClassSubmission(
            name: "outerr-divides-by-m", expected: "output error",
            mistake: "Δᴸ is divided by m; the 1/m belongs in the gradients only, so it is applied twice.",
            submission: classSubmission(outputError: OutputErrorSlips.dividesByM)),
        ClassSubmission(
            name: "outerr-loop-bounds-swapped", expected: "output error",
            mistake: "The loop over i runs over the columns and j over the rows: fine on a square Aᴸ, out of range otherwise.",
            submission: classSubmission(outputError: OutputErrorSlips.loopBoundsSwapped)),
        ClassSubmission(
            name: "outerr-fatalerror-not-probability", expected: "output error",
            mistake: "A sanity check calls fatalError when an output row does not sum to 1, which a sigmoid output never does.",
            submission: classSubmission(outputError: OutputErrorSlips.fatalErrorNotProbability)),
        ClassSubmission(
            name: "outerr-recurses-forever", expected: "output error",
            mistake: "To \"work on the tall form\" the step transposes and calls itself while rows ≤ columns: infinite recursion on a square Aᴸ.",
            submission: classSubmission(outputError: OutputErrorSlips.recursesForever)),
        ClassSubmission(
            name: "outerr-absolute-value", expected: "output error",
            mistake: "Δᴸ is |Aᴸ − Y|: the sign of the error is thrown away.",
            submission: classSubmission(outputError: OutputErrorSlips.absoluteValue)),

        // Exercise 5: hidden error
        ClassSubmission(
            name: "hidden-endless-while", expected: "hidden error",
            mistake: "The sum over k is a while loop whose k is never incremented.",
            submission: classSubmission(hiddenError: HiddenErrorSlips.endlessWhile)),
        ClassSubmission(
            name: "hidden-sum-bound-rows", expected: "hidden error",
            mistake: "The sum over k runs to weightsAbove.rows (h_l) instead of weightsAbove.columns (h_{l+1}).",
            submission: classSubmission(hiddenError: HiddenErrorSlips.sumBoundRows)),
        ClassSubmission(
            name: "hidden-sigma-prime-transposed-index", expected: "hidden error",
            mistake: "σ′ is read from activations[j, i] instead of activations[i, j].",
            submission: classSubmission(hiddenError: HiddenErrorSlips.sigmaPrimeTransposedIndex)),
        ClassSubmission(
            name: "hidden-global-scratch-not-zeroed", expected: "hidden error",
            mistake: "The sums accumulate in a global scratch matrix that is never reset, so each call adds onto the previous call's sums.",
            submission: classSubmission(hiddenError: HiddenErrorSlips.globalScratchNotZeroed)),
        ClassSubmission(
            name: "hidden-random-dropout", expected: "hidden error",
            mistake: "A random dropout mask (Double.random) zeroes about one error in ten.",
            submission: classSubmission(hiddenError: HiddenErrorSlips.randomDropout)),
        ClassSubmission(
            name: "hidden-sigma-prime-in-place", expected: "hidden error",
            mistake: "σ′ is written into the input Aˡ in place through UnsafeMutablePointer(mutating:): the result is right once, the caller's Aˡ is destroyed.",
            submission: classSubmission(hiddenError: HiddenErrorSlips.sigmaPrimeInPlace)),
        ClassSubmission(
            name: "hidden-relu-derivative-at-zero", expected: "hidden error",
            mistake: "σ′ is written by hand with ReLU′ = 1 for a ≥ 0, so inactive units (a = 0) pass their error back.",
            submission: classSubmission(hiddenError: HiddenErrorSlips.reluDerivativeAtZero)),

        // Exercise 6: weight gradient
        ClassSubmission(
            name: "wgrad-assign-not-add", expected: "weight gradient",
            mistake: "`s = ` where `s += ` belongs in the sum over the examples: only the last example counts.",
            submission: classSubmission(weightGradient: WeightGradientSlips.assignNotAdd)),
        ClassSubmission(
            name: "wgrad-m-minus-one", expected: "weight gradient",
            mistake: "The sum is divided by m − 1 instead of m (and by 0 when m = 1).",
            submission: classSubmission(weightGradient: WeightGradientSlips.mMinusOne)),
        ClassSubmission(
            name: "wgrad-float-accumulator", expected: "weight gradient",
            mistake: "The sum over the examples is kept in a Float, losing half the digits.",
            submission: classSubmission(weightGradient: WeightGradientSlips.floatAccumulator)),
        ClassSubmission(
            name: "wgrad-result-shape-swapped", expected: "weight gradient",
            mistake: "∂W is allocated [h_l, h_{l−1}] instead of [h_{l−1}, h_l] while indexed [k, j]: invisible while square.",
            submission: classSubmission(weightGradient: WeightGradientSlips.resultShapeSwapped)),
        ClassSubmission(
            name: "wgrad-product-of-sums", expected: "weight gradient",
            mistake: "∂W[k, j] is (Σᵢ A[i, k])(Σᵢ Δ[i, j]) / m, the product of the sums, instead of the sum of the products.",
            submission: classSubmission(weightGradient: WeightGradientSlips.productOfSums)),
        ClassSubmission(
            name: "wgrad-closed-range", expected: "weight gradient",
            mistake: "The loop over the examples is written 0...m, one past the last row.",
            submission: classSubmission(weightGradient: WeightGradientSlips.closedRange)),

        // Exercise 6: bias gradient
        ClassSubmission(
            name: "bgrad-sum-over-units", expected: "bias gradient",
            mistake: "Each example's row is summed (over the units) instead of each column (over the examples).",
            submission: classSubmission(biasGradient: BiasGradientSlips.sumOverUnits)),
        ClassSubmission(
            name: "bgrad-divides-by-columns", expected: "bias gradient",
            mistake: "The column sums are divided by the number of units (delta.columns) instead of m (delta.rows).",
            submission: classSubmission(biasGradient: BiasGradientSlips.dividesByColumns)),
        ClassSubmission(
            name: "bgrad-first-row-only", expected: "bias gradient",
            mistake: "∂b = δ as in exercise 3: the first example's row of Δ, not the mean of the rows.",
            submission: classSubmission(biasGradient: BiasGradientSlips.firstRowOnly)),
        ClassSubmission(
            name: "bgrad-integer-division", expected: "bias gradient",
            mistake: "The sums are multiplied by Double(1 / m), an integer division that is 0 for any m above 1.",
            submission: classSubmission(biasGradient: BiasGradientSlips.integerDivision)),
        ClassSubmission(
            name: "bgrad-reduce-from-one", expected: "bias gradient",
            mistake: "Each column is summed with reduce(1.0, +), starting from 1 instead of 0.",
            submission: classSubmission(biasGradient: BiasGradientSlips.reduceFromOne)),
        ClassSubmission(
            name: "bgrad-fatalerror-one-example", expected: "bias gradient",
            mistake: "A guard calls fatalError for a batch of one example, which is a valid batch.",
            submission: classSubmission(biasGradient: BiasGradientSlips.fatalErrorOnOneExample)),

        // Exercise 7: the batch engine
        ClassSubmission(
            name: "engine-layers-reversed", expected: "batch engine",
            mistake: "The layers' gradients are appended from the top down and returned in that order (layer L first).",
            submission: classSubmission(engine: { AnyBackpropEngine(EngineLayersReversed(steps: $0)) })),
        ClassSubmission(
            name: "engine-bias-after-delta-update", expected: "batch engine",
            mistake: "∂bˡ is computed after Δ was moved down to Δˡ⁻¹ (∂Wˡ before, so it is right): ∂bˡ is wrong for every l > 1.",
            submission: classSubmission(engine: { AnyBackpropEngine(EngineBiasAfterDeltaUpdate(steps: $0)) })),
        ClassSubmission(
            name: "engine-hidden-sigma-at-output", expected: "batch engine",
            mistake: "The hidden σ is applied to Zᴸ too, instead of the output activation (invisible when both are sigmoids).",
            submission: classSubmission(engine: { AnyBackpropEngine(EngineHiddenSigmaAtOutput(steps: $0)) })),
        ClassSubmission(
            name: "engine-loss-assign-not-add", expected: "batch engine",
            mistake: "`total = ` where `total += ` belongs in the loss loop: the loss is the last example's ℓ divided by m.",
            submission: classSubmission(engine: { AnyBackpropEngine(EngineLossAssignNotAdd(steps: $0)) })),
        ClassSubmission(
            name: "engine-softmax-by-hand-overflows", expected: "batch engine",
            mistake: "Softmax is written by hand without subtracting the row's maximum: NaN for logits above ~709 (latent on small logits).",
            submission: classSubmission(engine: { AnyBackpropEngine(EngineSoftmaxOverflows(steps: $0)) })),
        ClassSubmission(
            name: "engine-log-loss-by-hand", expected: "batch engine",
            mistake: "The cross-entropy is written by hand as −Σ y ln a (− (1 − y) ln(1 − a)): infinite once an output saturates to 0 or 1, and not the stable form.",
            submission: classSubmission(engine: { AnyBackpropEngine(EngineLogLossByHand(steps: $0)) })),
        ClassSubmission(
            name: "engine-global-activations", expected: "batch engine",
            mistake: "The activations live in a global array that is appended to and never emptied, so later calls read the first call's Aˡ.",
            submission: classSubmission(engine: { AnyBackpropEngine(EngineGlobalActivations(steps: $0)) })),
        ClassSubmission(
            name: "engine-hard-coded-three-layers", expected: "batch engine",
            mistake: "L is hard-coded to 3 instead of network.layerCount.",
            submission: classSubmission(engine: { AnyBackpropEngine(EngineHardCodedThreeLayers(steps: $0)) })),
        ClassSubmission(
            name: "engine-backward-stops-early", expected: "batch engine",
            mistake: "The backward loop is stride(from: L, to: 1, by: -1), so layer 1's gradients are never computed (1 × 1 placeholders).",
            submission: classSubmission(engine: { AnyBackpropEngine(EngineBackwardStopsEarly(steps: $0)) })),
        ClassSubmission(
            name: "engine-hidden-error-own-activation", expected: "batch engine",
            mistake: "hiddenError is handed Aˡ instead of Aˡ⁻¹, so σ′ comes from the wrong layer.",
            submission: classSubmission(engine: { AnyBackpropEngine(EngineHiddenErrorOwnActivation(steps: $0)) })),
        ClassSubmission(
            name: "engine-forward-from-x", expected: "batch engine",
            mistake: "Every layer's forward step is fed X instead of Aˡ⁻¹.",
            submission: classSubmission(engine: { AnyBackpropEngine(EngineForwardFromX(steps: $0)) })),

        // Correct, unusual
        ClassSubmission(
            name: "ok-oneex-explicit-transpose", expected: "pass",
            mistake: "Column vectors as [h, 1] matrices, (Wˡ)ᵀ built with .transposed and every product a matrix product.",
            submission: classSubmission(oneExample: OneExampleOK.explicitTranspose)),
        ClassSubmission(
            name: "ok-oneex-functional", expected: "pass",
            mistake: "Written with map, zip and reduce(into:), no index loops that mutate.",
            submission: classSubmission(oneExample: OneExampleOK.functional)),
        ClassSubmission(
            name: "ok-forward-ikj-order", expected: "pass",
            mistake: "Loop order i, k, j, with Z started from the bias and accumulated in place (bias added first).",
            submission: classSubmission(forward: ForwardOK.ikjOrder)),
        ClassSubmission(
            name: "ok-forward-prints-shapes", expected: "pass",
            mistake: "Correct, with print-debugging of the shapes and of Z left in.",
            submission: classSubmission(forward: ForwardOK.printsShapes)),
        ClassSubmission(
            name: "ok-forward-fused", expected: "pass",
            mistake: "The sum uses fused multiply-adds (addProduct).",
            submission: classSubmission(forward: ForwardOK.fused)),
        ClassSubmission(
            name: "ok-outerr-zip-elements", expected: "pass",
            mistake: "One zip over the row-major elements instead of two index loops.",
            submission: classSubmission(outputError: OutputErrorOK.zipElements)),
        ClassSubmission(
            name: "ok-hidden-sigma-prime-inside-sum", expected: "pass",
            mistake: "σ′ multiplied into every term of the sum instead of once after it.",
            submission: classSubmission(hiddenError: HiddenErrorOK.sigmaPrimeInsideSum)),
        ClassSubmission(
            name: "ok-hidden-explicit-transpose", expected: "pass",
            mistake: "(Wˡ⁺¹)ᵀ built with .transposed, then an ordinary matrix product.",
            submission: classSubmission(hiddenError: HiddenErrorOK.explicitTranspose)),
        ClassSubmission(
            name: "ok-wgrad-examples-reversed", expected: "pass",
            mistake: "The examples are summed from the last to the first.",
            submission: classSubmission(weightGradient: WeightGradientOK.examplesReversed)),
        ClassSubmission(
            name: "ok-wgrad-divide-each-term", expected: "pass",
            mistake: "Loop order i, k, j, each term divided by m before it is added into ∂W.",
            submission: classSubmission(weightGradient: WeightGradientOK.divideEachTerm)),
        ClassSubmission(
            name: "ok-bgrad-reduce-columns", expected: "pass",
            mistake: "Each column summed with reduce(0, +), then divided by m.",
            submission: classSubmission(biasGradient: BiasGradientOK.reduceColumns)),
        ClassSubmission(
            name: "ok-bgrad-kahan", expected: "pass",
            mistake: "Kahan (compensated) summation down each column.",
            submission: classSubmission(biasGradient: BiasGradientOK.kahan)),
        ClassSubmission(
            name: "ok-engine-stable-softmax-by-hand", expected: "pass",
            mistake: "The output softmax computed by hand, the stable way (row maximum subtracted first).",
            submission: classSubmission(engine: { AnyBackpropEngine(EngineStableSoftmaxByHand(steps: $0)) })),
        ClassSubmission(
            name: "ok-engine-recursive-backward", expected: "pass",
            mistake: "The backward pass is a recursive function over l; the loss summed with reduce.",
            submission: classSubmission(engine: { AnyBackpropEngine(EngineRecursiveBackward(steps: $0)) })),
        ClassSubmission(
            name: "ok-engine-into-prepared-storage", expected: "pass",
            mistake: "gradients.prepare(for:), then each layer and the loss assigned into the caller's storage.",
            submission: classSubmission(engine: { AnyBackpropEngine(EngineIntoPreparedStorage(steps: $0)) })),
    ]

    public static func named(_ name: String) -> StudentSubmission? {
        all.first { $0.name == name }?.submission
    }
}
