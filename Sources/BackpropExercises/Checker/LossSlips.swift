import Foundation
import Backprop

extension StudentCheck {
    /// One way of writing an example's loss by hand: what it is in words, and its value from the example's logits
    /// z, outputs a and target y (each c numbers).
    struct LossSlip {
        var text: String
        var loss: @Sendable (_ z: [Double], _ a: [Double], _ y: [Double]) -> Double
        /// The value is the right loss rounded to Float: matched to Float's precision, and only by a number that is
        /// itself a Float.
        var inFloat = false
        /// A batch's loss from the sum of its examples' right losses, its m and its c, where the slip is in how the
        /// examples are averaged (the engine's); nil for a slip in each example's loss.
        var batch: (@Sendable (_ sum: Double, _ m: Int, _ c: Int, _ n: Int, _ layers: Int) -> Double)? = nil
        /// A batch's loss from its whole logits, outputs and targets at once, where the slip is in how the engine
        /// calls the loss (the engine's); nil for the others.
        var whole: (@Sendable (_ z: Matrix<Double>, _ a: Matrix<Double>, _ y: Matrix<Double>) -> Double)? = nil
    }

    /// The usual slips in an example's loss ℓ(z, a, y) for this output layer, each one change from
    /// `network.output.loss(logits:activation:target:)`:
    /// - sigmoid + cross-entropy ℓ = −Σⱼ [yⱼ ln aⱼ + (1 − yⱼ) ln(1 − aⱼ)];
    /// - softmax + cross-entropy ℓ = −Σⱼ yⱼ ln aⱼ;
    /// - squared error ℓ = ½ Σⱼ (aⱼ − yⱼ)².
    static func lossSlips(_ layer: OutputLayer) -> [LossSlip] {
        let right: @Sendable ([Double], [Double], [Double]) -> Double = { layer.loss(logits: $0, activation: $1, target: $2) }
        // Term j of the sum, as the layer defines it.
        let term: @Sendable ([Double], [Double], [Double], Int) -> Double = { z, a, y, j in
            switch (layer.activation, layer.loss) {
            case (.sigmoid, .crossEntropy): return (z[j] > 0 ? z[j] + log1p(exp(-z[j])) : log1p(exp(z[j]))) - y[j] * z[j]
            case (.softmax, .crossEntropy):
                let top = z.max() ?? 0
                return y[j] * (top + log(z.reduce(0) { $0 + exp($1 - top) }) - z[j])
            default: return 0.5 * (a[j] - y[j]) * (a[j] - y[j])
            }
        }
        func partial(_ range: @escaping @Sendable (Int) -> Range<Int>) -> @Sendable ([Double], [Double], [Double]) -> Double {
            { z, a, y in
                var total = 0.0
                for j in range(z.count) { total += term(z, a, y, j) }
                return total
            }
        }
        func scaled(_ factor: Double) -> @Sendable ([Double], [Double], [Double]) -> Double {
            { z, a, y in factor * right(z, a, y) }
        }
        let squared: @Sendable ([Double], [Double], [Double]) -> Double = { _, a, y in
            var total = 0.0
            for j in a.indices { total += 0.5 * (a[j] - y[j]) * (a[j] - y[j]) }
            return total
        }
        let absolute: @Sendable ([Double], [Double], [Double]) -> Double = { _, a, y in
            var total = 0.0
            for j in a.indices { total += 0.5 * abs(a[j] - y[j]) }
            return total
        }
        let binary: @Sendable ([Double], [Double], [Double]) -> Double = { _, a, y in
            var total = 0.0
            for j in a.indices { total += y[j] * log(a[j]) + (1 - y[j]) * log(1 - a[j]) }
            return -total
        }
        let categorical: @Sendable ([Double], [Double], [Double]) -> Double = { _, a, y in
            var total = 0.0
            for j in a.indices { total += y[j] * log(a[j]) }
            return -total
        }
        // The same with the terms of yⱼ = 0 skipped (0 · ln 0 taken as 0), or each aⱼ clipped away from 0 first.
        let categoricalSkipping: @Sendable ([Double], [Double], [Double]) -> Double = { _, a, y in
            var total = 0.0
            for j in a.indices where y[j] != 0 { total += y[j] * log(a[j]) }
            return -total
        }
        func categoricalClipped(_ epsilon: Double) -> @Sendable ([Double], [Double], [Double]) -> Double {
            { _, a, y in
                var total = 0.0
                for j in a.indices { total += y[j] * log(max(a[j], epsilon)) }
                return -total
            }
        }
        // −Σⱼ yⱼ ln σ(zⱼ) = Σⱼ yⱼ softplus(−zⱼ), from the logits.
        let positiveHalf: @Sendable ([Double], [Double], [Double]) -> Double = { z, _, y in
            var total = 0.0
            for j in z.indices { total += y[j] * (z[j] > 0 ? log1p(exp(-z[j])) : -z[j] + log1p(exp(z[j]))) }
            return total
        }
        let mean: @Sendable ([Double], [Double], [Double]) -> Double = { z, a, y in right(z, a, y) / Double(z.count) }
        var list: [LossSlip] = [
            LossSlip(text: "the output and the target are swapped in the loss, network.output.loss(logits: z, activation: y, target: a), where it is (logits: z, activation: a, target: y)", loss: { z, a, y in layer.loss(logits: z, activation: y, target: a) }),
            LossSlip(text: "the loss is computed in Float (a Float variable, a Float(…) conversion on the way, or the examples' losses added up in a Float), so it keeps about 7 digits: compute it in Double", loss: right, inFloat: true),
            LossSlip(text: "the loss has the wrong sign: it is −ℓ (a minus sign missing, or one too many)", loss: scaled(-1)),
            LossSlip(text: "the loss is divided by the number of outputs c (a mean over the outputs), where it is their sum Σⱼ", loss: mean),
            LossSlip(text: "the sum over the outputs j starts at 1, so it misses output 0's term", loss: partial { 1..<$0 }),
            LossSlip(text: "the sum over the outputs j stops one short, so it misses the last output's term", loss: partial { 0..<($0 - 1) }),
            LossSlip(text: "the sum over the outputs assigns (=) where it adds (+=): only the last output's term counts", loss: partial { ($0 - 1)..<$0 }),
        ]
        list += [
            LossSlip(text: "the sum of the examples' losses is divided by c, the number of outputs (Y.columns), where the mean over the examples divides it by m (X.rows)", loss: right, batch: { sum, _, c, _, _ in sum / Double(c) }),
            LossSlip(text: "the sum of the examples' losses is divided by n, the number of inputs (X.columns), where the mean over the examples divides it by m (X.rows)", loss: right, batch: { sum, _, _, n, _ in sum / Double(n) }),
            LossSlip(text: "the sum of the examples' losses is divided by L, the number of layers (network.layerCount), where the mean over the examples divides it by m (X.rows)", loss: right, batch: { sum, _, _, _, layers in sum / Double(layers) }),
            LossSlip(text: "the sum of the examples' losses is divided by m · c, every number of Y, where the mean over the examples divides it by m alone", loss: right, batch: { sum, m, c, _, _ in sum / Double(m * c) }),
            LossSlip(text: "the sum of the examples' losses is divided by m − 1 where the mean divides it by m", loss: right, batch: { sum, m, _, _, _ in sum / Double(m - 1) }),
            LossSlip(text: "the loss is called once on the whole batch flattened into one row (Z.elements, A.elements, Y.elements), where it is called on each example's row and the results averaged: a softmax's loss then mixes the examples", loss: right, whole: { z, a, y in
                layer.loss(logits: z.elements, activation: a.elements, target: y.elements) / Double(z.rows) }),
            LossSlip(text: "the loss is called once on the whole batch flattened into one row (Z.elements, A.elements, Y.elements) and not divided by m, where it is called on each example's row and the results averaged", loss: right, whole: { z, a, y in
                layer.loss(logits: z.elements, activation: a.elements, target: y.elements) }),
            // One example's loss where the mean of all belongs: a row index fixed where the loop's i belongs, or a
            // sum that assigns (=) where it adds (+=).
            LossSlip(text: "the loss is the first example's ℓ alone (row 0 of Zᴸ, Aᴸ and Y), where it is the mean over every example: a row index fixed at 0 where the loop's i belongs", loss: right, whole: { z, a, y in
                layer.loss(logits: z.row(0), activation: a.row(0), target: y.row(0)) }),
            LossSlip(text: "the loss is the last example's ℓ alone, where it is the mean over every example: the sum assigns (=) where it adds (+=), or reads one row after the loop", loss: right, whole: { z, a, y in
                layer.loss(logits: z.row(z.rows - 1), activation: a.row(z.rows - 1), target: y.row(z.rows - 1)) }),
            LossSlip(text: "the loop over the examples that adds up the loss starts at 1 (1..<m, or 1...m − 1, which also stops the program when m = 1), so it misses example 0's ℓ; the sum is then divided by m", loss: right, whole: { z, a, y in
                (1..<max(z.rows, 1)).reduce(0.0) { $0 + layer.loss(logits: z.row($1), activation: a.row($1), target: y.row($1)) } / Double(z.rows) }),
            LossSlip(text: "the loop over the examples that adds up the loss starts at 1 (1..<m, or 1...m − 1, which also stops the program when m = 1), so it misses example 0's ℓ; the sum is then divided by m − 1", loss: right, whole: { z, a, y in
                z.rows < 2 ? .nan : (1..<z.rows).reduce(0.0) { $0 + layer.loss(logits: z.row($1), activation: a.row($1), target: y.row($1)) } / Double(z.rows - 1) }),
            LossSlip(text: "the loss is the last example's ℓ divided by m: each example's ℓ/m is assigned (=) where it is added (+=)", loss: right, whole: { z, a, y in
                layer.loss(logits: z.row(z.rows - 1), activation: a.row(z.rows - 1), target: y.row(z.rows - 1)) / Double(z.rows) }),
        ]
        if layer.loss == .crossEntropy {
            list.append(LossSlip(text: "the logarithm is log10 where the natural logarithm ln (Foundation's log) belongs", loss: scaled(1 / log(10))))
            list.append(LossSlip(text: "the logarithm is log2 where the natural logarithm ln (Foundation's log) belongs", loss: scaled(1 / log(2))))
            list.append(LossSlip(text: "the loss is the squared error ½ Σⱼ (aⱼ − yⱼ)², where this output layer's loss is the cross-entropy", loss: squared))
            list.append(LossSlip(text: "the loss is written from the probabilities aⱼ, −Σⱼ [yⱼ ln aⱼ + (1 − yⱼ) ln(1 − aⱼ)]: where an output rounds to exactly 0 or 1 (logits in the hundreds) that is ln 0 = −∞ (or 0 · ∞ = NaN), and it loses digits near 1: compute it from the logits, network.output.loss(logits:activation:target:)", loss: binary))
            let categoricalText = "the loss is written from the probabilities, −Σⱼ yⱼ ln aⱼ\(layer.activation == .sigmoid ? ", without the (1 − yⱼ) ln(1 − aⱼ) terms a sigmoid output's cross-entropy has" : ""): where an output rounds to exactly 0 (logits in the hundreds) that is ln 0 = −∞ (or 0 · ∞ = NaN): compute it from the logits, network.output.loss(logits:activation:target:)"
            list.append(LossSlip(text: categoricalText, loss: categorical))
            list.append(LossSlip(text: categoricalText, loss: categoricalSkipping))
            for epsilon in [1e-7, 1e-8, 1e-9, 1e-10, 1e-12, 1e-15] {
                list.append(LossSlip(text: "the loss is written from the probabilities, −Σⱼ yⱼ ln max(aⱼ, ε) with ε = \(String(format: "%g", epsilon))\(layer.activation == .sigmoid ? ", without the (1 − yⱼ) ln(1 − aⱼ) terms a sigmoid output's cross-entropy has" : "") (the clip changes it where an output is below ε): compute it from the logits, network.output.loss(logits:activation:target:)", loss: categoricalClipped(epsilon)))
            }
            // One class's term: −ln aₖ at the target's largest entry (a label), from the probabilities.
            list.append(LossSlip(text: "the loss is −ln aₖ at one class k, the target row's largest entry (a label), where it is a sum over every output\(layer.activation == .sigmoid ? " (a sigmoid output's cross-entropy also has the (1 − yⱼ) ln(1 − aⱼ) terms, and a multi-label target can have several 1s, or none)" : " (a target row need not be one-hot)"): use network.output.loss(logits:activation:target:)", loss: { _, a, y in
                let k = y.indices.max { y[$0] < y[$1] } ?? 0
                return a.isEmpty ? 0 : -log(a[k]) }))
            if layer.activation == .sigmoid {
                list.append(LossSlip(text: "the loss is −Σⱼ yⱼ ln aⱼ, missing the (1 − yⱼ) ln(1 − aⱼ) half that a sigmoid output's cross-entropy has (each output is its own yes/no)", loss: positiveHalf))
            }
        } else {
            list.append(LossSlip(text: "the loss is Σⱼ (aⱼ − yⱼ)², missing the ½ of ½ Σⱼ (aⱼ − yⱼ)²", loss: scaled(2)))
            list.append(LossSlip(text: "the loss is ½ Σⱼ |aⱼ − yⱼ|, the differences not squared", loss: absolute))
        }
        return list
    }

    /// The one hand-written loss slip (`lossSlips`) that gives the student's loss on this call and on every other
    /// call that returned gradients, when the gradients are right and only the loss is wrong; nil when none or more
    /// than one fits.
    static func lossSlip(_ got: Gradients<Double>, call: Call, evidence: Evidence) -> String? {
        // The mean over the call's examples of each example's loss, from the reference pass's z and a.
        func value(_ slip: LossSlip, _ call: Call) -> (made: Double, right: Double) {
            let scenario = evidence.scenarios[call.scenario]
            let (x, y) = call.step == .oneExample
                ? (exampleMatrix(scenario, call.index, targets: false), exampleMatrix(scenario, call.index, targets: true))
                : (scenario.batch.inputs, scenario.batch.targets)
            let pass = MatrixForm.pass(scenario.network, inputs: x, targets: y), L = scenario.network.layerCount
            let sum = (0..<x.rows).reduce(0.0) { $0 + slip.loss(pass.z[L].row($1), pass.a[L].row($1), y.row($1)) }
            if let batch = slip.batch { return (batch(sum, x.rows, y.columns, x.columns, L), pass.gradients.loss) }
            if let whole = slip.whole { return (whole(pass.z[L], pass.a[L], y), pass.gradients.loss) }
            return (sum / Double(x.rows), pass.gradients.loss)
        }
        func fits(_ slip: LossSlip, _ call: Call, _ loss: Double) -> Bool {
            let (made, right) = value(slip, call)
            if slip.inFloat {
                // Float keeps 24 bits: the loss, or a sum of the examples' losses, rounded to it.
                return abs(loss - right) <= 2e-6 * max(abs(right), 1e-30)
            }
            if !made.isFinite || !loss.isFinite { return made.isNaN ? loss.isNaN : made == loss }
            return abs(made - loss) <= 1e-9 * max(abs(made), abs(loss), 1e-300)
        }
        // A loss that is not finite matches any slip that is not finite there too: that says nothing of which.
        guard got.loss.isFinite else { return nil }
        let layer = evidence.scenarios[call.scenario].network.output
        let others = evidence.answers.filter { $0.call != call }.compactMap { other, output -> (Call, Double)? in
            if case .gradients(let g) = output, evidence.scenarios[other.scenario].network.output == layer { return (other, g.loss) }
            return nil
        }
        let found = lossSlips(layer).filter { slip in
            guard (slip.batch == nil && slip.whole == nil) || call.step == .batchEngine else { return false }
            return fits(slip, call, got.loss) && others.allSatisfy { fits(slip, $0, $1) }
        }
        // Variants that say the same in words are one reading.
        var texts: [String] = []
        for slip in found where !texts.contains(slip.text) { texts.append(slip.text) }
        guard !texts.isEmpty, texts.count <= 2 else { return nil }
        let what = texts.count == 1 ? texts[0] : "either \(texts[0]); or \(texts[1])"
        let calls = otherCalls(others.count)
        return "Only the loss is wrong (the gradients are right), and it is exactly what one slip in writing the loss gives: \(what).\(others.isEmpty ? "" : " It also gives your loss on \(calls) with this output layer.")"
    }
}
