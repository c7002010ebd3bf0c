import Backprop
import CommandSupport

/// The exercises' checker: each of a student's steps run on its own, on the reference inputs, and compared with
/// the reference output (`MatrixForm`), in the course's order; then the engine composed of them.
///
/// This type is the plan both sides share. `backprop exercises` runs every step's calls in a child
/// process (the `backprop` binary again), which only runs the student's code and reports its outputs
/// (`StudentCheck.Output`); the parent process makes the same inputs, compares, and diagnoses
/// (`StudentCheck+Diagnosis.swift`), so that a trap or an endless loop in the student's code is a diagnosis, not a
/// crash of the checker.
public enum StudentCheck {
    /// A step the checker checks, in the course's order.
    public enum Step: String, CaseIterable, Codable, Sendable {
        case oneExample = "one example"
        case forward
        case outputError = "output error"
        case hiddenError = "hidden error"
        case weightGradient = "weight gradient"
        case biasGradient = "bias gradient"
        case batchEngine = "batch engine"

        /// The exercise that writes it (docs/exercises/).
        public var exercise: Int {
            switch self {
            case .oneExample: 3
            case .forward, .outputError: 4
            case .hiddenError: 5
            case .weightGradient, .biasGradient: 6
            case .batchEngine: 7
            }
        }

        /// The equation it computes, with its shapes.
        public var equation: String {
            switch self {
            case .oneExample: "for one example: ℓ, ∂Wˡ = aˡ⁻¹ (δˡ)ᵀ [h_{l−1}, h_l], ∂bˡ = δˡ [h_l], δˡ = (Wˡ⁺¹ δˡ⁺¹) ∘ σ′(zˡ)"
            case .forward: "Zˡ = Aˡ⁻¹ Wˡ + bˡ   [m, h_l] = [m, h_{l−1}] · [h_{l−1}, h_l] + [h_l]"
            case .outputError: "Δᴸ = Aᴸ − Y   [m, c]"
            case .hiddenError: "Δˡ = (Δˡ⁺¹ (Wˡ⁺¹)ᵀ) ∘ σ′(Zˡ)   [m, h_l] = [m, h_{l+1}] · [h_{l+1}, h_l] ∘ [m, h_l]"
            case .weightGradient: "∂Wˡ = (1/m) (Aˡ⁻¹)ᵀ Δˡ   [h_{l−1}, h_l] = [h_{l−1}, m] · [m, h_l]"
            case .biasGradient: "∂bˡ = (1/m) Σᵢ Δˡ[i, :]   [h_l], the column sums of [m, h_l]"
            case .batchEngine: "the mean loss and every ∂Wˡ, ∂bˡ from your steps, for the whole batch"
            }
        }

        /// The file the student writes it in.
        public var file: String {
            switch self {
            case .oneExample: "Sources/StudentWork/OneExample.swift"
            case .forward, .outputError: "Sources/StudentWork/Forward.swift"
            case .hiddenError: "Sources/StudentWork/HiddenError.swift"
            case .weightGradient, .biasGradient: "Sources/StudentWork/Gradients.swift"
            case .batchEngine: "Sources/StudentWork/BatchEngine.swift"
            }
        }
    }

    /// A network and a batch the steps run on. Every scenario has non-zero biases, so that a missing bias shows.
    public struct Scenario: Sendable {
        public var name: String
        public var network: Network<Double>
        public var batch: Batch<Double>
        /// Whether its logits are in the hundreds (an exponential or a logarithm written without care overflows).
        public var largeLogits = false
        /// A matrix step's input number `index` taken from another scenario's call of the same shapes (`network`
        /// and `batch`), the others kept: an answer kept by some of a step's inputs and not all shows.
        public var mixed: (index: Int, network: Network<Double>, batch: Batch<Double>)?
        /// The scenario this one varies (the same shapes, some inputs the same): each of its calls is also made
        /// straight after the same call of that one, so that an answer kept by the inputs they share shows.
        public var base: Int?

        public init(name: String, network: Network<Double>, batch: Batch<Double>, largeLogits: Bool = false) {
            self.name = name
            self.network = network
            self.batch = batch
            self.largeLogits = largeLogits
        }

        /// m.
        public var examples: Int { batch.count }
    }

    /// The scenarios, in the order they run, each differing from another in one thing.
    ///
    /// 1. Square everywhere, m included, so that the mistakes the shapes would otherwise catch (a transposed index,
    ///    a sum over the wrong axis) reach a comparison of values and are named; m = 5, not a power of two, so that
    ///    a division by m and a multiplication by 1/m round differently.
    /// 2. The same network with one example, so that a step right for one example and wrong for several says so.
    /// 3, 4. Not square, with the three hidden activations, each with an output activation of another kind (a
    ///    hidden σ applied at the output shows), and both cross-entropy outputs.
    /// 5, 6. Logits in the hundreds (a softmax or a log-loss written without care overflows there), with a softmax
    ///    and with a sigmoid output.
    /// 7, 8. What the first six keep together, taken apart.
    /// 9. Scenario 1's network and m with another batch: a result cached by the weights or the shapes shows.
    /// 10, 11. Scenario 1 with one input changed at a time, its targets or its weights: a result cached by some of a
    ///    step's inputs and not all of them shows.
    /// 13–15. Scenario 1's matrix-step calls with one input (the first, second or third) taken from scenario 11's
    ///    call at the same layer: every input varied while the others stay, whatever the step keeps its answers by.
    /// 12. One example far larger than the others, so that its logits are in the thousands and theirs are not: a softmax shifted by one number for the whole batch (not each row's own largest) shows.
    /// Each call of 9–11 and 13–15 is also made again at the end straight after the same call of scenario 1 (a pair):
    ///    a cache of one answer, looked up by the inputs the two calls share, returns scenario 1's answer there.
    /// 16. Scenario 3 with multi-label and soft targets (rows with two 1s, rows of fractions, a row of 0s): a target
    ///    row read as one class index (its first entry, or its largest), or rounded to 0 or 1, shows, where one-hot
    ///    rows hide it.
    public static func scenarios() -> [Scenario] {
        [
            scenario("5-5-5-5, sigmoid → softmax + cross-entropy, m = 5", [5, 5, 5, 5], .sigmoid, .softmaxCrossEntropy, m: 5, seed: 11),
            scenario("5-5-5-5, sigmoid → softmax + cross-entropy, m = 1", [5, 5, 5, 5], .sigmoid, .softmaxCrossEntropy, m: 1, seed: 11),
            scenario("6-5-3, tanh → sigmoid + cross-entropy, m = 7", [6, 5, 3], .tanh, .sigmoidCrossEntropy, m: 7, seed: 12),
            scenario("5-7-6-3, relu → softmax + cross-entropy, m = 9", [5, 7, 6, 3], .relu, .softmaxCrossEntropy, m: 9, seed: 13),
            scenario("4-6-3, relu → softmax + cross-entropy, logits of ±800 and more, m = 6", [4, 6, 3], .relu,
                     .softmaxCrossEntropy, m: 6, seed: 14, largestLogit: 800),
            scenario("4-6-3, tanh → sigmoid + cross-entropy, logits of ±800 and more, m = 6", [4, 6, 3], .tanh,
                     .sigmoidCrossEntropy, m: 6, seed: 15, largestLogit: 800),
            // The last two take apart what the first six keep together (a sigmoid output only after two layers and a
            // tanh, logits in the hundreds only after two layers), so that a pattern of right and wrong scenarios
            // can be read as one property of them.
            scenario("6-5-4-3, sigmoid → sigmoid + cross-entropy, m = 4", [6, 5, 4, 3], .sigmoid, .sigmoidCrossEntropy, m: 4, seed: 16),
            scenario("5-6-5-3, tanh → softmax + cross-entropy, logits of ±800 and more, m = 5", [5, 6, 5, 3], .tanh,
                     .softmaxCrossEntropy, m: 5, seed: 17, largestLogit: 800),
            // The first network and m again, with another batch: every weight, bias and shape the same as in
            // scenario 1, only the inputs differ, so an answer kept by anything but the inputs' values shows.
            scenario("5-5-5-5, sigmoid → softmax + cross-entropy, m = 5, another batch", [5, 5, 5, 5], .sigmoid,
                     .softmaxCrossEntropy, m: 5, seed: 11, batchSeed: 21, base: 0),
            // Scenario 1 again with one input changed at a time: every example's target moved to the next class
            // (the same inputs X, so the same activations), then other weights and biases (the same batch). A step
            // whose answer is kept by some of its inputs (the activations alone, the weights alone) shows.
            scenario("5-5-5-5, sigmoid → softmax + cross-entropy, m = 5, the same inputs with other targets", [5, 5, 5, 5],
                     .sigmoid, .softmaxCrossEntropy, m: 5, seed: 11, shiftTargets: true, base: 0),
            scenario("5-5-5-5, sigmoid → softmax + cross-entropy, m = 5, the same batch with other weights", [5, 5, 5, 5],
                     .sigmoid, .softmaxCrossEntropy, m: 5, seed: 11, networkSeed: 41, base: 0),
            // One example's inputs scaled up until, through the ReLU units, its largest logit is more than 1500 from
            // another example's: each row needs its own largest logit subtracted before the exponential.
            scenario("4-6-3, relu → softmax + cross-entropy, one example's logits in the thousands, m = 6", [4, 6, 3], .relu,
                     .softmaxCrossEntropy, m: 6, seed: 18, spreadRows: true),
        ] + ["first", "second", "third"].enumerated().map { index, which in
            // Scenario 1 with one input of each matrix step from scenario 11 (other weights, the same batch).
            let other = scenario("", [5, 5, 5, 5], .sigmoid, .softmaxCrossEntropy, m: 5, seed: 11, networkSeed: 41)
            var mixed = scenario("5-5-5-5, sigmoid → softmax + cross-entropy, m = 5, its \(which) input from scenario 11",
                                 [5, 5, 5, 5], .sigmoid, .softmaxCrossEntropy, m: 5, seed: 11, base: 0)
            mixed.mixed = (index, other.network, other.batch)
            return mixed
        } + [
            // Scenario 3 with targets that are not one-hot (a sigmoid output's targets are independent labels in
            // [0, 1]): a target read as one class index, as the row's largest entry, or rounded to 0 or 1, shows.
            scenario("6-5-3, tanh → sigmoid + cross-entropy, m = 7, multi-label and soft targets", [6, 5, 3], .tanh,
                     .sigmoidCrossEntropy, m: 7, seed: 12, multiLabel: true),
        ]
    }

    /// A scenario: a Xavier-initialised network with biases in [−0.5, 0.5) (so that a missing bias shows) and a
    /// seeded batch. With `largestLogit`, the output layer's weights are scaled so that they add at most ±100 to a
    /// logit, and its first two biases are +largestLogit and −largestLogit: every example then has a logit far
    /// above 709 (whose exponential overflows) and one far below −745 (whose exponential is 0).
    static func scenario(_ name: String, _ sizes: [Int], _ hidden: Activation, _ output: OutputLayer, m: Int,
                         seed: UInt64, batchSeed: UInt64? = nil, largestLogit: Double? = nil, shiftTargets: Bool = false,
                         networkSeed: UInt64? = nil, spreadRows: Bool = false, multiLabel: Bool = false,
                         base: Int? = nil) -> Scenario {
        // The shapes are fixed and valid, so building the network cannot fail.
        let weightSeed = networkSeed ?? seed
        let plain = try! Network<Double>(sizes: sizes, hidden: hidden, output: output, initialization: .xavier, seed: weightSeed)
        var layers = plain.layers
        var generator = SplitMix64(seed: weightSeed &+ 2)
        for l in layers.indices {
            for j in layers[l].biases.indices { layers[l].biases[j] = generator.nextUniform(in: -0.5, 0.5) }
        }
        var network = try! Network(sizes: sizes, hidden: hidden, output: output, layers: layers)
        var batch = Batch.synthetic(for: network, examples: m, seed: batchSeed ?? seed &+ 1)
        if shiftTargets {
            // Each row's target moved one class on (cyclically): every example's target differs.
            let y = batch.targets
            batch = Batch(inputs: batch.inputs, targets: Matrix(rows: y.rows, columns: y.columns, elements: (0..<y.rows).flatMap { i in
                (0..<y.columns).map { j in y[i, (j + y.columns - 1) % y.columns] } }))
        }
        if multiLabel {
            // Every even row also gets the next class (two 1s); every third row from row 1 is soft (fractions
            // strictly between 0 and 1); the last row, none (all 0s).
            let y = batch.targets
            batch = Batch(inputs: batch.inputs, targets: Matrix(rows: y.rows, columns: y.columns, elements: (0..<y.rows).flatMap { i in
                (0..<y.columns).map { j -> Double in
                    let previous = y[i, (j + y.columns - 1) % y.columns] == 1
                    if i == y.rows - 1 { return 0 }
                    if i % 3 == 1 { return y[i, j] == 1 ? 0.7 : previous ? 0.2 : 0.1 }
                    return y[i, j] == 1 || (i % 2 == 0 && previous) ? 1 : 0
                } }))
        }
        if spreadRows {
            // The rows' largest logits, furthest apart.
            func spread(_ batch: Batch<Double>) -> Double {
                let z = MatrixForm.pass(network, inputs: batch.inputs, targets: batch.targets).z[sizes.count - 1]
                let tops = (0..<z.rows).map { z.row($0).max()! }
                return tops.max()! - tops.min()!
            }
            let original = batch
            var scale = 10.0
            repeat {
                scale *= 2
                var x = original.inputs
                for k in 0..<x.columns { x[0, k] *= scale }
                batch = Batch(inputs: x, targets: original.targets)
            } while spread(batch) < 1500 && scale < 1e6
        }
        if let largestLogit {
            let top = layers.count - 1
            network.layers[top].biases = network.layers[top].biases.map { _ in 0 }
            let logits = MatrixForm.pass(network, inputs: batch.inputs, targets: batch.targets).z[sizes.count - 1]
            let factor = 100 / logits.elements.map(abs).max()!
            network.layers[top].weights = network.layers[top].weights.map { $0 * factor }
            network.layers[top].biases[0] = largestLogit
            network.layers[top].biases[1] = -largestLogit
        }
        var made = Scenario(name: name, network: network, batch: batch, largeLogits: largestLogit != nil || spreadRows)
        made.base = base
        return made
    }

    /// One call of a step: which scenario, and which layer (for the batch steps) or example (for `oneExample`).
    public struct Call: Codable, Hashable, Sendable {
        public var step: Step
        public var scenario: Int
        /// The layer l, or the example's row for `oneExample`, or 0 for the output error and the engine.
        public var index: Int

        public init(step: Step, scenario: Int, index: Int) {
            self.step = step
            self.scenario = scenario
            self.index = index
        }
    }

    /// Every call of `step`, scenario by scenario: every layer of a batch step, the output layer for the output
    /// error (layers from the top down for the hidden error, as backpropagation meets them), up to three examples
    /// for the one-example step, one engine call per scenario.
    public static func calls(_ step: Step, scenarios: [Scenario]) -> [Call] {
        scenarios.indices.flatMap { s -> [Call] in
            let L = scenarios[s].network.layerCount
            let indices: [Int] = switch step {
            case .oneExample: Array(0..<min(3, scenarios[s].examples))
            case .forward, .weightGradient, .biasGradient: Array(1...L)
            case .outputError, .batchEngine: [0]
            case .hiddenError: Array(stride(from: L - 1, through: 1, by: -1))
            }
            return indices.map { Call(step: step, scenario: s, index: $0) }
        }
    }

    /// A step's inputs for one call, made by the reference steps, and the output the step should return.
    public struct Inputs: Sendable {
        public var matrices: [(name: String, value: Matrix<Double>)] = []
        public var vector: (name: String, value: [Double])?
        public var expected: Output
    }

    /// The inputs and the expected output of `call`, from the scenario's reference pass; for a mixed scenario, one
    /// input of a matrix step from the other scenario's call and the expected output made again by the reference.
    public static func inputs(_ call: Call, _ scenario: Scenario, pass: MatrixForm.Pass<Double>) -> Inputs {
        var given = plainInputs(call, scenario, pass: pass)
        guard let mix = scenario.mixed, ![.oneExample, .batchEngine].contains(call.step), mix.index < given.matrices.count
        else { return given }
        let other = Scenario(name: "", network: mix.network, batch: mix.batch)
        let theirs = plainInputs(call, other, pass: MatrixForm.pass(mix.network, inputs: mix.batch.inputs, targets: mix.batch.targets))
        given.matrices[mix.index].value = theirs.matrices[mix.index].value
        let m = given.matrices.map(\.value), network = scenario.network
        switch call.step {
        case .forward: given.expected = .matrix(MatrixForm.forward(m[0], m[1], given.vector!.value))
        case .outputError: given.expected = .matrix(MatrixForm.outputError(m[0], m[1], layer: network.output))
        case .hiddenError: given.expected = .matrix(MatrixForm.hiddenError(m[0], m[1], m[2], network.hidden))
        case .weightGradient: given.expected = .matrix(MatrixForm.weightGradient(m[0], m[1]))
        case .biasGradient: given.expected = .vector(MatrixForm.biasGradient(m[0]))
        case .oneExample, .batchEngine: break
        }
        return given
    }

    static func plainInputs(_ call: Call, _ scenario: Scenario, pass: MatrixForm.Pass<Double>) -> Inputs {
        let network = scenario.network, l = call.index, L = network.layerCount
        switch call.step {
        case .oneExample:
            let x = scenario.batch.inputs.row(l), y = scenario.batch.targets.row(l)
            let one = MatrixForm.pass(network, inputs: Matrix(rows: 1, columns: x.count, elements: x),
                                          targets: Matrix(rows: 1, columns: y.count, elements: y))
            return Inputs(matrices: [("x", Matrix(rows: x.count, columns: 1, elements: x)),
                                     ("y", Matrix(rows: y.count, columns: 1, elements: y))],
                          expected: .gradients(one.gradients))
        case .forward:
            let layer = network.layers[l - 1]
            return Inputs(matrices: [("A\(sup(l - 1))", pass.a[l - 1]), ("W\(sup(l))", layer.weights)],
                          vector: ("b\(sup(l))", layer.biases), expected: .matrix(pass.z[l]))
        case .outputError:
            return Inputs(matrices: [("A\(sup(L))", pass.a[L]), ("Y", scenario.batch.targets)],
                          expected: .matrix(pass.deltas[L]))
        case .hiddenError:
            return Inputs(matrices: [("Δ\(sup(l + 1))", pass.deltas[l + 1]), ("W\(sup(l + 1))", network.layers[l].weights),
                                     ("A\(sup(l))", pass.a[l])],
                          expected: .matrix(pass.deltas[l]))
        case .weightGradient:
            return Inputs(matrices: [("A\(sup(l - 1))", pass.a[l - 1]), ("Δ\(sup(l))", pass.deltas[l])],
                          expected: .matrix(pass.gradients.layers[l - 1].weights))
        case .biasGradient:
            return Inputs(matrices: [("Δ\(sup(l))", pass.deltas[l])],
                          expected: .vector(pass.gradients.layers[l - 1].biases))
        case .batchEngine:
            return Inputs(matrices: [("X", scenario.batch.inputs), ("Y", scenario.batch.targets)],
                          expected: .gradients(pass.gradients))
        }
    }

    /// "¹", "²³": a layer number as a superscript.
    static func sup(_ n: Int) -> String { NumberFormat.superscript(n) }

    /// What a call of a student's step gave.
    public enum Output: Sendable, Equatable {
        case matrix(Matrix<Double>)
        case vector([Double])
        case gradients(Gradients<Double>)
        /// The step threw `NotWrittenYet`.
        case notWritten(exercise: Int)
        /// The step threw another error (its description).
        case threw(String)
    }
}
