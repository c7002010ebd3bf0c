/// Checks an engine (a student's) against the library's engines and the finite-difference oracle, and, when it is
/// wrong, names the first wrong quantity, shows expected against got, and recognises the classic mistakes
/// (`ClassicMistake`) by reproducing them.
///
/// The verdicts:
/// - identical to the last bit (the same operations in the same order as the library's engines);
/// - correct, equal within `tolerance` of each array's scale (summed in another order, or with separate
///   multiply and add instead of FMA: the report gives the largest ULP distance and says why it is not bitwise);
/// - wrong: the first wrong quantity in the order backpropagation computes them (the loss, then ∂Wᴸ, ∂bᴸ, …,
///   ∂W¹, ∂b¹), a few entries, and the likely mistake when one matches.
public struct EngineChecker: Sendable {
    /// Arrays are "equal within rounding" when max |got − expected| ≤ tolerance · max |expected|.
    public var tolerance = 1e-11

    public init() {}

    /// A network and a batch to run the engine on.
    public struct Scenario: Sendable {
        public var name: String
        public var network: Network<Double>
        public var batch: Batch<Double>
    }

    /// Scenarios built to expose every classic mistake: a square hidden layer (so that a transpose or aˡ for
    /// aˡ⁻¹ still fits the shapes), a batch as large as a layer (so that a bias summed over the wrong axis still
    /// fits too), a sigmoid cross-entropy output, three layers, and a softmax network with tanh.
    public static func standardScenarios() -> [Scenario] {
        func scenario(_ name: String, _ sizes: [Int], _ hidden: Activation, _ output: OutputLayer, m: Int, seed: UInt64) -> Scenario {
            let network = try! Network<Double>(sizes: sizes, hidden: hidden, output: output, initialization: .xavier, seed: seed)
            let batch = Batch.synthetic(for: network, examples: m, seed: seed + 1)
            // Non-zero biases, so that leaving the bias out shows.
            var layers = network.layers
            var g = SplitMix64(seed: seed + 2)
            for l in layers.indices { for j in layers[l].biases.indices { layers[l].biases[j] = g.nextUniform(in: -0.5, 0.5) } }
            return Scenario(name: name, network: try! Network(sizes: sizes, hidden: hidden, output: output, layers: layers), batch: batch)
        }
        return [
            scenario("6-5-5-3 sigmoid → sigmoid + cross-entropy, m = 5", [6, 5, 5, 3], .sigmoid, .sigmoidCrossEntropy, m: 5, seed: 11),
            scenario("4-6-3 tanh → softmax + cross-entropy, m = 7", [4, 6, 3], .tanh, .softmaxCrossEntropy, m: 7, seed: 12),
        ]
    }

    /// The checker's verdict on one engine.
    public struct Report: Sendable {
        public enum Verdict: Equatable, Sendable {
            case identical
            /// Correct, not bitwise: the largest ULP distance seen.
            case withinRounding(maximumULPs: UInt64)
            case wrong
            /// The engine threw (for instance, a part not yet written).
            case failed
        }
        public var verdict: Verdict
        /// The recognised mistake, when the engine is wrong in a known way.
        public var mistake: ClassicMistake?
        /// The report, a line at a time, readable in 80 columns.
        public var lines: [String]

        public var passed: Bool {
            switch verdict {
            case .identical, .withinRounding: true
            case .wrong, .failed: false
            }
        }
    }

    /// Runs `engine` on every scenario and reports.
    public func check(_ engine: AnyBackpropEngine<Double>, scenarios: [Scenario] = EngineChecker.standardScenarios()) -> Report {
        var lines: [String] = []
        var worstULPs: UInt64 = 0
        var bitwise = true
        for scenario in scenarios {
            lines.append("scenario: \(scenario.name)")
            let network = scenario.network, batch = scenario.batch
            let expected = try! LoopEngine<Double>().gradients(of: network, inputs: batch.inputs, targets: batch.targets)
            let got: Gradients<Double>
            do {
                got = try engine.gradients(of: network, inputs: batch.inputs, targets: batch.targets)
            } catch {
                lines.append("  your engine threw: \(error)")
                return Report(verdict: .failed, mistake: nil, lines: lines)
            }
            if let problem = shapeProblem(got, network: network, examples: batch.count) {
                lines.append("  " + problem.text)
                if let mistake = problem.mistake { lines += wrap("likely mistake: \(mistake.explanation)") }
                return Report(verdict: .wrong, mistake: problem.mistake, lines: lines)
            }
            let difference = GradientsDifference(got, expected)
            if difference.isIdentical {
                lines.append("  identical to the library's engines, to the last bit")
                continue
            }
            bitwise = false
            if let wrong = firstWrongQuantity(got, expected) {
                lines.append("  first wrong quantity: \(wrong.name)")
                lines += wrong.samples.map { "    \($0)" }
                let textbook = TextbookBackprop(network: network, inputs: batch.inputs, targets: batch.targets)
                let mistake = recognise(got, textbook: textbook)
                if let mistake {
                    lines += wrap("likely mistake: \(mistake.explanation)")
                } else {
                    lines += genericHints(got, expected, examples: batch.count).map { "  hint: \($0)" }
                    lines.append("  (compare with finite differences: backprop check --engine student prints them per layer)")
                }
                return Report(verdict: .wrong, mistake: mistake, lines: lines)
            }
            worstULPs = max(worstULPs, difference.maximumULPs)
            lines.append("  correct, but not bitwise identical: up to \(worstULPs) ULP apart (within \(tolerance) of each array's scale)")
        }
        if bitwise {
            lines.append("PASS: identical to the last bit on every scenario.")
            return Report(verdict: .identical, mistake: nil, lines: lines)
        }
        lines.append("PASS: correct to rounding (at most \(worstULPs) ULP from the library's engines). Not bitwise: your")
        lines.append("  engine sums in another order or rounds a*b+c twice where the library uses one FMA (see")
        lines.append("  docs/bitwise-identity.md); the mathematics is right.")
        return Report(verdict: .withinRounding(maximumULPs: worstULPs), mistake: nil, lines: lines)
    }

    /// A shape that does not fit, described (and recognised when it is a classic mistake's shape).
    func shapeProblem(_ got: Gradients<Double>, network: Network<Double>, examples m: Int) -> (text: String, mistake: ClassicMistake?)? {
        guard got.layers.count == network.layerCount else {
            return ("your engine returned \(got.layers.count) layers of gradients; the network has \(network.layerCount)", nil)
        }
        for l in stride(from: network.layerCount, through: 1, by: -1) {
            let (g, p) = (got.layers[l - 1], network.layers[l - 1])
            if g.weights.rows != p.weights.rows || g.weights.columns != p.weights.columns {
                let transposed = g.weights.rows == p.weights.columns && g.weights.columns == p.weights.rows
                let ownWidth = g.weights.rows == p.weights.columns && g.weights.columns == p.weights.columns
                let shape = "∂W\(l) is \(g.weights.shapeDescription) but W\(l) is \(p.weights.shapeDescription)"
                if transposed { return (shape + ": transposed. The note's Wˡ is input × output, so ∂Wˡ = aˡ⁻¹ (δˡ)ᵀ is [h_{l−1}, h_l]", nil) }
                if ownWidth { return (shape + ": its rows count the layer's own units", .activationInsteadOfInput) }
                return (shape, nil)
            }
            if g.biases.count != p.biases.count {
                let wrongAxis = g.biases.count == m
                return ("∂b\(l) has \(g.biases.count) numbers but b\(l) has \(p.biases.count)"
                        + (wrongAxis ? " (one per example)" : ""), wrongAxis ? .biasSummedOverWrongAxis : nil)
            }
        }
        return nil
    }

    /// The first quantity, in backpropagation's order, that is off by more than rounding, with a few entries.
    func firstWrongQuantity(_ got: Gradients<Double>, _ expected: Gradients<Double>) -> (name: String, samples: [String])? {
        func off(_ a: [Double], _ b: [Double]) -> Bool {
            let scale = b.map(abs).max() ?? 0
            return zip(a, b).contains { !(abs($0 - $1) <= tolerance * max(scale, 1e-300)) }
        }
        func samples(_ a: [Double], _ b: [Double], columns: Int?) -> [String] {
            let order = a.indices.sorted { abs(a[$0] - b[$0]) > abs(a[$1] - b[$1]) }.prefix(3).sorted()
            return order.map { i in
                let place = columns.map { "[\(i / $0), \(i % $0)]" } ?? "[\(i)]"
                return "\(place)  expected \(format(b[i]))  got \(format(a[i]))"
            }
        }
        if !(abs(got.loss - expected.loss) <= tolerance * max(abs(expected.loss), 1e-300)) {
            return ("the loss L", ["expected \(format(expected.loss))  got \(format(got.loss))"])
        }
        for l in stride(from: expected.layers.count, through: 1, by: -1) {
            let (g, e) = (got.layers[l - 1], expected.layers[l - 1])
            if off(g.weights.elements, e.weights.elements) {
                return ("∂W\(l) (∂L/∂W\(l), \(e.weights.shapeDescription))", samples(g.weights.elements, e.weights.elements, columns: e.weights.columns))
            }
            if off(g.biases, e.biases) {
                return ("∂b\(l) (∂L/∂b\(l), [\(e.biases.count)])", samples(g.biases, e.biases, columns: nil))
            }
        }
        return nil
    }

    /// The classic mistake whose reproduction matches `got`, if any.
    func recognise(_ got: Gradients<Double>, textbook: TextbookBackprop) -> ClassicMistake? {
        func matches(_ simulated: Gradients<Double>) -> Bool {
            guard simulated.layers.count == got.layers.count else { return false }
            func close(_ a: [Double], _ b: [Double]) -> Bool {
                guard a.count == b.count else { return false }
                let scale = b.map(abs).max() ?? 0
                return zip(a, b).allSatisfy { abs($0 - $1) <= 1e-8 * max(scale, 1e-300) }
            }
            return zip(got.layers, simulated.layers).allSatisfy {
                close($0.weights.elements, $1.weights.elements) && close($0.biases, $1.biases)
            }
        }
        // Only called for a wrong engine, so a mistake that changes nothing in this scenario cannot match.
        let correct = textbook.gradients()
        for mistake in ClassicMistake.allCases where mistake != .weightsUpdatedDuringBackprop {
            if matches(textbook.gradients(with: mistake)) { return mistake }
        }
        // Updating weights during backprop depends on η: fit it on the first lower layer, where the effect is linear.
        let depth = got.layers.count
        guard depth >= 2 else { return nil }
        let probe = textbook.gradients(with: .weightsUpdatedDuringBackprop, learningRate: 1)
        let (c, p, g) = (correct.layers[depth - 2].weights.elements, probe.layers[depth - 2].weights.elements,
                         got.layers[depth - 2].weights.elements)
        guard let index = c.indices.max(by: { abs(p[$0] - c[$0]) < abs(p[$1] - c[$1]) }), p[index] != c[index] else { return nil }
        let eta = (g[index] - c[index]) / (p[index] - c[index])
        guard eta.isFinite, eta > 0 else { return nil }
        return matches(textbook.gradients(with: .weightsUpdatedDuringBackprop, learningRate: eta)) ? .weightsUpdatedDuringBackprop : nil
    }

    /// Signatures worth a hint when no classic mistake matches.
    func genericHints(_ got: Gradients<Double>, _ expected: Gradients<Double>, examples m: Int) -> [String] {
        let pairs = zip(got.flattened, expected.flattened).filter { abs($0.1) > 1e-12 }
        guard let first = pairs.first else { return [] }
        let ratio = first.0 / first.1
        if pairs.allSatisfy({ abs($0.0 / $0.1 - ratio) <= 1e-9 * abs(ratio) }) {
            if abs(ratio + 1) < 1e-9 { return ["every gradient has the wrong sign: δᴸ = aᴸ − y, and the update subtracts η ∂L/∂W"] }
            if abs(ratio - Double(m)) < 1e-9 { return ["every gradient is m = \(m) times too large: divide by m"] }
            return [String(format: "every gradient is %.6g times the right one: check a constant factor", ratio)]
        }
        return []
    }
}

/// `text` in lines of at most 78 columns, each indented by two spaces (four after the first).
func wrap(_ text: String, width: Int = 78) -> [String] {
    var lines: [String] = []
    var line = "  "
    for word in text.split(separator: " ") {
        if line.count + word.count + 1 > width && line.trimmingCharacters() != "" {
            lines.append(line)
            line = "    "
        }
        line += (line.hasSuffix(" ") ? "" : " ") + word
    }
    if line.trimmingCharacters() != "" { lines.append(line) }
    return lines
}

extension String {
    fileprivate func trimmingCharacters() -> String { filter { $0 != " " } }
}

private func format(_ value: Double) -> String {
    value == 0 ? "0" : String(describing: value)
}
