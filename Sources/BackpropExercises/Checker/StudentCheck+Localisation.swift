import Backprop
import Foundation

extension StudentCheck {
    /// Wrong gradients (the one-example step, or the engine): the first wrong quantity in the order
    /// backpropagation computes them, and what the evidence says: an answer kept from before, a value that
    /// overflowed, layers in another order, a transpose, a known mistake made in a whole pass, and where the error
    /// starts, read from which quantities are right.
    static func diagnoseGradients(_ got: Gradients<Double>, _ expected: Gradients<Double>, call: Call,
                                  scenario: Scenario, evidence: Evidence, into verdict: inout StepVerdict) {
        let L = expected.layers.count
        // One scale for all: an array of values that are rounding noise around 0 (∂bᴸ of a softmax sums to 0 in
        // every example) is judged against the gradient's size, not its own.
        let scale = flatten(.gradients(expected)).map(abs).filter(\.isFinite).max() ?? 0
        let lossWrong = !agree([got.loss], [expected.loss], scale: scale)
        let weightsWrong = (0..<L).map { !agree(got.layers[$0].weights.elements, expected.layers[$0].weights.elements, scale: scale) }
        let biasesWrong = (0..<L).map { !agree(got.layers[$0].biases, expected.layers[$0].biases, scale: scale) }
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

        if let earlier = evidence.stale(.gradients(got), for: call) {
            verdict.diagnosis = ["Your answer is exactly the one you returned for \(callName(earlier, evidence.scenarios)), whose inputs were different: a result kept from before (\(evidence.cacheKey(call, earlier: earlier))). Compute every answer from the call's own inputs."]
            return
        }
        if let line = evidence.keptInput(.gradients(got), for: call) {
            verdict.diagnosis = [line]
            verdict.namesSlip = true
            return
        }
        var lines: [String] = []
        let values = [got.loss] + got.layers.flatMap { $0.weights.elements + $0.biases }
        let finite = values.allSatisfy(\.isFinite)
        if !finite, !got.loss.isFinite, !weightsWrong.contains(true), !biasesWrong.contains(true) {
            lines.append("Only your loss is not a finite number (NaN or infinity); every gradient is right. The loss takes the logarithm of a probability that came out as exactly 0\(scenario.largeLogits ? " (the logits here are in the hundreds)" : ""), or a value overflowed: compute it from the logits with network.output.loss(logits:activation:target:), which does neither.")
        } else if !finite {
            let large = scenario.largeLogits, lossToo = !got.loss.isFinite
            let sigmoidOutput = scenario.network.output.activation == .sigmoid
            let why = sigmoidOutput
                ? " where the logits are in the hundreds or more: e^z overflows to infinity for z above 709, so a sigmoid written as e^z/(1 + e^z) is ∞/∞ = NaN there, and one written as 1/(1 + e^−z) meets the same below −709; a log of an output that rounded to 0 or 1 is infinite. Use network.output.activation, which computes the sigmoid stably for every z"
                : oneExample
                ? " where the logits are in the hundreds or more: e^z overflows to infinity for z above 709, so a softmax shifted by anything but the row's own largest logit (by its first, say, or not at all) is ∞/∞ = NaN when another logit is far above it. Subtract the row's own maximum before the exponential, as network.output.activation does"
                : " where the logits are in the hundreds or more: e^z overflows to infinity for z above 709, and underflows to 0 below −745, so a softmax whose exponentials are all 0 in a row divides 0 by 0\(scenario.name.contains("one example's logits in the thousands") ? " (here one example's logits are in the thousands and the others' are not: a softmax shifted by one number for the whole batch, rather than each row's own largest logit, leaves the other rows all 0)" : ""), and one not shifted at all is ∞/∞. Subtract each row's own maximum before the exponential, as network.output.activation does"
            lines.append("Your \(lossWrong && !got.loss.isFinite ? "loss" : first.name) is not a finite number (NaN or infinity)" + (large
                ? why + (lossToo ? ", and compute the loss from the logits with network.output.loss." : ".")
                : ": a division by zero, the logarithm of 0, or a value that overflowed."))
        }
        // Layers in another order: each of yours is some other layer's right answer.
        let order = (0..<L).map { mine in
            (0..<L).first { theirs in
                got.layers[mine].weights.rows == expected.layers[theirs].weights.rows
                    && got.layers[mine].weights.columns == expected.layers[theirs].weights.columns
                    && got.layers[mine].biases.count == expected.layers[theirs].biases.count
                    && close(got.layers[mine].weights.elements, expected.layers[theirs].weights.elements)
                    && close(got.layers[mine].biases, expected.layers[theirs].biases)
            }
        }
        if L > 1, order.allSatisfy({ $0 != nil }), order.map({ $0! }) != Array(0..<L) {
            let moved = (0..<L).filter { order[$0] != $0 }.map { "your layer \($0 + 1) holds layer \(order[$0]! + 1)'s" }
            let reversed = order.map { $0! } == Array((0..<L).reversed())
            verdict.diagnosis = ["Every gradient is right but in the wrong place: \(moved.joined(separator: ", ")). `layers[l − 1]` is layer l, the first layer first " + (reversed
                ? "(backpropagation meets them from the top down: put each at its own index, or reverse the list at the end)."
                : "(the order here is neither the layers' nor its reverse, the kind of order a Dictionary's .values or a Set gives: put each at its own index, layers[l − 1] for layer l).")]
            return
        }
        let transposed = first.columns.map { columns in
            first.got.count == columns * columns
                && close(first.got, Matrix(rows: columns, columns: columns, elements: first.expected).transposed.elements)
        } ?? false
        if transposed {
            lines.append("Your \(first.name) is the transpose of the right one (the layer is square, so the shapes could not tell): ∂Wˡ has Wˡ's shape [h_{l−1}, h_l], \(oneExample ? "aˡ⁻¹ (δˡ)ᵀ" : "(Aˡ⁻¹)ᵀ Δˡ"), not its transpose.")
        }
        // Every ∂Wˡ the right one plus one multiple λ of the layer's weights: weight decay put into the gradient.
        if finite, !transposed, !biasesWrong.contains(true), weightsWrong.contains(true),
           let lambda = weightDecay(got, expected, network: scenario.network) {
            verdict.namesSlip = true
            let shown = String(format: "%g", lambda)
            verdict.diagnosis = [abs(lambda - 1) <= 1e-9
                ? "Every ∂Wˡ is the right one plus Wˡ itself, the layer's own weights, and every ∂bˡ is right: ∂Wˡ starts as a copy of Wˡ (var g = weights, then +=, or a matrix made from the weights) where it starts from zeros, or Wˡ is added to it. Start the sum from a zero matrix of Wˡ's shape."
                : "Every ∂Wˡ is the right one plus \(shown) Wˡ, the layer's own weights, and every ∂bˡ is right: a weight decay (L2 penalty) λ Wˡ with λ = \(shown) is added to the gradient. The gradients here are of the mean loss alone; leave λ Wˡ out (a decay belongs in the update, if anywhere)."]
            return
        }
        // A known mistake, made in a whole pass on the same batch.
        let (x, y) = oneExample
            ? (exampleMatrix(scenario, call.index, targets: false), exampleMatrix(scenario, call.index, targets: true))
            : (scenario.batch.inputs, scenario.batch.targets)
        // A known mistake that gives this call's gradients, and every other call's; failing that, one change in how
        // the pass is put together that gives every call's (a mistake read off this call alone says less).
        let recognised = finite ? recognise(got, network: scenario.network, inputs: x, targets: y) : nil
        let holds = recognised.map { mistakeHolds($0, call: call, evidence: evidence) } ?? false
        // A sum's mistake could be in any of the one-example step's sums: a slip in one equation says which.
        let anySum = oneExample && recognised?.isAnySum == true
        if finite, !holds || anySum, !transposed, let line = wiring(got, call: call, evidence: evidence)
            ?? exampleSlip(got, call: call, crash: nil, evidence: evidence) {
            verdict.namesSlip = true
            verdict.diagnosis = lines + [line]
            return
        }
        if let mistake = recognised {
            verdict.mistake = mistake.rawValue
            lines.append("Likely mistake: " + mistake.explanation)
        }
        // Only the loss wrong, in a way a hand-written loss goes wrong.
        if verdict.mistake == nil, !transposed, lossWrong, !weightsWrong.contains(true), !biasesWrong.contains(true),
           let line = lossSlip(got, call: call, evidence: evidence) {
            verdict.namesSlip = true
            verdict.diagnosis = [line]
            return
        }
        // Every gradient of one example the same multiple of the right one: a factor, not a wrong δ.
        if oneExample, finite, verdict.mistake == nil, !transposed, let line = exampleFactor(got, call: call, evidence: evidence) {
            verdict.namesSlip = true
            verdict.diagnosis = [line]
            return
        }
        // Everything right to a few digits: a precision, not a formula (read on every number at once; the loss alone
        // when only the loss is wrong).
        if finite, verdict.mistake == nil, !transposed {
            let lossOnly = !weightsWrong.contains(true) && !biasesWrong.contains(true)
            let all = lossOnly ? [got.loss, got.loss] : flatten(.gradients(got))
            let right = lossOnly ? [expected.loss, expected.loss] : flatten(.gradients(expected))
            let worst = zip(all, right).map { abs($0 - $1) }.max() ?? 0
            if scale > 0, worst <= 1e-6 * scale, let line = relations(all, right, call: call, scenario: scenario,
                                                                      inputs: evidence.inputs(call), columns: nil).first {
                verdict.diagnosis = [line.replacingOccurrences(of: "Right to about", with: lossOnly
                    ? "Only the loss is wrong (the gradients are right), and it is right to about"
                    : "Your loss and gradients are right to about")]
                return
            }
            // Every gradient the same multiple of the right one: a factor, not a wrong Δ.
            let gradients = got.layers.flatMap { $0.weights.elements + $0.biases }
            let rights = expected.layers.flatMap { $0.weights.elements + $0.biases }
            if !lossOnly, !oneExample, let line = relations(gradients, rights, call: call, scenario: scenario, inputs: evidence.inputs(call),
                                              columns: nil).first, line.hasPrefix("Every element is") {
                verdict.diagnosis = [line.replacingOccurrences(of: "Every element is", with: "Every gradient element is")]
                return
            }
        }
        // Layers never filled in: all 0 where the right gradients are not.
        let empty = (1...L).filter { l in
            let (mine, right) = (got.layers[l - 1], expected.layers[l - 1])
            return mine.weights.elements.allSatisfy { $0 == 0 } && mine.biases.allSatisfy { $0 == 0 }
                && (right.weights.elements.contains { $0 != 0 } || right.biases.contains { $0 != 0 })
        }
        if !empty.isEmpty, verdict.mistake == nil, !transposed, finite {
            let which = empty.map(String.init).joined(separator: ", ")
            lines.append("Layer\(empty.count == 1 ? "" : "s") \(which)'s ∂W and ∂b are all 0, never filled in: the loop over the layers stops, or returns, before \(empty.count == 1 ? "it" : "them") (l runs from L down to 1: stride(from: L, through: 1, by: -1)).")
            verdict.diagnosis = lines
            return
        }
        // Where the error starts, from which quantities are right (a transpose or a named mistake already says).
        let topRight = !weightsWrong[L - 1] && !biasesWrong[L - 1]
        let biasOnly = (1...L).filter { biasesWrong[$0 - 1] && !weightsWrong[$0 - 1] }
        if transposed || verdict.mistake != nil || !finite {
        } else if let l = biasOnly.last {
            var text = "∂W\(sup(l)) is right, so \(d)\(sup(l)) is right, but ∂b\(sup(l)) is not: it must be \(oneExample ? "δ\(sup(l)) itself" : "(1/m) Σᵢ Δ\(sup(l))[i, :], the mean of that Δ\(sup(l))'s rows")."
            if let other = (1...L).first(where: { $0 != l && got.layers[l - 1].biases.count == expected.layers[$0 - 1].biases.count
                                                  && close(got.layers[l - 1].biases, expected.layers[$0 - 1].biases) }) {
                text += " It is layer \(other)'s right ∂b: computed from \(d)\(sup(other)) (after \(d) had moved on to another layer?)."
            }
            lines.append(text)
        } else if lossWrong && weightsWrong.allSatisfy({ $0 }) {
            lines.append("The loss and every gradient are wrong, so the error is in something they all share: the forward pass (zˡ = (Wˡ)ᵀ aˡ⁻¹ + bˡ, aˡ = σ(zˡ) for the hidden layers, the output activation for the last)" + (oneExample ? " or the loss." : ", the loss, or how the examples are added up and averaged (1/m of the sum over all m rows)."))
        } else if lossWrong && !weightsWrong.contains(true) && !biasesWrong.contains(true) {
            let ratio = got.loss / expected.loss
            if !oneExample && abs(ratio - Double(scenario.examples)) <= 1e-9 * ratio {
                verdict.explainsExampleCount = true
                lines.append("The loss is m = \(scenario.examples) times too large: it is the SUM of the examples' losses, and the engine must return their MEAN.")
            } else if !oneExample, abs(got.loss - StudentCheck.handedLoss - expected.loss) <= 1e-9 * StudentCheck.handedLoss {
                lines.append("Your loss is exactly the right one plus \(number(StudentCheck.handedLoss)), the loss the gradients your engine was handed held before the call: your engine adds its loss into gradients.loss (+=) where it should assign it (=).")
            } else if !oneExample, got.loss == StudentCheck.handedLoss {
                lines.append("Your loss is exactly \(number(StudentCheck.handedLoss)), the loss the gradients your engine was handed held before the call (the checker hands them in with that loss, and every gradient is right): your engine never stores its loss. Assign gradients.loss (after prepare(for:), the storage keeps whatever it held).")
            } else if got.loss == 0 {
                // Right where m = 1, 0 elsewhere: the mean's 1/m in integers.
                let byOne = evidence.answers.filter { evidence.scenarios[$0.call.scenario].examples == 1 && $0.call != call }
                let integerMean = !oneExample && !byOne.isEmpty && byOne.allSatisfy { other, output in
                    guard case .gradients(let g) = output, case .gradients(let e) = evidence.inputs(other).expected else { return false }
                    return abs(g.loss - e.loss) <= 1e-9 * abs(e.loss)
                }
                lines.append(integerMean
                    ? "Your loss is exactly 0 on every batch of more than one example and right on the batch of one (m = 1), and every gradient is right: the loss's 1/m is computed in integers, 1 / m with an Int m, which is 0 for every m above 1. Write 1.0 / Double(m)."
                    : oneExample ? "Your loss is exactly 0 and every gradient is right: the loss is never computed, or multiplied by 0."
                    : "Your loss is exactly 0 and every gradient is right, and it is not the loss your engine was handed: the loss is computed as 0, never added up, or multiplied by 0 (a 1/m computed in integers is 0).")
            } else if let size = Self.sizeNamed(ratio, scenario: scenario, examples: !oneExample) {
                lines.append("Only the loss is wrong (the gradients are right), and it is exactly \(number(ratio)) times the right one: \(size). Check how you add up ℓ = \(scenario.network.output.name) over the outputs\(oneExample ? "" : ", and the mean over the examples").")
            } else {
                lines.append("Only the loss is wrong (the gradients are right): check how you add up ℓ = \(scenario.network.output.name) over the outputs\(oneExample ? "" : ", and the mean over the examples").")
            }
        } else if biasesWrong[L - 1] {
            lines.append("∂bᴸ = \(oneExample ? "δᴸ" : "(1/m) Σ rows of Δᴸ") is wrong, so \(d)ᴸ is: the output error \(d)ᴸ = \(a)ᴸ − \(oneExample ? "y" : "Y"), with \(a)ᴸ the output layer's own activation of \(oneExample ? "zᴸ" : "Zᴸ (network.output.activation)")\(oneExample ? "" : ", and how your engine calls outputError").")
        } else if weightsWrong[L - 1] {
            lines.append("∂bᴸ is right but ∂Wᴸ is not, so \(d)ᴸ is right and the activation it is multiplied with is not: ∂Wᴸ = \(oneExample ? "aᴸ⁻¹ (δᴸ)ᵀ" : "(1/m) (Aᴸ⁻¹)ᵀ Δᴸ"), the layer's INPUT \(a)ᴸ⁻¹.")
        } else if topRight, let l = (1..<L).reversed().first(where: { weightsWrong[$0 - 1] || biasesWrong[$0 - 1] }) {
            lines.append(biasesWrong[l - 1]
                ? "Layer \(l + 1) is right and layer \(l)'s ∂W and ∂b are wrong: the error is in propagating \(d)\(sup(l + 1)) back to \(d)\(sup(l)) = \(oneExample ? "(W\(sup(l + 1)) δ\(sup(l + 1))) ∘ σ′(z\(sup(l)))" : "(Δ\(sup(l + 1)) (W\(sup(l + 1)))ᵀ) ∘ σ′(Z\(sup(l)))"): the weights of the layer ABOVE, W\(sup(l + 1)), and σ′ from layer \(l)'s own activations."
                : "Layer \(l + 1) is right, and layer \(l)'s ∂b is right but its ∂W is not: \(d)\(sup(l)) is right, so the activation in ∂W\(sup(l)) = \(oneExample ? "a\(sup(l - 1)) (δ\(sup(l)))ᵀ" : "(1/m) (A\(sup(l - 1)))ᵀ Δ\(sup(l))") is not: layer \(l)'s input, \(a)\(sup(l - 1)).")
        }
        if verdict.mistake == nil && !transposed && finite, first.got.count > 1 {
            let found = relations(first.got, first.expected, call: call, scenario: scenario, inputs: evidence.inputs(call),
                                  columns: first.columns)
            verdict.explainsExampleCount = verdict.explainsExampleCount || found.contains { mDependent($0) }
            // Elements never written are the slip: an activation read as wrong from them is only their effect.
            if found.contains(where: { $0.contains("never written") }) {
                lines.removeAll { $0.contains("the activation it is multiplied with is not") || $0.contains(", so the activation in ∂W") }
            }
            lines += found
        }
        if lines.isEmpty { lines.append("Compare \(first.name) with finite differences: backprop exercises prints them per layer.") }
        verdict.diagnosis = lines
    }

    /// Whether `mistake`, made in a whole pass, gives the student's gradients on every other call that returned
    /// gradients too (a mistake that depends on a learning rate is taken as holding).
    static func mistakeHolds(_ mistake: Mistake, call: Call, evidence: Evidence) -> Bool {
        guard mistake != .weightsUpdatedDuringBackprop else { return true }
        let others = evidence.answers.filter { $0.call != call }
        return Mistake.passVariants.filter { $0.mistake == mistake }.contains { _, steps in
            others.allSatisfy { other, output in
                guard case .gradients(let g) = output else { return true }
                let scenario = evidence.scenarios[other.scenario]
                let (x, y) = other.step == .oneExample
                    ? (exampleMatrix(scenario, other.index, targets: false), exampleMatrix(scenario, other.index, targets: true))
                    : (scenario.batch.inputs, scenario.batch.targets)
                let made = mistake.gradients(scenario.network, inputs: x, targets: y, in: steps)
                    ?? MatrixForm.pass(scenario.network, inputs: x, targets: y).gradients
                return g.isClose(to: made)
            }
        }
    }

    /// The λ for which every layer's ∂W is the right one plus λ Wˡ (the same λ everywhere, not 0), or nil.
    static func weightDecay(_ got: Gradients<Double>, _ expected: Gradients<Double>, network: Network<Double>) -> Double? {
        var lambda: Double?
        for (l, layer) in network.layers.enumerated() {
            let w = layer.weights.elements, g = got.layers[l].weights.elements, e = expected.layers[l].weights.elements
            guard g.count == w.count, let top = w.indices.max(by: { abs(w[$0]) < abs(w[$1]) }), w[top] != 0 else { return nil }
            let k = (g[top] - e[top]) / w[top]
            let scale = max(g.map(abs).max() ?? 0, w.map(abs).max() ?? 0)
            guard k.isFinite, abs(k) > 1e-12, zip(zip(g, e), w).allSatisfy({ abs($0.0 - $0.1 - k * $1) <= 1e-9 * scale }) else { return nil }
            if let known = lambda, abs(known - k) > 1e-9 * abs(k) { return nil }
            lambda = k
        }
        return lambda
    }

    /// What a ratio is, when it is one of the scenario's sizes or its reciprocal: "1/c, c = 3 the outputs".
    /// `examples` false for the one-example step, whose loss has no m. A ratio that two sizes share (m = c = 5) names
    /// neither.
    static func sizeNamed(_ ratio: Double, scenario: Scenario, examples: Bool = true) -> String? {
        let h = scenario.network.sizes
        let sizes: [(String, Int)] = (examples ? [("m = \(scenario.examples), the examples", scenario.examples)] : [])
            + [("L = \(h.count - 1), the number of layers", h.count - 1), ("c = \(h[h.count - 1]), the outputs", h[h.count - 1]),
               ("n = \(h[0]), the inputs (X.columns)", h[0])]
        let matching = sizes.filter { n in n.1 > 1 && (abs(ratio - Double(n.1)) <= 1e-9 * Double(n.1) || abs(ratio - 1 / Double(n.1)) <= 1e-9 / Double(n.1)) }
        guard Set(matching.map(\.1)).count == 1, matching.count == 1 else { return nil }
        for (what, n) in sizes where n > 1 {
            if abs(ratio - Double(n)) <= 1e-9 * Double(n) { return what }
            if abs(ratio - 1 / Double(n)) <= 1e-9 / Double(n) { return "1 over " + what }
        }
        return nil
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
    /// Whether the loss and every gradient element are within 1e-9 of `other`'s, relative to the largest of them.
    func isClose(to other: Gradients<Double>) -> Bool {
        layers.count == other.layers.count && zip(layers, other.layers).allSatisfy { $0.biases.count == $1.biases.count }
            && StudentCheck.close(StudentCheck.flatten(.gradients(self)), StudentCheck.flatten(.gradients(other)))
    }
}
