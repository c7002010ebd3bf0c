extension StudentCheck {
    /// Wrong gradients (the one-example step, or the engine): the first wrong quantity in the order
    /// backpropagation computes them, what that says about where the error starts, and a classic mistake when one
    /// reproduces them.
    static func diagnoseGradients(_ got: Gradients<Double>, _ expected: Gradients<Double>, call: Call,
                                  scenario: Scenario, into verdict: inout StepVerdict) {
        let L = expected.layers.count
        func off(_ a: [Double], _ b: [Double]) -> Bool {
            let scale = b.map(abs).max() ?? 0
            return zip(a, b).contains { !(abs($0 - $1) <= tolerance * max(scale, 1e-300)) }
        }
        let lossWrong = off([got.loss], [expected.loss])
        let weightsWrong = (0..<L).map { off(got.layers[$0].weights.elements, expected.layers[$0].weights.elements) }
        let biasesWrong = (0..<L).map { off(got.layers[$0].biases, expected.layers[$0].biases) }
        let oneExample = call.step == .oneExample
        let a = oneExample ? "a" : "A", d = oneExample ? "δ" : "Δ"

        // The first wrong quantity, from the top layer down.
        var first: (name: String, got: [Double], expected: [Double], columns: Int?)?
        if lossWrong { first = ("the loss", [got.loss], [expected.loss], nil) }
        for l in stride(from: L, through: 1, by: -1) where first == nil {
            if weightsWrong[l - 1] {
                first = ("∂W\(sup(l))", got.layers[l - 1].weights.elements, expected.layers[l - 1].weights.elements,
                         expected.layers[l - 1].weights.columns)
            } else if biasesWrong[l - 1] {
                first = ("∂b\(sup(l))", got.layers[l - 1].biases, expected.layers[l - 1].biases, nil)
            }
        }
        guard let first else { return }
        verdict.quantity = first.name
        describeDifference(first.got, first.expected, columns: first.columns, into: &verdict)

        var lines: [String] = []
        let transposed = first.columns.map { columns in
            first.got.count == columns * columns
                && close(first.got, Matrix(rows: columns, columns: columns, elements: first.expected).transposed.elements)
        } ?? false
        if transposed {
            lines.append("Your \(first.name) is the transpose of the right one (the layer is square, so the shapes could not tell): ∂Wˡ has Wˡ's shape [h_{l−1}, h_l], \(oneExample ? "aˡ⁻¹ (δˡ)ᵀ" : "(Aˡ⁻¹)ᵀ Δˡ"), not its transpose.")
        }
        // A classic mistake of the whole computation, reproduced.
        let textbook = oneExample
            ? TextbookBackprop(network: scenario.network, inputs: exampleMatrix(scenario, call.index, targets: false),
                               targets: exampleMatrix(scenario, call.index, targets: true))
            : TextbookBackprop(network: scenario.network, inputs: scenario.batch.inputs, targets: scenario.batch.targets)
        if let mistake = recognise(got, textbook: textbook) {
            lines.append("Likely mistake: " + mistake.explanation)
        }
        // Where the error starts (a transpose already says where).
        let topRight = !weightsWrong[L - 1] && !biasesWrong[L - 1]
        if transposed {
        } else if lossWrong && weightsWrong.allSatisfy({ $0 }) {
            lines.append("The loss and every gradient are wrong: the error starts in the forward pass (zˡ = (Wˡ)ᵀ aˡ⁻¹ + bˡ, aˡ = σ(zˡ) for the hidden layers, the output activation for the last) or in the loss.")
        } else if lossWrong {
            let ratio = got.loss / expected.loss
            if !oneExample && abs(ratio - Double(scenario.examples)) <= 1e-9 * ratio {
                lines.append("The loss is m = \(scenario.examples) times too large: it is the SUM of the examples' losses, and the engine returns their MEAN.")
            } else {
                lines.append("Only the loss is wrong (the gradients are right): check how you add up ℓ = \(scenario.network.output.name) over the outputs\(oneExample ? "" : ", and the mean over the examples").")
            }
        } else if biasesWrong[L - 1] {
            lines.append("∂bᴸ = \(oneExample ? "δᴸ" : "(1/m) Σ rows of Δᴸ") is wrong, so \(d)ᴸ is: the output error \(d)ᴸ = \(a)ᴸ − \(oneExample ? "y" : "Y")\(oneExample ? "" : " (how your engine calls outputError)").")
        } else if weightsWrong[L - 1] {
            lines.append("∂bᴸ is right but ∂Wᴸ is not, so \(d)ᴸ is right and the activation it is multiplied with is not: ∂Wᴸ = \(oneExample ? "aᴸ⁻¹ (δᴸ)ᵀ" : "(1/m) (Aᴸ⁻¹)ᵀ Δᴸ"), the layer's INPUT \(a)ᴸ⁻¹.")
        } else if topRight, let l = (1..<L).reversed().first(where: { weightsWrong[$0 - 1] || biasesWrong[$0 - 1] }) {
            let wrongBias = biasesWrong[l - 1]
            lines.append(wrongBias
                ? "Layer \(l + 1) is right and layer \(l)'s ∂b is wrong: the error is in propagating \(d)\(sup(l + 1)) back to \(d)\(sup(l)) = \(oneExample ? "(W\(sup(l + 1)) δ\(sup(l + 1))) ∘ σ′(z\(sup(l)))" : "(Δ\(sup(l + 1)) (W\(sup(l + 1)))ᵀ) ∘ σ′(Z\(sup(l)))"): the weights of the layer ABOVE, W\(sup(l + 1)), and σ′ from layer \(l)'s own activations."
                : "Layer \(l + 1) is right, and layer \(l)'s ∂b is right but its ∂W is not: \(d)\(sup(l)) is right, so the activation in ∂W\(sup(l)) = \(oneExample ? "a\(sup(l - 1)) (δ\(sup(l)))ᵀ" : "(1/m) (A\(sup(l - 1)))ᵀ Δ\(sup(l))") is not: layer \(l)'s input, \(a)\(sup(l - 1)).")
        }
        lines += signals(first.got, first.expected, call: call, scenario: scenario, columns: first.columns)
        if lines.isEmpty { lines.append("Compare \(first.name) with finite differences: backprop check --engine student prints them per layer.") }
        verdict.diagnosis = lines
    }

    /// Example `row` of the scenario's batch as a one-row matrix.
    static func exampleMatrix(_ scenario: Scenario, _ row: Int, targets: Bool) -> Matrix<Double> {
        let values = targets ? scenario.batch.targets.row(row) : scenario.batch.inputs.row(row)
        return Matrix(rows: 1, columns: values.count, elements: values)
    }

    /// The classic mistake whose reproduction matches `got`, if any.
    static func recognise(_ got: Gradients<Double>, textbook: TextbookBackprop) -> ClassicMistake? {
        func matches(_ simulated: Gradients<Double>) -> Bool {
            guard simulated.layers.count == got.layers.count else { return false }
            return zip(got.layers, simulated.layers).allSatisfy {
                close($0.weights.elements, $1.weights.elements) && close($0.biases, $1.biases)
            }
        }
        let correct = textbook.gradients()
        for mistake in ClassicMistake.allCases where mistake != .weightsUpdatedDuringBackprop {
            let simulated = textbook.gradients(with: mistake)
            // A mistake that changes nothing here cannot be told from the right answer.
            if simulated != correct, matches(simulated) { return mistake }
        }
        // Updating the weights during backprop depends on η: fit it on the first layer below the top, where the
        // effect is linear in η, then check every layer.
        let depth = got.layers.count
        guard depth >= 2 else { return nil }
        let probe = textbook.gradients(with: .weightsUpdatedDuringBackprop, learningRate: 1)
        let (c, p, g) = (correct.layers[depth - 2].weights.elements, probe.layers[depth - 2].weights.elements,
                         got.layers[depth - 2].weights.elements)
        guard let index = c.indices.max(by: { abs(p[$0] - c[$0]) < abs(p[$1] - c[$1]) }), p[index] != c[index] else {
            return nil
        }
        let eta = (g[index] - c[index]) / (p[index] - c[index])
        guard eta.isFinite, eta > 0 else { return nil }
        return matches(textbook.gradients(with: .weightsUpdatedDuringBackprop, learningRate: eta)) ? .weightsUpdatedDuringBackprop : nil
    }
}
