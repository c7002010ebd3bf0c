import Backprop

/// Each mistake made in a whole pass: `MatrixForm.pass` composed again, with the mistake made in the steps `steps`
/// (Mistake+Steps.swift) or in the composition itself (the three mistakes no single step's inputs can show). The
/// checker compares a wrong one-example gradient or a wrong engine with these.
extension Mistake {
    /// The mean loss and gradients of (X, Y) with this mistake made in `steps` (each layer's call of those steps),
    /// or nil where the mistake cannot show in this network (it needs a square layer the network lacks).
    /// `learningRate` is the η of `.weightsUpdatedDuringBackprop`.
    /// - Precondition: the batch fits the network.
    func gradients(_ network: Network<Double>, inputs x: Matrix<Double>, targets y: Matrix<Double>,
                   in steps: Set<StudentCheck.Step>, learningRate: Double = 1) -> Gradients<Double>? {
        let L = network.layerCount
        var made = false
        // The step's output with the mistake made where it is made, else the right one.
        func step<R>(_ name: StudentCheck.Step, _ mistaken: () -> R?, _ right: () -> R) -> R {
            guard steps.contains(name), let value = mistaken() else { return right() }
            made = true
            return value
        }
        var z = [Matrix<Double>(rows: 0, columns: 0)], a = [x]
        for l in 1...L {
            let (w, b) = (network.layers[l - 1].weights, network.layers[l - 1].biases)
            var input = a[l - 1]
            if self == .forwardFromInputs && l > 1 && x.columns == w.rows {
                input = x
                made = true
            }
            z.append(step(.forward, { forward(input, w, b) }, { MatrixForm.forward(input, w, b) }))
            let hiddenAtOutput = self == .hiddenActivationAtOutput && l == L
            if hiddenAtOutput { made = true }
            a.append(MatrixForm.activations(z[l], hidden: l < L || hiddenAtOutput ? network.hidden : nil, output: network.output))
        }
        var delta = step(.outputError, { outputError(a[L], y, layer: network.output) },
                         { MatrixForm.outputError(a[L], y, layer: network.output) })
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var input = a[l - 1]
            if self == .activationInsteadOfInput && a[l].columns == input.columns {
                input = a[l]
                made = true
            }
            let weightGradient = step(.weightGradient, { self.weightGradient(input, delta) },
                                      { MatrixForm.weightGradient(input, delta) })
            // Set apart: a bias gradient summed over the wrong axis has m numbers, not h_l, which the initialiser
            // refuses.
            layers[l - 1] = LayerParameters(weights: weightGradient, biases: Array(repeating: 0, count: weightGradient.columns))
            layers[l - 1].biases = step(.biasGradient, { biasGradient(delta) }, { MatrixForm.biasGradient(delta) })
            guard l > 1 else { break }
            var w = network.layers[l - 1].weights
            if self == .weightsUpdatedDuringBackprop {
                w = Matrix(rows: w.rows, columns: w.columns,
                           elements: zip(w.elements, weightGradient.elements).map { $0 - learningRate * $1 })
                made = true
            }
            var activations = self == .derivativeFromPreActivation ? z[l - 1] : a[l - 1]
            if self == .derivativeFromPreActivation { made = true }
            if self == .derivativeOfLayerAbove && a[l].columns == a[l - 1].columns {
                activations = a[l]
                made = true
            }
            delta = step(.hiddenError, { hiddenError(delta, w, activations, network.hidden) },
                         { MatrixForm.hiddenError(delta, w, activations, network.hidden) })
        }
        if self == .lossFromActivations || self == .lastLossOnly && x.rows > 1 { made = true }
        guard made else { return nil }
        var loss = MatrixForm.meanLoss(logits: self == .lossFromActivations ? a[L] : z[L], outputs: a[L], targets: y,
                                       layer: network.output)
        if self == .lastLossOnly {
            let last = x.rows - 1
            loss = network.output.loss(logits: z[L].row(last), activation: a[L].row(last), target: y.row(last)) / Double(x.rows)
        }
        return Gradients(loss: loss, layers: layers)
    }

    /// Every way the checker makes a mistake in a whole pass: each step mistake in each step that can make it,
    /// a missing or wrong mean in both gradients at once, and the mistakes of the composition.
    static var passVariants: [(mistake: Mistake, steps: Set<StudentCheck.Step>)] {
        allCases.flatMap { mistake -> [(Mistake, Set<StudentCheck.Step>)] in
            if mistake.steps.isEmpty { return [(mistake, [])] }
            var variants = mistake.steps.sorted { ($0.exercise, $0.rawValue) < ($1.exercise, $1.rawValue) }.map { (mistake, Set([$0])) }
            if mistake.steps.isSuperset(of: [.weightGradient, .biasGradient]) {
                variants.append((mistake, [.weightGradient, .biasGradient]))
            }
            return variants
        }
    }
}
