/// The independent oracle: gradients by central finite differences of the mean loss, in Double.
///
/// Two engines that agree to the last bit could still both be wrong in the same way; this check cannot share
/// their mistake. It evaluates the mean loss 𝓛(θ) with a plain forward pass of its own (straightforward loops, no
/// kernels, no chain rule) and differentiates it numerically with the five-point central difference
///
///     ∂𝓛/∂θ ≈ [8 (𝓛(θ + ε) − 𝓛(θ − ε)) − (𝓛(θ + 2ε) − 𝓛(θ − 2ε))] / 12ε,   ε = 10⁻³,
///
/// whose error is O(ε⁴) (about 10⁻¹² here) instead of the two-point formula's O(ε²) plus rounding (about 10⁻¹⁰),
/// so that CS231n's relative error |g − ĝ| / max(|g|, |ĝ|) (g the engine's entry, ĝ the estimate) can be held to 10⁻⁷ even for small entries.
/// See docs/gradient-checking.md.
///
/// ReLU has kinks at 0 where the derivative jumps; an entry whose perturbation moves any hidden pre-activation
/// across 0 is reported as skipped, not compared. Large layers are checked on a seeded sample of entries.
///
/// The difference quotient carries the rounding error of the four losses it subtracts, about u·|𝓛|/ε (u = 2⁻⁵³):
/// with saturated logits 𝓛 is in the thousands, and a gradient that is exactly 0 (a softmax output that is exactly
/// 0 or 1) comes out as ±10⁻¹¹, a relative error of 1. A difference no larger than that noise is below what the
/// oracle can tell: such an entry counts as agreeing, apart (`withinNoise`), when its relative error is larger than
/// 10⁻⁹.
public struct GradientCheck: Sendable {
    /// The step ε.
    public var step: Double = 1e-3
    /// At most this many entries of each Wˡ and of each bˡ are checked (a seeded sample); `nil` checks all.
    public var entriesPerParameter: Int? = 24
    /// The seed of the sample.
    public var seed: UInt64 = 0x5eed

    public init(entriesPerParameter: Int? = 24, seed: UInt64 = 0x5eed) {
        self.entriesPerParameter = entriesPerParameter
        self.seed = seed
    }

    /// The result for one parameter array (one Wˡ or one bˡ).
    public struct Entries: Equatable, Sendable {
        /// Entries compared.
        public var checked = 0
        /// Entries skipped because a perturbation crossed a ReLU kink.
        public var skippedAtKinks = 0
        /// Entries whose relative error exceeds 10⁻⁹ only because the analytic and numeric values differ by less than
        /// the difference quotient's own rounding noise (a gradient of 0, or nearly): agreeing, and counted apart.
        public var withinNoise = 0
        /// The largest relative error |a − n| / max(|a|, |n|) over the compared entries (0 when both are 0).
        public var maximumRelativeError = 0.0
        /// The index (row-major) of the worst entry.
        public var worstIndex: Int?
        /// The engine's and the oracle's values at the worst entry.
        public var worstAnalytic = 0.0, worstNumeric = 0.0
        /// Every compared (index, analytic, numeric), for diagnosis.
        public var samples: [(index: Int, analytic: Double, numeric: Double)] = []

        public static func == (lhs: Entries, rhs: Entries) -> Bool {
            lhs.checked == rhs.checked && lhs.skippedAtKinks == rhs.skippedAtKinks && lhs.withinNoise == rhs.withinNoise
                && lhs.maximumRelativeError == rhs.maximumRelativeError && lhs.worstIndex == rhs.worstIndex
        }
    }

    /// The result for one layer.
    public struct Layer: Equatable, Sendable {
        public var weights = Entries()
        public var biases = Entries()
    }

    /// CS231n's relative error.
    public static func relativeError(_ analytic: Double, _ numeric: Double) -> Double {
        let scale = max(abs(analytic), abs(numeric))
        return scale == 0 ? 0 : abs(analytic - numeric) / scale
    }

    /// One entry's numeric derivative and the rounding noise of its difference quotient.
    public struct Numeric: Sendable {
        public var value: Double
        public var noise: Double
    }

    /// The oracle's numbers for one layer: the sampled indices of Wˡ and bˡ and ∂𝓛/∂θ at each (nil: at a kink).
    public struct NumericLayer: Sendable {
        public var weights: [(index: Int, value: Numeric?)]
        public var biases: [(index: Int, value: Numeric?)]
    }

    /// Finite differences of `network`'s mean loss on (X, Y) at a seeded sample of entries, in Double.
    /// - Complexity: four evaluations of the mean loss (a forward pass over the batch) per sampled entry.
    public func numericGradients<T: BackpropScalar>(
        network: Network<T>, inputs: Matrix<T>, targets: Matrix<T>
    ) throws -> [NumericLayer] {
        var oracle = ReferenceLoss(network: try network.converted(to: Double.self),
                                   inputs: inputs.converted(), targets: targets.converted())
        var generator = SplitMix64(seed: seed)
        var result: [NumericLayer] = []
        for l in 1...network.layerCount {
            let layer = network.layers[l - 1]
            let weights = sample(layer.weights.elements.count, &generator).map {
                (index: $0, value: oracle.derivative(layer: l, weightIndex: $0, bias: false, step: step))
            }
            let biases = sample(layer.biases.count, &generator).map {
                (index: $0, value: oracle.derivative(layer: l, weightIndex: $0, bias: true, step: step))
            }
            result.append(NumericLayer(weights: weights, biases: biases))
        }
        return result
    }

    /// Compares an engine's `gradients` with the oracle's numbers.
    public func compare<T: BackpropScalar>(_ gradients: Gradients<T>, with numeric: [NumericLayer]) -> [Layer] {
        zip(gradients.layers, numeric).map { analytic, oracle in
            var layer = Layer()
            for (index, value) in oracle.weights {
                record(&layer.weights, index, Double(analytic.weights.elements[index]), value)
            }
            for (index, value) in oracle.biases {
                record(&layer.biases, index, Double(analytic.biases[index]), value)
            }
            return layer
        }
    }

    /// Compares `gradients` (from any engine, in any precision) with finite differences of `network`'s mean loss
    /// on (X, Y), all evaluated in Double.
    public func check<T: BackpropScalar>(
        _ gradients: Gradients<T>, network: Network<T>, inputs: Matrix<T>, targets: Matrix<T>
    ) throws -> [Layer] {
        compare(gradients, with: try numericGradients(network: network, inputs: inputs, targets: targets))
    }

    private func sample(_ count: Int, _ generator: inout SplitMix64) -> [Int] {
        var indices = Array(0..<count)
        guard let limit = entriesPerParameter, limit < count else { return indices }
        // A partial Fisher–Yates shuffle: the first `limit` entries are a uniform sample without replacement.
        for i in 0..<limit {
            let j = i + generator.nextInt(below: count - i)
            indices.swapAt(i, j)
        }
        return Array(indices[0..<limit]).sorted()
    }

    private func record(_ entries: inout Entries, _ index: Int, _ analytic: Double, _ oracle: Numeric?) {
        guard let oracle else {
            entries.skippedAtKinks += 1
            return
        }
        let numeric = oracle.value
        entries.checked += 1
        entries.samples.append((index, analytic, numeric))
        var error = Self.relativeError(analytic, numeric)
        if abs(analytic - numeric) <= oracle.noise && error > 1e-9 {
            entries.withinNoise += 1
            error = 0
        }
        if entries.worstIndex == nil || error > entries.maximumRelativeError || error.isNaN {
            entries.maximumRelativeError = error.isNaN ? .infinity : error
            entries.worstIndex = index
            entries.worstAnalytic = analytic
            entries.worstNumeric = numeric
        }
    }
}

/// The oracle's own mean loss: a forward pass in Double with plain loops, sharing nothing with the engines but
/// the definitions of σ and of the loss.
struct ReferenceLoss {
    var network: Network<Double>
    let inputs: Matrix<Double>
    let targets: Matrix<Double>

    /// L and a signature of which ReLU units were active (to detect kink crossings).
    func evaluate() -> (loss: Double, signature: UInt64) {
        let sizes = network.sizes, depth = network.layerCount, c = network.outputCount
        var total = 0.0
        var signature: UInt64 = 0xcbf2_9ce4_8422_2325
        for example in 0..<inputs.rows {
            var a = inputs.row(example)
            var z: [Double] = []
            for l in 1...depth {
                let layer = network.layers[l - 1]
                z = layer.biases
                for i in 0..<sizes[l - 1] {
                    let ai = a[i]
                    for j in 0..<sizes[l] { z[j] += ai * layer.weights.elements[i * sizes[l] + j] }
                }
                if l < depth {
                    a = z.map { network.hidden.value($0) }
                    if network.hidden == .relu {
                        for value in z {
                            signature = (signature ^ (value > 0 ? 1 : 0)) &* 0x100_0000_01b3
                        }
                    }
                }
            }
            var output = [Double](repeating: 0, count: c)
            let y = targets.row(example)
            let loss = z.withUnsafeBufferPointer { zp in
                output.withUnsafeMutableBufferPointer { ap in
                    y.withUnsafeBufferPointer { yp in
                        network.output.activate(zp.baseAddress!, into: ap.baseAddress!, count: c)
                        return network.output.exampleLoss(logits: zp.baseAddress!, activation: ap.baseAddress!,
                                                          target: yp.baseAddress!, count: c)
                    }
                }
            }
            total += loss
        }
        return (total / Double(inputs.rows), signature)
    }

    /// ∂𝓛/∂θ by the five-point central difference with its rounding noise, or nil if a perturbation crossed a ReLU
    /// kink.
    mutating func derivative(layer l: Int, weightIndex index: Int, bias: Bool, step epsilon: Double) -> GradientCheck.Numeric? {
        let original = bias ? network.layers[l - 1].biases[index] : network.layers[l - 1].weights.elements[index]
        func loss(at offset: Double?) -> (Double, UInt64) {
            // nil restores the exact original (original + 0 would turn −0 into +0).
            let value = offset.map { original + $0 } ?? original
            if bias {
                network.layers[l - 1].biases[index] = value
            } else {
                network.layers[l - 1].weights.elements[index] = value
            }
            return evaluate()
        }
        let (lp2, sp2) = loss(at: 2 * epsilon), (lp1, sp1) = loss(at: epsilon)
        let (lm1, sm1) = loss(at: -epsilon), (lm2, sm2) = loss(at: -2 * epsilon)
        let (_, s0) = loss(at: nil)  // restores the parameter, and gives the unperturbed signature
        guard network.hidden != .relu || [sp2, sp1, sm1, sm2].allSatisfy({ $0 == s0 }) else { return nil }
        // Differences of nearby values first: exact 0 where L is flat (a dead ReLU unit), less cancellation elsewhere.
        let value = (8 * (lp1 - lm1) - (lp2 - lm2)) / (12 * epsilon)
        // Each loss is a sum of a few terms per example, each rounded: its error is a small multiple of u·|L|. The
        // quotient's weights sum to 18/12ε.
        let unit = Double.ulpOfOne / 2
        let noise = 16 * unit * (abs(lp2) + 8 * abs(lp1) + 8 * abs(lm1) + abs(lm2)) / (12 * epsilon)
        return GradientCheck.Numeric(value: value, noise: noise)
    }
}
