import Backprop
import BackpropExercises

/// Student work with one classic slip each, written the way students write it: the catalogue the checker's tests
/// run through the real command (`backprop exercises`, in a child process). Each names the step the
/// checker must blame and a phrase its diagnosis must contain.
public struct WrongSubmission: Sendable {
    public var name: String
    /// The step that is wrong: the first one the checker must report as failing.
    public var step: StudentCheck.Step
    /// Words the diagnosis must contain (case-insensitive), or nil when any diagnosis naming the step will do.
    public var diagnosis: String?
    public var submission: StudentSubmission
    /// Whether it traps or never ends on some scenario (so it can only be run in a child process).
    public var traps = false
}

/// The solution with one step replaced.
private func with(_ change: (inout StudentSubmission) -> Void) -> StudentSubmission {
    var submission = Solutions.submission
    change(&submission)
    return submission
}

private func steps(_ change: (inout MatrixFormSteps) -> Void) -> StudentSubmission {
    with { change(&$0.steps) }
}

/// An engine made from a variant of the solution's composition.
private func engine(_ compute: @escaping @Sendable (MatrixFormSteps, Network<Double>, Matrix<Double>, Matrix<Double>,
                                                    inout Gradients<Double>) throws -> Void) -> StudentSubmission {
    with { $0.batchEngine = { steps in AnyBackpropEngine(ComposedEngine(steps: steps, compute: compute)) } }
}

struct ComposedEngine: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    let compute: @Sendable (MatrixFormSteps, Network<Double>, Matrix<Double>, Matrix<Double>, inout Gradients<Double>) throws -> Void
    func computeGradients(of network: Network<Double>, inputs: Matrix<Double>, targets: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        try compute(steps, network, inputs, targets, &gradients)
    }
}

/// The solution's composition, with switches for the slips students make in it.
struct Composition: Sendable {
    var activationInsteadOfInput = false
    var weightsOfTheLayerBelow = false
    var noHiddenActivation = false
    var lossIsASum = false
    var updateWhileGoingBack = false
    var outputErrorFromZ = false

    func compute(_ steps: MatrixFormSteps, _ network: Network<Double>, _ X: Matrix<Double>, _ Y: Matrix<Double>,
                 _ gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        var A = [X], Z = [Matrix<Double>(rows: 0, columns: 0)]
        for l in 1...L {
            let layer = network.layers[l - 1]
            let Zl = try steps.forward(A[l - 1], layer.weights, layer.biases)
            Z.append(Zl)
            if l < L {
                A.append(noHiddenActivation ? Zl : Zl.map { network.hidden.value($0) })
            } else {
                A.append(Zl.mapRows { network.output.activation($0) })
            }
        }
        var loss = 0.0
        for i in 0..<m { loss += network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(i)) }
        var weights = network.layers.map(\.weights)
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        var delta = try steps.outputError(outputErrorFromZ ? Z[L] : A[L], Y)
        for l in stride(from: L, through: 1, by: -1) {
            let input = activationInsteadOfInput ? A[l] : A[l - 1]
            layers[l - 1] = LayerParameters(weights: try steps.weightGradient(input, delta), biases: try steps.biasGradient(delta))
            if updateWhileGoingBack {
                for k in weights[l - 1].elements.indices { weights[l - 1].elements[k] -= 0.5 * layers[l - 1].weights.elements[k] }
            }
            if l > 1 {
                let W = weightsOfTheLayerBelow ? weights[l - 2] : weights[l - 1]
                delta = try steps.hiddenError(delta, W, A[l - 1], network.hidden)
            }
        }
        gradients = Gradients(loss: lossIsASum ? loss : loss * (1 / Double(m)), layers: layers)
    }
}

private func composition(_ change: (inout Composition) -> Void) -> StudentSubmission {
    var c = Composition()
    change(&c)
    let composed = c
    return engine { try composed.compute($0, $1, $2, $3, &$4) }
}

/// An engine that keeps its sums from one call to the next.
final class StatefulEngine: BackpropEngine, @unchecked Sendable {
    let name = "student"
    let steps: MatrixFormSteps
    var calls = 0
    init(steps: MatrixFormSteps) { self.steps = steps }
    func computeGradients(of network: Network<Double>, inputs: Matrix<Double>, targets: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        var fresh = Gradients<Double>(loss: 0, layers: [])
        try Solutions.BatchEngine(steps: steps).computeGradients(of: network, inputs: inputs, targets: targets, into: &fresh)
        // "+=" into the caller's gradients, which the second call on the same storage doubles.
        if gradients.hasShapes(of: network) {
            for l in fresh.layers.indices {
                for k in fresh.layers[l].weights.elements.indices { fresh.layers[l].weights.elements[k] += gradients.layers[l].weights.elements[k] }
            }
        }
        gradients = fresh
    }
}

public enum WrongSubmissions {
    public static let all: [WrongSubmission] = [
        // Exercise 3: one example.
        WrongSubmission(name: "one example: W[j, i] for W[i, j] in the forward sum", step: .oneExample, diagnosis: nil,
                        submission: with { $0.oneExample = { network, x, y in
                            try Solutions.oneExample(try transposedForward(network), x, y) } }, traps: true),
        WrongSubmission(name: "one example: δ without σ′", step: .oneExample, diagnosis: "σ′(Zˡ) is missing",
                        submission: with { $0.oneExample = oneExample(dropDerivative: true) }),
        WrongSubmission(name: "one example: ∂W from the layer's own activation", step: .oneExample, diagnosis: nil,
                        submission: with { $0.oneExample = oneExample(ownActivation: true) }),
        WrongSubmission(name: "one example: the loss left at 0", step: .oneExample, diagnosis: "your loss is exactly 0",
                        submission: with { $0.oneExample = { var g = try Solutions.oneExample($0, $1, $2); g.loss = 0; return g } }),
        // Exercise 4: forward and output error.
        WrongSubmission(name: "forward: no bias", step: .forward, diagnosis: "bias is missing",
                        submission: steps { $0.forward = { A, W, b in try Solutions.forward(A, W, [Double](repeating: 0, count: b.count)) } }),
        WrongSubmission(name: "forward: W[j, k] for W[k, j]", step: .forward, diagnosis: "transposed",
                        submission: steps { $0.forward = { A, W, b in
                            var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
                            for i in 0..<A.rows { for j in 0..<W.columns {
                                var sum = b[j]
                                for k in 0..<A.columns { sum += A[i, k] * W[j, k] }
                                Z[i, j] = sum
                            } }
                            return Z } }, traps: true),
        WrongSubmission(name: "forward: b[i] for b[j]", step: .forward, diagnosis: "indexed by the example",
                        submission: steps { $0.forward = { A, W, b in
                            var Z = try Solutions.forward(A, W, [Double](repeating: 0, count: b.count))
                            for i in 0..<Z.rows { for j in 0..<Z.columns { Z[i, j] += b[i] } }
                            return Z } }, traps: true),
        WrongSubmission(name: "output error: Y − A", step: .outputError, diagnosis: "wrong sign",
                        submission: steps { $0.outputError = { A, Y in try Solutions.outputError(Y, A) } }),
        WrongSubmission(name: "output error: an extra σ′", step: .outputError, diagnosis: "cancels",
                        submission: steps { $0.outputError = { A, Y in
                            var D = try Solutions.outputError(A, Y)
                            for i in 0..<D.rows { for j in 0..<D.columns { D[i, j] *= A[i, j] * (1 - A[i, j]) } }
                            return D } }),
        // Exercise 5: the hidden error.
        WrongSubmission(name: "hidden error: W[k, j] for W[j, k]", step: .hiddenError, diagnosis: "W[k, j] for W[j, k]",
                        submission: steps { $0.hiddenError = { D, W, A, hidden in
                            var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
                            for i in 0..<D.rows { for j in 0..<W.rows {
                                var sum = 0.0
                                for k in 0..<W.columns { sum += D[i, k] * W[k, j] }
                                delta[i, j] = sum * hidden.derivative(fromActivation: A[i, j])
                            } }
                            return delta } }, traps: true),
        WrongSubmission(name: "hidden error: no σ′", step: .hiddenError, diagnosis: "σ′(Zˡ) is missing",
                        submission: steps { $0.hiddenError = { D, W, A, _ in try Solutions.hiddenError(D, W, A, .identity) } }),
        WrongSubmission(name: "hidden error: σ′ of σ(a)", step: .hiddenError, diagnosis: "σ(Aˡ)",
                        submission: steps { $0.hiddenError = { D, W, A, hidden in try Solutions.hiddenError(D, W, A.map { hidden.value($0) }, hidden) } }),
        WrongSubmission(name: "hidden error: times a instead of σ′(a)", step: .hiddenError, diagnosis: "instead of σ′",
                        submission: steps { $0.hiddenError = { D, W, A, _ in
                            var delta = try Solutions.hiddenError(D, W, A, .identity)
                            for i in 0..<delta.rows { for j in 0..<delta.columns { delta[i, j] *= A[i, j] } }
                            return delta } }),
        WrongSubmission(name: "hidden error: a while loop that never advances", step: .hiddenError, diagnosis: "did not finish",
                        submission: steps { $0.hiddenError = { D, W, A, hidden in
                            var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
                            var i = 0
                            while i < D.rows {
                                for j in 0..<W.rows { delta[i, j] = D[i, 0] * W[j, 0] * hidden.derivative(fromActivation: A[i, j]) }
                            }
                            i += 1
                            return delta } }, traps: true),
        // Exercise 6: the gradients.
        WrongSubmission(name: "weight gradient: no 1/m", step: .weightGradient, diagnosis: "1/m is missing",
                        submission: steps { $0.weightGradient = { A, D in try Solutions.weightGradient(A, D).map { $0 * Double(A.rows) } } }),
        WrongSubmission(name: "weight gradient: Δᵀ A", step: .weightGradient, diagnosis: "transpose",
                        submission: steps { $0.weightGradient = { A, D in try Solutions.weightGradient(A, D).transposed } }),
        WrongSubmission(name: "weight gradient: divided by m twice", step: .weightGradient, diagnosis: "1/m",
                        submission: steps { $0.weightGradient = { A, D in try Solutions.weightGradient(A, D).map { $0 / Double(A.rows) } } }),
        WrongSubmission(name: "bias gradient: summed over each row", step: .biasGradient, diagnosis: "over the units",
                        submission: steps { $0.biasGradient = { D in
                            (0..<D.rows).map { i in (0..<D.columns).reduce(0.0) { $0 + D[i, $1] } / Double(D.rows) } } }),
        WrongSubmission(name: "bias gradient: biases[i] += … over the examples", step: .biasGradient, diagnosis: "over the units",
                        submission: steps { $0.biasGradient = { D in
                            var sums = [Double](repeating: 0, count: D.columns)
                            for i in 0..<D.rows { for j in 0..<D.columns { sums[i] += D[i, j] } }
                            return sums.map { $0 / Double(D.rows) } } }, traps: true),
        WrongSubmission(name: "bias gradient: = instead of +=", step: .biasGradient, diagnosis: "overwrites",
                        submission: steps { $0.biasGradient = { D in
                            var sums = [Double](repeating: 0, count: D.columns)
                            for i in 0..<D.rows { for j in 0..<D.columns { sums[j] = D[i, j] } }
                            return sums.map { $0 / Double(D.rows) } } }),
        WrongSubmission(name: "bias gradient: no 1/m", step: .biasGradient, diagnosis: "1/m is missing",
                        submission: steps { $0.biasGradient = { D in try Solutions.biasGradient(D).map { $0 * Double(D.rows) } } }),
        // Exercise 7: the composition.
        WrongSubmission(name: "engine: Aˡ for Aˡ⁻¹ in ∂W", step: .batchEngine, diagnosis: nil,
                        submission: composition { $0.activationInsteadOfInput = true }),
        WrongSubmission(name: "engine: the weights of the layer below for the hidden error", step: .batchEngine, diagnosis: nil,
                        submission: composition { $0.weightsOfTheLayerBelow = true }, traps: true),
        WrongSubmission(name: "engine: no σ on the hidden layers", step: .batchEngine, diagnosis: "forward pass",
                        submission: composition { $0.noHiddenActivation = true }),
        WrongSubmission(name: "engine: the loss summed, not averaged", step: .batchEngine, diagnosis: "sum",
                        submission: composition { $0.lossIsASum = true }),
        WrongSubmission(name: "engine: weights updated on the way back", step: .batchEngine, diagnosis: "moved",
                        submission: composition { $0.updateWhileGoingBack = true }),
        WrongSubmission(name: "engine: output error from Zᴸ", step: .batchEngine, diagnosis: "output error",
                        submission: composition { $0.outputErrorFromZ = true }),
        WrongSubmission(name: "engine: adds into the caller's gradients", step: .batchEngine, diagnosis: "keeps state",
                        submission: with { $0.batchEngine = { AnyBackpropEngine(StatefulEngine(steps: $0)) } }),
        WrongSubmission(name: "engine: fatalError(\"TODO\")", step: .batchEngine, diagnosis: "TODO",
                        submission: engine { _, _, _, _, _ in fatalError("TODO") }, traps: true),
    ]

    /// The correct ones: the plain solution, the bitwise one, and the bitwise one summing the examples backwards.
    public static let correct: [(name: String, bitwise: Bool, submission: StudentSubmission)] = [
        ("solution", false, Solutions.submission),
        ("bitwise", true, Bitwise.submission()),
        ("reversed", false, Bitwise.submission(reversed: true)),
    ]

    /// A submission by name, for the fixture binary.
    public static func named(_ name: String) -> StudentSubmission? {
        correct.first { $0.name == name }?.submission ?? all.first { $0.name == name }?.submission
    }
}

/// The network with every Wˡ replaced by its transpose read back into Wˡ's shape, as W[j, i] for W[i, j] reads it.
private func transposedForward(_ network: Network<Double>) throws -> Network<Double> {
    var layers = network.layers
    for l in layers.indices {
        let W = layers[l].weights
        var swapped = Matrix<Double>(rows: W.rows, columns: W.columns)
        // W[j, i] read where W[i, j] belongs, in a square layer; the index runs past W in any other.
        for i in 0..<W.rows { for j in 0..<W.columns { swapped[i, j] = W[j, i] } }
        layers[l].weights = swapped
    }
    return try Network(sizes: network.sizes, hidden: network.hidden, output: network.output, layers: layers)
}

private func oneExample(dropDerivative: Bool = false, ownActivation: Bool = false)
    -> @Sendable (Network<Double>, [Double], [Double]) throws -> Gradients<Double> {
    { network, x, y in
        let L = network.layerCount, h = network.sizes
        var a = [x], z = [[Double]()]
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            let zl = (0..<h[l]).map { j in (0..<h[l - 1]).reduce(b[j]) { $0 + W[$1, j] * a[l - 1][$1] } }
            z.append(zl)
            a.append(l < L ? zl.map { network.hidden.value($0) } : network.output.activation(zl))
        }
        var delta = (0..<h[L]).map { a[L][$0] - y[$0] }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            let input = ownActivation ? a[l] : a[l - 1]
            var gw = Matrix<Double>(rows: input.count, columns: h[l])
            for i in 0..<input.count { for j in 0..<h[l] { gw[i, j] = input[i] * delta[j] } }
            layers[l - 1] = LayerParameters(weights: gw, biases: delta)
            guard l > 1 else { break }
            let W = network.layers[l - 1].weights
            delta = (0..<h[l - 1]).map { j in
                let sum = (0..<h[l]).reduce(0.0) { $0 + W[j, $1] * delta[$1] }
                return dropDerivative ? sum : sum * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
        }
        return Gradients(loss: network.output.loss(logits: z[L], activation: a[L], target: y), layers: layers)
    }
}
