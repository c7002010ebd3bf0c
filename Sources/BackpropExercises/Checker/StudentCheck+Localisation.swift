import Backprop

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
        // A known mistake, made in a whole pass on the same batch.
        let (x, y) = oneExample
            ? (exampleMatrix(scenario, call.index, targets: false), exampleMatrix(scenario, call.index, targets: true))
            : (scenario.batch.inputs, scenario.batch.targets)
        if let mistake = recognise(got, network: scenario.network, inputs: x, targets: y) {
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
        if lines.isEmpty { lines.append("Compare \(first.name) with finite differences: backprop exercises prints them per layer.") }
        verdict.diagnosis = lines
    }

    /// Example `row` of the scenario's batch as a one-row matrix.
    static func exampleMatrix(_ scenario: Scenario, _ row: Int, targets: Bool) -> Matrix<Double> {
        let values = targets ? scenario.batch.targets.row(row) : scenario.batch.inputs.row(row)
        return Matrix(rows: 1, columns: values.count, elements: values)
    }

    /// The mistake whose whole pass on (X, Y) matches `got`, if any (Mistake+Pass.swift).
    static func recognise(_ got: Gradients<Double>, network: Network<Double>, inputs: Matrix<Double>,
                          targets: Matrix<Double>) -> Mistake? {
        func matches(_ made: Gradients<Double>) -> Bool { got.isClose(to: made) }
        let correct = MatrixForm.pass(network, inputs: inputs, targets: targets).gradients
        for (mistake, steps) in Mistake.passVariants where mistake != .weightsUpdatedDuringBackprop {
            guard let made = mistake.gradients(network, inputs: inputs, targets: targets, in: steps) else { continue }
            // A mistake that changes nothing here cannot be told from the right answer.
            if !made.isClose(to: correct), matches(made) { return mistake }
        }
        // Updating the weights during backprop depends on η: fit it on the first layer below the top, where the
        // effect is linear in η, then check every layer.
        let depth = got.layers.count
        guard depth >= 2, let probe = Mistake.weightsUpdatedDuringBackprop.gradients(
            network, inputs: inputs, targets: targets, in: [], learningRate: 1) else { return nil }
        let (c, p, g) = (correct.layers[depth - 2].weights.elements, probe.layers[depth - 2].weights.elements,
                         got.layers[depth - 2].weights.elements)
        guard let index = c.indices.max(by: { abs(p[$0] - c[$0]) < abs(p[$1] - c[$1]) }), p[index] != c[index] else {
            return nil
        }
        let eta = (g[index] - c[index]) / (p[index] - c[index])
        guard eta.isFinite, eta > 0,
              let made = Mistake.weightsUpdatedDuringBackprop.gradients(network, inputs: inputs, targets: targets,
                                                                         in: [], learningRate: eta) else { return nil }
        return matches(made) ? .weightsUpdatedDuringBackprop : nil
    }
}

extension Gradients where Scalar == Double {
    /// Whether every loss and gradient element is within 1e-9 of `other`'s, relative to each array's scale.
    func isClose(to other: Gradients<Double>) -> Bool {
        layers.count == other.layers.count && zip(layers, other.layers).allSatisfy {
            StudentCheck.close($0.weights.elements, $1.weights.elements) && StudentCheck.close($0.biases, $1.biases)
        }
    }
}
