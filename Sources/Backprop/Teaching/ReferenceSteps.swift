/// The five steps of the matrix form written as the bitwise contract says, literally: each element one chain of
/// fused multiply-adds in index order, then one multiplication (docs/bitwise-identity.md). Composed, they give
/// the library's engines' gradients to the last bit (ReferenceStepsTests). `StudentCheck` uses them to make each
/// step's inputs and its expected output, and to reproduce a mistake it suspects (`StepMistake`).
public enum ReferenceSteps {
    /// Zˡ = Aˡ⁻¹ Wˡ + bˡ: each element bⱼ, then fma(Aˡ⁻¹[i, k], Wˡ[k, j], ·) for k in order.
    /// - Precondition: input `[m, h_{l−1}]`, weights `[h_{l−1}, h_l]`, h_l biases.
    public static func forward(_ input: Matrix<Double>, _ weights: Matrix<Double>, _ bias: [Double],
                               mistake: StepMistake? = nil) -> Matrix<Double> {
        let w = mistake == .transposedWeights ? weights.transposed : weights
        var z = Matrix<Double>(rows: input.rows, columns: w.columns)
        var carried = 0.0
        for i in 0..<input.rows {
            for j in 0..<w.columns {
                let b = bias[mistake == .biasIndexedByExample ? i : j]
                var sum = mistake == .missingBias || mistake == .biasInsideSum ? 0 : b
                if mistake == .sumNotReset { sum += carried }
                for k in terms(input.columns, mistake) {
                    sum = sum.addingProduct(input[i, k], w[k, j])
                    if mistake == .biasInsideSum { sum += b }
                }
                carried = sum - (mistake == .sumNotReset ? b : 0)
                z[i, j] = sum
            }
        }
        return z
    }

    /// Δᴸ = Aᴸ − Y, element by element.
    public static func outputError(_ output: Matrix<Double>, _ targets: Matrix<Double>,
                                   mistake: StepMistake? = nil) -> Matrix<Double> {
        if mistake == .softmaxAppliedAgain || mistake == .sigmoidAppliedAgain {
            let layer: OutputLayer = mistake == .softmaxAppliedAgain ? .softmaxCrossEntropy : .sigmoidCrossEntropy
            return outputError(output.mapRows { layer.activation($0) }, targets)
        }
        var delta = Matrix<Double>(rows: output.rows, columns: output.columns)
        for i in 0..<output.rows {
            for j in 0..<output.columns {
                let a = output[i, j]
                delta[i, j] = mistake == .extraDerivativeAtOutput ? (a - targets[i, j]) * (a * (1 - a)) : a - targets[i, j]
            }
        }
        return delta
    }

    /// Δˡ = (Δˡ⁺¹ (Wˡ⁺¹)ᵀ) ∘ σ′(Zˡ): each element a chain fma(Δˡ⁺¹[i, k], Wˡ⁺¹[j, k], ·) from +0 for k in order,
    /// then × σ′ computed from Aˡ.
    public static func hiddenError(_ deltaAbove: Matrix<Double>, _ weightsAbove: Matrix<Double>,
                                   _ activations: Matrix<Double>, _ hidden: Activation,
                                   mistake: StepMistake? = nil) -> Matrix<Double> {
        let w = mistake == .untransposedWeights ? weightsAbove.transposed : weightsAbove
        var delta = Matrix<Double>(rows: deltaAbove.rows, columns: w.rows)
        var sum = 0.0
        for i in 0..<deltaAbove.rows {
            for j in 0..<w.rows {
                if mistake != .sumNotReset { sum = 0 }
                for k in terms(deltaAbove.columns, mistake) { sum = sum.addingProduct(deltaAbove[i, k], w[j, k]) }
                let a = activations[i, j]
                switch mistake {
                case .missingDerivative: delta[i, j] = sum
                case .derivativeOfActivation: delta[i, j] = sum * hidden.derivative(fromActivation: hidden.value(a))
                case .activationForDerivative: delta[i, j] = sum * a
                case .valueForDerivative: delta[i, j] = sum * hidden.value(a)
                case .sigmoidDerivativeAlways: delta[i, j] = sum * (a * (1 - a))
                default: delta[i, j] = sum * hidden.derivative(fromActivation: a)
                }
            }
        }
        return delta
    }

    /// ∂Wˡ = (1/m) (Aˡ⁻¹)ᵀ Δˡ: each element a chain fma(Aˡ⁻¹[i, k], Δˡ[i, j], ·) from +0 over the examples i in
    /// order, then × (1/m).
    public static func weightGradient(_ input: Matrix<Double>, _ delta: Matrix<Double>,
                                      mistake: StepMistake? = nil) -> Matrix<Double> {
        let m = input.rows
        let scale = self.scale(m, mistake)
        var gradient = Matrix<Double>(rows: input.columns, columns: delta.columns)
        var sum = 0.0
        for k in 0..<input.columns {
            for j in 0..<delta.columns {
                if mistake != .sumNotReset { sum = 0 }
                for i in terms(m, mistake) { sum = sum.addingProduct(input[i, k], delta[i, j]) }
                gradient[k, j] = sum * scale
            }
        }
        return gradient
    }

    /// ∂bˡ = (1/m) Σᵢ Δˡ[i, :]: each column summed down the rows in order from +0, then × (1/m).
    public static func biasGradient(_ delta: Matrix<Double>, mistake: StepMistake? = nil) -> [Double] {
        let m = delta.rows
        let scale = self.scale(m, mistake)
        if mistake == .biasSummedOverUnits {
            return (0..<m).map { i in (0..<delta.columns).reduce(0.0) { $0 + delta[i, $1] } * scale }
        }
        var sum = 0.0
        return (0..<delta.columns).map { j in
            if mistake == .lastExampleOnly { return delta[m - 1, j] * scale }
            if mistake == .firstExampleOnly { return delta[0, j] * scale }
            if mistake != .sumNotReset { sum = 0 }
            for i in terms(m, mistake) { sum += delta[i, j] }
            return sum * scale
        }
    }

    /// The terms of a sum over `count` indices, as `mistake` takes them: all, or all but the first or the last.
    static func terms(_ count: Int, _ mistake: StepMistake?) -> Range<Int> {
        switch mistake {
        case .sumSkipsFirst: min(1, count)..<count
        case .sumSkipsLast: 0..<max(count - 1, 0)
        default: 0..<count
        }
    }

    /// The factor of the mean over m examples, as `mistake` takes it.
    static func scale(_ m: Int, _ mistake: StepMistake?) -> Double {
        switch mistake {
        case .missingMean: 1
        case .meanOverMMinusOne: 1 / Double(max(m - 1, 1))
        default: 1 / Double(m)
        }
    }

    /// Everything one batch computes on its way, as the steps above compute it: Zˡ and Aˡ (A⁰ = X), Δˡ, and the
    /// gradients. Index l of each array is layer l (index 0 of `z` and `deltas` is unused).
    public struct Pass: Sendable {
        public var z: [Matrix<Double>]
        public var a: [Matrix<Double>]
        public var deltas: [Matrix<Double>]
        public var gradients: Gradients<Double>
    }

    /// The whole pass of `network` on (X, Y).
    /// - Precondition: the batch fits the network, whose output pairing gives Δᴸ = Aᴸ − Y.
    public static func pass(_ network: Network<Double>, inputs: Matrix<Double>, targets: Matrix<Double>) -> Pass {
        let L = network.layerCount, m = inputs.rows
        var z = [Matrix<Double>(rows: 0, columns: 0)], a = [inputs]
        for l in 1...L {
            let layer = network.layers[l - 1]
            let zl = forward(a[l - 1], layer.weights, layer.biases)
            z.append(zl)
            a.append(l < L ? zl.map { network.hidden.value($0) } : zl.mapRows { network.output.activation($0) })
        }
        var deltas = [Matrix<Double>](repeating: Matrix(rows: 0, columns: 0), count: L + 1)
        deltas[L] = outputError(a[L], targets)
        for l in stride(from: L - 1, through: 1, by: -1) {
            deltas[l] = hiddenError(deltas[l + 1], network.layers[l].weights, a[l], network.hidden)
        }
        var loss = 0.0
        for i in 0..<m { loss += network.output.loss(logits: z[L].row(i), activation: a[L].row(i), target: targets.row(i)) }
        let layers = (1...L).map { l in
            LayerParameters(weights: weightGradient(a[l - 1], deltas[l]), biases: biasGradient(deltas[l]))
        }
        return Pass(z: z, a: a, deltas: deltas, gradients: Gradients(loss: loss * (1 / Double(m)), layers: layers))
    }
}

/// A mistake `ReferenceSteps` can make on purpose, so that the checker can recognise it in a student's step by
/// reproducing it.
public enum StepMistake: String, CaseIterable, Sendable {
    // forward
    case missingBias, transposedWeights, biasIndexedByExample, biasInsideSum
    // output error
    case extraDerivativeAtOutput, softmaxAppliedAgain, sigmoidAppliedAgain
    // hidden error
    case untransposedWeights, missingDerivative, derivativeOfActivation, activationForDerivative, valueForDerivative
    case sigmoidDerivativeAlways
    // weight and bias gradients
    case missingMean, meanOverMMinusOne, biasSummedOverUnits, lastExampleOnly, firstExampleOnly
    // any sum
    case sumSkipsFirst, sumSkipsLast, sumNotReset

    /// What the checker tells the student, in a sentence or two.
    public var explanation: String {
        switch self {
        case .missingBias:
            "the bias is missing: Zˡ = Aˡ⁻¹ Wˡ + bˡ adds bⱼ to every row's column j."
        case .transposedWeights:
            "Wˡ was read transposed: with the note's Wˡ of shape (h_{l−1} × h_l), Zˡ[i, j] = bⱼ + Σₖ Aˡ⁻¹[i, k] Wˡ[k, j]. A square Wˡ hid the mistake from the shapes."
        case .biasIndexedByExample:
            "the bias was indexed by the example (b[i]) instead of by the unit (b[j]): every row gets the same bˡ."
        case .biasInsideSum:
            "the bias was added inside the sum over k, once per term: add bⱼ once, before (or after) the sum."
        case .softmaxAppliedAgain, .sigmoidAppliedAgain:
            "the output activation was applied to Aᴸ again: Aᴸ already is σᴸ(Zᴸ), so Δᴸ = Aᴸ − Y as it is."
        case .extraDerivativeAtOutput:
            "Δᴸ was multiplied by σ′(Zᴸ). With cross-entropy that factor cancels: Δᴸ = Aᴸ − Y exactly."
        case .untransposedWeights:
            "the hidden error used Δˡ⁺¹ Wˡ⁺¹ (or W[k, j] for W[j, k]): with Wˡ⁺¹ of shape (h_l × h_{l+1}) the error flows back as Δˡ⁺¹ (Wˡ⁺¹)ᵀ, Σₖ Δˡ⁺¹[i, k] Wˡ⁺¹[j, k]. A square Wˡ⁺¹ hid the mistake from the shapes."
        case .missingDerivative:
            "the ∘ σ′(Zˡ) is missing: after Δˡ⁺¹ (Wˡ⁺¹)ᵀ, multiply each element by hidden.derivative(fromActivation: Aˡ[i, j])."
        case .derivativeOfActivation:
            "σ′ was applied to σ(Aˡ): derivative(fromActivation:) takes the activation a = σ(z) itself, so pass Aˡ[i, j], not σ of it."
        case .activationForDerivative:
            "the error was multiplied by the activation Aˡ[i, j] instead of σ′ computed from it (hidden.derivative(fromActivation:))."
        case .valueForDerivative:
            "the error was multiplied by σ (hidden.value) where σ′ belongs: use hidden.derivative(fromActivation: Aˡ[i, j])."
        case .sigmoidDerivativeAlways:
            "σ′ was written as a(1 − a), the sigmoid's derivative, whatever the activation: use hidden.derivative(fromActivation: Aˡ[i, j]), which knows tanh and relu too."
        case .missingMean:
            "the 1/m is missing: the gradients are of the MEAN loss, so the sum over the m examples is multiplied by 1/m."
        case .biasSummedOverUnits:
            "∂bˡ summed each example's row (over the units). The bias gradient sums DOWN each column, over the examples: np.sum(Δ, axis=0), then 1/m."
        case .meanOverMMinusOne:
            "the mean was taken over m − 1: the sum over the m examples is multiplied by 1/m."
        case .lastExampleOnly:
            "only the last example counts: the sum over the examples overwrites (=) where it should add (+=)."
        case .firstExampleOnly:
            "only the first example (row 0) was summed: the sum runs over every row i = 0…m−1."
        case .sumSkipsFirst:
            "the sum misses its first term: a loop starting at 1 where it should start at 0."
        case .sumSkipsLast:
            "the sum misses its last term: a loop bound one short (..< n − 1, or ...n − 2)."
        case .sumNotReset:
            "the running sum is never reset: it carries over from one element to the next. Start it again (from 0, or the bias) for every element."
        }
    }
}

extension Matrix where Scalar == Double {
    /// The matrix with `transform` applied to every element.
    public func map(_ transform: (Double) -> Double) -> Matrix<Double> {
        Matrix(rows: rows, columns: columns, elements: elements.map(transform))
    }

    /// The matrix with `transform` applied to every row (a softmax, say); each row must keep its length.
    public func mapRows(_ transform: ([Double]) -> [Double]) -> Matrix<Double> {
        Matrix((0..<rows).map { transform(row($0)) })
    }
}
