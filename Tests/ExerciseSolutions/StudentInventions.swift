import Backprop
import BackpropExercises
import Foundation

/// A second catalogue of submissions, invented by an outsider playing a class without reading the checker: each wrong
/// one has ONE slip in an otherwise correct submission; the `ok-` ones are correct but unusual and must pass. The
/// checker's own catalogue (WrongSubmissions) is what it was built against; this one is how it does on mistakes it
/// was not built for.
public struct StudentInvention: Sendable {
    public var name: String
    /// The step that should be blamed ("pass" for a correct one).
    public var expected: String
    public var mistake: String
    public var submission: StudentSubmission
}

private func replacing(_ change: (inout StudentSubmission) -> Void) -> StudentSubmission {
    var submission = Solutions.submission
    change(&submission)
    return submission
}

private func replacingSteps(_ change: (inout MatrixFormSteps) -> Void) -> StudentSubmission {
    replacing { change(&$0.steps) }
}

// MARK: - Exercise 3, one example

enum OneExampleSlip: Sendable, Equatable {
    case none, derivativeFromZ, outputActivationEverywhere, lossArgumentsSwapped, gradientTransposed, topWeightsEveryLayer
}

func inventedOneExample(_ slip: OneExampleSlip, _ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
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
        if slip == .outputActivationEverywhere {
            a.append(network.output.activation(zl))          // softmax/sigmoid of the output used for every layer
        } else {
            a.append(l < L ? zl.map { network.hidden.value($0) } : network.output.activation(zl))
        }
    }
    let loss = slip == .lossArgumentsSwapped
        ? network.output.loss(logits: z[L], activation: y, target: a[L])
        : network.output.loss(logits: z[L], activation: a[L], target: y)
    var delta = (0..<h[L]).map { a[L][$0] - y[$0] }
    var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
    let topW = network.layers[L - 1].weights
    for l in stride(from: L, through: 1, by: -1) {
        if slip == .gradientTransposed {
            // δ aᵀ, as a column-vector habit: [h_l, h_{l−1}]
            var gw = Matrix<Double>(rows: h[l], columns: h[l - 1])
            for i in 0..<h[l - 1] { for j in 0..<h[l] { gw[j, i] = a[l - 1][i] * delta[j] } }
            layers[l - 1] = LayerParameters(weights: gw, biases: delta)
        } else {
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for i in 0..<h[l - 1] { for j in 0..<h[l] { gw[i, j] = a[l - 1][i] * delta[j] } }
            layers[l - 1] = LayerParameters(weights: gw, biases: delta)
        }
        guard l > 1 else { break }
        let W = slip == .topWeightsEveryLayer ? topW : network.layers[l - 1].weights
        delta = (0..<h[l - 1]).map { j in
            var sum = 0.0
            for k in 0..<h[l] { sum += W[j, k] * delta[k] }
            let s = slip == .derivativeFromZ ? z[l - 1][j] : a[l - 1][j]
            return sum * network.hidden.derivative(fromActivation: s)
        }
    }
    return Gradients(loss: loss, layers: layers)
}

/// The activations kept in a global "so that the backward pass can read them", never emptied.
nonisolated(unsafe) var savedActivations: [[Double]] = []

func oneExampleWithGlobalActivations(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
    let L = network.layerCount, h = network.sizes
    savedActivations.append(x)
    var z = [[Double]()]
    for l in 1...L {
        let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
        var zl = [Double](repeating: 0, count: h[l])
        for j in 0..<h[l] {
            zl[j] = b[j]
            for i in 0..<h[l - 1] { zl[j] += W[i, j] * savedActivations[l - 1][i] }
        }
        z.append(zl)
        savedActivations.append(l < L ? zl.map { network.hidden.value($0) } : network.output.activation(zl))
    }
    let a = savedActivations
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
            return sum * network.hidden.derivative(fromActivation: a[l - 1][j])
        }
    }
    return Gradients(loss: loss, layers: layers)
}

// MARK: - Exercise 4, forward and output error

enum ForwardBuffer { nonisolated(unsafe) static var Z = Matrix<Double>(rows: 0, columns: 0) }

enum InventedSteps {
    static func forwardBiasInsideLoop(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var sum = 0.0
                for k in 0..<A.columns { sum += A[i, k] * W[k, j] + b[j] }
                Z[i, j] = sum
            }
        }
        return Z
    }

    static func forwardMissesLastInput(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var sum = b[j]
                for k in 0..<A.columns - 1 { sum += A[i, k] * W[k, j] }
                Z[i, j] = sum
            }
        }
        return Z
    }

    static func forwardBiasByRow(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var sum = b[i]
                for k in 0..<A.columns { sum += A[i, k] * W[k, j] }
                Z[i, j] = sum
            }
        }
        return Z
    }

    static func forwardWrongPrecondition(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        precondition(A.columns == W.columns, "A and W do not fit")
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var sum = b[j]
                for k in 0..<A.columns { sum += A[i, k] * W[k, j] }
                Z[i, j] = sum
            }
        }
        return Z
    }

    /// "No allocation per call": a buffer kept between calls, reallocated only when the shape changes.
    static func forwardStaticBuffer(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        if ForwardBuffer.Z.rows != A.rows || ForwardBuffer.Z.columns != W.columns {
            ForwardBuffer.Z = Matrix(rows: A.rows, columns: W.columns)
        }
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                for k in 0..<A.columns { ForwardBuffer.Z[i, j] += A[i, k] * W[k, j] }
                ForwardBuffer.Z[i, j] += b[j]
            }
        }
        return ForwardBuffer.Z
    }

    static func outputErrorReturnsOutput(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows { for j in 0..<A.columns { delta[i, j] = A[i, j] - Y[i, j] } }
        return A
    }

    static func outputErrorTransposed(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: A.columns, columns: A.rows)      // δ as columns, like exercise 3
        for i in 0..<A.rows { for j in 0..<A.columns { delta[j, i] = A[i, j] - Y[i, j] } }
        return delta
    }

    static func outputErrorSoftmaxAgain(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows {
            let row = A.row(i)
            let biggest = row.max() ?? 0
            let exps = row.map { exp($0 - biggest) }
            let total = exps.reduce(0, +)
            for j in 0..<A.columns { delta[i, j] = exps[j] / total - Y[i, j] }
        }
        return delta
    }

    // MARK: Exercise 5

    static func hiddenErrorValueNotDerivative(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                              _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                delta[i, j] = sum * hidden.value(A[i, j])
            }
        }
        return delta
    }

    static func hiddenErrorSumNotReset(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                       _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        var sum = 0.0
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                delta[i, j] = sum * hidden.derivative(fromActivation: A[i, j])
            }
        }
        return delta
    }

    static func hiddenErrorSigmoidHardcoded(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                            _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                delta[i, j] = sum * A[i, j] * (1 - A[i, j])      // σ′ = a(1 − a)
            }
        }
        return delta
    }

    static func hiddenErrorWhileForever(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                        _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
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

    static func hiddenErrorCachedTranspose(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                           _ hidden: Activation) throws -> Matrix<Double> {
        // transpose W once and keep it (it is the same matrix every time, isn't it?)
        let Wt: Matrix<Double>
        if let cached = TransposeCache.Wt { Wt = cached } else { Wt = W.transposed; TransposeCache.Wt = Wt }
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * Wt[k, j] }
                delta[i, j] = sum * hidden.derivative(fromActivation: A[i, j])
            }
        }
        return delta
    }

    // MARK: Exercise 6

    static func weightGradientIntegerDivision(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var sum = 0.0
                for i in 0..<m { sum += A[i, k] * D[i, j] }
                G[k, j] = sum * Double(1 / m)
            }
        }
        return G
    }

    static func weightGradientSkipsFirstExample(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var sum = 0.0
                for i in 1..<m { sum += A[i, k] * D[i, j] }
                G[k, j] = sum / Double(m)
            }
        }
        return G
    }

    static func product(_ X: Matrix<Double>, _ Y: Matrix<Double>) -> Matrix<Double> {
        var P = Matrix<Double>(rows: X.rows, columns: Y.columns)
        for i in 0..<X.rows { for j in 0..<Y.columns { for k in 0..<X.columns { P[i, j] += X[i, k] * Y[k, j] } } }
        return P
    }

    static func weightGradientRecursesForever(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = Double(A.rows)
        guard m >= 0 else { return A }                                  // a check that never fails
        let G = try weightGradientRecursesForever(A.transposed, D)     // meant product(A.transposed, D)
        return G.map { $0 / m }
    }

    static func weightGradientDeltaTransposeTimesA(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        var G = Matrix<Double>(rows: D.columns, columns: A.columns)    // Δᵀ A
        for j in 0..<D.columns {
            for k in 0..<A.columns {
                var sum = 0.0
                for i in 0..<m { sum += D[i, j] * A[i, k] }
                G[j, k] = sum / Double(m)
            }
        }
        return G
    }

    static func biasGradientMMinusOne(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += D[i, j] } }
        return sums.map { $0 / Double(D.rows - 1) }
    }

    static func biasGradientFirstRowOnly(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.columns)
        for j in 0..<D.columns { sums[j] += D[0, j] }
        return sums.map { $0 / Double(D.rows) }
    }

    static func biasGradientDictionary(_ D: Matrix<Double>) throws -> [Double] {
        var sums: [Int: Double] = [:]
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j]! += D[i, j] } }
        return (0..<D.columns).map { sums[$0]! / Double(D.rows) }
    }
}

enum TransposeCache { nonisolated(unsafe) static var Wt: Matrix<Double>? = nil }

// MARK: - Exercise 7, the engine

enum EngineSlip: Sendable, Equatable {
    case none, hiddenErrorFromZ, hiddenErrorWithActivationsAbove, mFromColumns, backwardStopsEarly,
         lossIntoInout, activationsAsLogits
}

struct InventedEngine: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    let slip: EngineSlip

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount
        let m = slip == .mFromColumns ? X.columns : X.rows
        var A = [X], Z = [Matrix<Double>(rows: 0, columns: 0)]
        for l in 1...L {
            let layer = network.layers[l - 1]
            let Zl = try steps.forward(A[l - 1], layer.weights, layer.biases)
            Z.append(Zl)
            A.append(l < L ? Zl.map { network.hidden.value($0) } : Zl.mapRows { network.output.activation($0) })
        }
        var loss = 0.0
        for i in 0..<X.rows {
            let logits = slip == .activationsAsLogits ? A[L].row(i) : Z[L].row(i)
            let li = network.output.loss(logits: logits, activation: A[L].row(i), target: Y.row(i))
            if slip == .lossIntoInout { gradients.loss += li / Double(m) } else { loss += li }
        }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        var delta = try steps.outputError(A[L], Y)
        if slip == .backwardStopsEarly {
            for l in stride(from: L, to: 1, by: -1) {
                layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                                biases: try steps.biasGradient(delta))
                if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
            }
        } else {
            for l in stride(from: L, through: 1, by: -1) {
                layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                                biases: try steps.biasGradient(delta))
                if l > 1 {
                    let activations = slip == .hiddenErrorFromZ ? Z[l - 1]
                        : slip == .hiddenErrorWithActivationsAbove ? A[l] : A[l - 1]
                    delta = try steps.hiddenError(delta, network.layers[l - 1].weights, activations, network.hidden)
                }
            }
        }
        if slip == .lossIntoInout {
            gradients.layers = layers
        } else {
            gradients = Gradients(loss: loss / Double(m), layers: layers)
        }
    }
}

/// Keeps its sums in an object "to avoid reallocating the gradients every call".
final class GradientStore: @unchecked Sendable {
    var layers: [LayerParameters<Double>] = []
    var loss = 0.0
}

struct StoringEngine: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    let store = GradientStore()

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        if store.layers.count != L {
            store.layers = network.layers.map { LayerParameters(inputs: $0.inputCount, outputs: $0.outputCount) }
        }
        var A = [X], Z = [Matrix<Double>(rows: 0, columns: 0)]
        for l in 1...L {
            let layer = network.layers[l - 1]
            let Zl = try steps.forward(A[l - 1], layer.weights, layer.biases)
            Z.append(Zl)
            A.append(l < L ? Zl.map { network.hidden.value($0) } : Zl.mapRows { network.output.activation($0) })
        }
        store.loss = 0
        for i in 0..<m { store.loss += network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(i)) }
        var delta = try steps.outputError(A[L], Y)
        for l in stride(from: L, through: 1, by: -1) {
            let gw = try steps.weightGradient(A[l - 1], delta), gb = try steps.biasGradient(delta)
            for k in gw.elements.indices { store.layers[l - 1].weights.elements[k] += gw.elements[k] }
            for j in gb.indices { store.layers[l - 1].biases[j] += gb[j] }
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
        }
        gradients = Gradients(loss: store.loss / Double(m), layers: store.layers)
    }
}

// MARK: - Correct but unusual

enum Unusual {
    /// Exercise 3 with a transposed copy of each Wˡ, sums run backwards.
    static func oneExampleTransposedCopies(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount
        var a = [x], z: [[Double]] = [[]]
        for l in 1...L {
            let Wt = network.layers[l - 1].weights.transposed        // [h_l, h_{l−1}]
            let b = network.layers[l - 1].biases
            var zl = [Double]()
            for j in 0..<Wt.rows {
                var s = 0.0
                for i in stride(from: Wt.columns - 1, through: 0, by: -1) { s += Wt[j, i] * a[l - 1][i] }
                zl.append(s + b[j])
            }
            z.append(zl)
            a.append(l == L ? network.output.activation(zl) : zl.map { network.hidden.value($0) })
        }
        var deltas = [[Double]](repeating: [], count: L + 1)
        deltas[L] = zip(a[L], y).map { $0 - $1 }
        var l = L
        while l > 1 {
            let W = network.layers[l - 1].weights
            deltas[l - 1] = (0..<W.rows).map { j in
                (0..<W.columns).reversed().reduce(0.0) { $0 + W[j, $1] * deltas[l][$1] }
                    * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
            l -= 1
        }
        let layers = (1...L).map { l in
            LayerParameters(weights: Matrix(a[l - 1].map { ai in deltas[l].map { ai * $0 } }), biases: deltas[l])
        }
        return Gradients(loss: network.output.loss(logits: z[L], activation: a[L], target: y), layers: layers)
    }

    static func forwardReversed(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for j in 0..<W.columns {
            for i in 0..<A.rows {
                var sum = 0.0
                for k in (0..<A.columns).reversed() { sum += W[k, j] * A[i, k] }
                Z[i, j] = sum + b[j]
            }
        }
        return Z
    }

    static func hiddenErrorDerivativeInside(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                            _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                let slope = hidden.derivative(fromActivation: A[i, j])
                for k in 0..<W.columns { delta[i, j] += D[i, k] * slope * W[j, k] }
            }
        }
        return delta
    }

    static func weightGradientTransposedCopy(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let At = A.transposed, m = A.rows
        var G = Matrix<Double>(rows: At.rows, columns: D.columns)
        for k in 0..<At.rows {
            for j in 0..<D.columns {
                var sum = 0.0
                for i in stride(from: m - 1, through: 0, by: -1) { sum += At[k, i] * D[i, j] }
                G[k, j] = sum / Double(m)
            }
        }
        return G
    }

    // Functional style.
    static func forwardFunctional(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        let columns = W.transposed.rowArrays
        return Matrix(A.rowArrays.map { row in
            columns.enumerated().map { j, column in zip(row, column).reduce(b[j]) { $0 + $1.0 * $1.1 } }
        })
    }

    static func outputErrorZip(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        Matrix(rows: A.rows, columns: A.columns, elements: zip(A.elements, Y.elements).map(-))
    }

    static func biasGradientReduce(_ D: Matrix<Double>) throws -> [Double] {
        D.rowArrays.reduce([Double](repeating: 0, count: D.columns)) { zip($0, $1).map(+) }.map { $0 / Double(D.rows) }
    }

    static func weightGradientDivideEachTerm(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = Double(A.rows)
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for i in 0..<A.rows {
            for k in 0..<A.columns { for j in 0..<D.columns { G[k, j] += A[i, k] * D[i, j] / m } }
        }
        return G
    }

    static func biasGradientRunningMean(_ D: Matrix<Double>) throws -> [Double] {
        var mean = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { mean[j] += (D[i, j] - mean[j]) / Double(i + 1) } }
        return mean
    }

    // Float then converted.
    static func biasGradientFloat(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Float](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += Float(D[i, j]) } }
        return sums.map { Double($0) / Double(D.rows) }
    }

    static func weightGradientFloat(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let a = A.converted(to: Float.self), d = D.converted(to: Float.self)
        var G = Matrix<Float>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns { for j in 0..<D.columns { for i in 0..<A.rows { G[k, j] += a[i, k] * d[i, j] } } }
        return G.converted(to: Double.self).map { $0 / Double(A.rows) }
    }
}

/// Exercise 7 written with arrays walked backwards and appended, then reversed.
struct ReversedEngine: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        var inputsOfLayer: [Matrix<Double>] = []
        var current = X, lastZ = X
        for (index, layer) in network.layers.enumerated() {
            inputsOfLayer.append(current)
            lastZ = try steps.forward(current, layer.weights, layer.biases)
            current = index == network.layers.count - 1 ? lastZ.mapRows { network.output.activation($0) }
                                                        : lastZ.map { network.hidden.value($0) }
        }
        let m = Double(X.rows)
        var meanLoss = 0.0
        for i in 0..<X.rows {
            meanLoss += (network.output.loss(logits: lastZ.row(i), activation: current.row(i), target: Y.row(i)) - meanLoss)
                / Double(i + 1)
        }
        _ = m
        var backwards: [LayerParameters<Double>] = []
        var delta = try steps.outputError(current, Y)
        for (layer, input) in zip(network.layers, inputsOfLayer).reversed() {
            backwards.append(LayerParameters(weights: try steps.weightGradient(input, delta), biases: try steps.biasGradient(delta)))
            if backwards.count < network.layers.count {
                delta = try steps.hiddenError(delta, layer.weights, input, network.hidden)
            }
        }
        gradients = Gradients(loss: meanLoss, layers: Array(backwards.reversed()))
    }
}

public enum StudentInventions {
    private static func oe(_ slip: OneExampleSlip) -> StudentSubmission {
        replacing { $0.oneExample = { try inventedOneExample(slip, $0, $1, $2) } }
    }

    private static func engine(_ slip: EngineSlip) -> StudentSubmission {
        replacing { $0.batchEngine = { AnyBackpropEngine(InventedEngine(steps: $0, slip: slip)) } }
    }

    public static let all: [StudentInvention] = [
        // Exercise 3
        .init(name: "inv-oe-derivative-from-z", expected: "one example", mistake: "σ′ from zˡ instead of aˡ",
              submission: oe(.derivativeFromZ)),
        .init(name: "inv-oe-output-activation-everywhere", expected: "one example",
              mistake: "output activation (softmax) applied in hidden layers", submission: oe(.outputActivationEverywhere)),
        .init(name: "inv-oe-loss-arguments-swapped", expected: "one example", mistake: "loss(activation: y, target: a)",
              submission: oe(.lossArgumentsSwapped)),
        .init(name: "inv-oe-gradient-transposed", expected: "one example", mistake: "∂W = δ aᵀ, shape [h_l, h_{l-1}]",
              submission: oe(.gradientTransposed)),
        .init(name: "inv-oe-top-weights-every-layer", expected: "one example", mistake: "Wᴸ used for every hidden error",
              submission: oe(.topWeightsEveryLayer)),
        .init(name: "inv-oe-global-activations", expected: "one example", mistake: "global activations array never reset",
              submission: replacing { $0.oneExample = { try oneExampleWithGlobalActivations($0, $1, $2) } }),
        // Exercise 4
        .init(name: "inv-fw-bias-inside-loop", expected: "forward", mistake: "b added h_{l−1} times",
              submission: replacingSteps { $0.forward = InventedSteps.forwardBiasInsideLoop }),
        .init(name: "inv-fw-misses-last-input", expected: "forward", mistake: "k in 0..<A.columns − 1",
              submission: replacingSteps { $0.forward = InventedSteps.forwardMissesLastInput }),
        .init(name: "inv-fw-bias-by-row", expected: "forward", mistake: "b[i] instead of b[j]",
              submission: replacingSteps { $0.forward = InventedSteps.forwardBiasByRow }),
        .init(name: "inv-fw-wrong-precondition", expected: "forward", mistake: "precondition(A.columns == W.columns)",
              submission: replacingSteps { $0.forward = InventedSteps.forwardWrongPrecondition }),
        .init(name: "inv-fw-static-buffer", expected: "forward", mistake: "static buffer not zeroed between calls",
              submission: replacingSteps { $0.forward = InventedSteps.forwardStaticBuffer }),
        .init(name: "inv-out-returns-output", expected: "output error", mistake: "returns A instead of Δ",
              submission: replacingSteps { $0.outputError = InventedSteps.outputErrorReturnsOutput }),
        .init(name: "inv-out-transposed", expected: "output error", mistake: "returns Δᵀ [c, m]",
              submission: replacingSteps { $0.outputError = InventedSteps.outputErrorTransposed }),
        .init(name: "inv-out-softmax-again", expected: "output error", mistake: "softmax applied to Aᴸ again",
              submission: replacingSteps { $0.outputError = InventedSteps.outputErrorSoftmaxAgain }),
        // Exercise 5
        .init(name: "inv-he-value-not-derivative", expected: "hidden error", mistake: "hidden.value(A) as σ′",
              submission: replacingSteps { $0.hiddenError = InventedSteps.hiddenErrorValueNotDerivative }),
        .init(name: "inv-he-sum-not-reset", expected: "hidden error", mistake: "accumulator declared outside the loops",
              submission: replacingSteps { $0.hiddenError = InventedSteps.hiddenErrorSumNotReset }),
        .init(name: "inv-he-sigmoid-hardcoded", expected: "hidden error", mistake: "σ′ = a(1−a) whatever σ",
              submission: replacingSteps { $0.hiddenError = InventedSteps.hiddenErrorSigmoidHardcoded }),
        .init(name: "inv-he-while-forever", expected: "hidden error", mistake: "k += 1 outside the while",
              submission: replacingSteps { $0.hiddenError = InventedSteps.hiddenErrorWhileForever }),
        .init(name: "inv-he-cached-transpose", expected: "hidden error", mistake: "static cache of Wᵀ reused",
              submission: replacingSteps { $0.hiddenError = InventedSteps.hiddenErrorCachedTranspose }),
        // Exercise 6
        .init(name: "inv-wg-integer-division", expected: "weight gradient", mistake: "Double(1 / m)",
              submission: replacingSteps { $0.weightGradient = InventedSteps.weightGradientIntegerDivision }),
        .init(name: "inv-wg-skips-first-example", expected: "weight gradient", mistake: "i in 1..<m",
              submission: replacingSteps { $0.weightGradient = InventedSteps.weightGradientSkipsFirstExample }),
        .init(name: "inv-wg-recurses-forever", expected: "weight gradient", mistake: "calls itself instead of product",
              submission: replacingSteps { $0.weightGradient = InventedSteps.weightGradientRecursesForever }),
        .init(name: "inv-wg-delta-t-times-a", expected: "weight gradient", mistake: "Δᵀ A, [h_l, h_{l−1}]",
              submission: replacingSteps { $0.weightGradient = InventedSteps.weightGradientDeltaTransposeTimesA }),
        .init(name: "inv-bg-m-minus-one", expected: "bias gradient", mistake: "divides by m − 1",
              submission: replacingSteps { $0.biasGradient = InventedSteps.biasGradientMMinusOne }),
        .init(name: "inv-bg-first-row-only", expected: "bias gradient", mistake: "only Δ[0, :] summed",
              submission: replacingSteps { $0.biasGradient = InventedSteps.biasGradientFirstRowOnly }),
        .init(name: "inv-bg-dictionary-unwrap", expected: "bias gradient", mistake: "sums[j]! on an empty dictionary",
              submission: replacingSteps { $0.biasGradient = InventedSteps.biasGradientDictionary }),
        // Exercise 7
        .init(name: "inv-en-hidden-error-from-z", expected: "batch engine", mistake: "hiddenError given Zˡ⁻¹",
              submission: engine(.hiddenErrorFromZ)),
        .init(name: "inv-en-activations-above", expected: "batch engine", mistake: "hiddenError given Aˡ (layer above)",
              submission: engine(.hiddenErrorWithActivationsAbove)),
        .init(name: "inv-en-m-from-columns", expected: "batch engine", mistake: "m = X.columns",
              submission: engine(.mFromColumns)),
        .init(name: "inv-en-backward-stops-early", expected: "batch engine", mistake: "stride(to: 1) skips layer 1",
              submission: engine(.backwardStopsEarly)),
        .init(name: "inv-en-loss-into-inout", expected: "batch engine", mistake: "gradients.loss += without reset",
              submission: engine(.lossIntoInout)),
        .init(name: "inv-en-activations-as-logits", expected: "batch engine", mistake: "loss(logits: Aᴸ)",
              submission: engine(.activationsAsLogits)),
        .init(name: "inv-en-class-store", expected: "batch engine", mistake: "sums kept in a class between calls",
              submission: replacing { $0.batchEngine = { AnyBackpropEngine(StoringEngine(steps: $0)) } }),
        // Correct
        .init(name: "inv-ok-reversed-transposed", expected: "pass", mistake: "none",
              submission: StudentSubmission(
                oneExample: Unusual.oneExampleTransposedCopies,
                steps: MatrixFormSteps(forward: Unusual.forwardReversed, outputError: Solutions.outputError,
                                       hiddenError: Unusual.hiddenErrorDerivativeInside,
                                       weightGradient: Unusual.weightGradientTransposedCopy,
                                       biasGradient: Solutions.biasGradient),
                batchEngine: { AnyBackpropEngine(Solutions.BatchEngine(steps: $0)) })),
        .init(name: "inv-ok-functional", expected: "pass", mistake: "none",
              submission: StudentSubmission(
                oneExample: Solutions.oneExample,
                steps: MatrixFormSteps(forward: Unusual.forwardFunctional, outputError: Unusual.outputErrorZip,
                                       hiddenError: Solutions.hiddenError,
                                       weightGradient: Unusual.weightGradientDivideEachTerm,
                                       biasGradient: Unusual.biasGradientReduce),
                batchEngine: { AnyBackpropEngine(ReversedEngine(steps: $0)) })),
        .init(name: "inv-ok-running-mean", expected: "pass", mistake: "none",
              submission: replacingSteps { $0.biasGradient = Unusual.biasGradientRunningMean }),
        .init(name: "inv-float-accumulation", expected: "weight gradient", mistake: "sums kept in Float: right to 7 digits only",
              submission: replacingSteps {
                  $0.biasGradient = Unusual.biasGradientFloat
                  $0.weightGradient = Unusual.weightGradientFloat
              }),
    ]

    public static func named(_ name: String) -> StudentSubmission? {
        all.first { $0.name == name }?.submission
    }
}
