import Backprop

extension EngineCheck {
    /// The table `backprop check` prints: per layer, ∂W and ∂b compared bit for bit with the first engine and against
    /// finite differences, then PASS or FAIL with the reasons.
    public func render(tolerance: Double) -> String {
        var text = ""
        let pair = names.joined(separator: " vs ")
        let losses = zip(names, gradients).map { "\($0) \($1.loss)" }.joined(separator: "  ")
        let lossVerdict = differences.allSatisfy(\.lossIdentical)
            ? "bitwise identical" : "differ by \(differences.map(\.lossULPs).max() ?? 0) ULP"
        text += "loss  \(losses)  \(lossVerdict)\n\n"
        var table = TextTable(["layer", "gradient", "shape", pair, "finite differences"],
                              alignments: [.right, .left, .left, .left, .left])
        for l in 1...network.layerCount {
            let layer = network.layers[l - 1]
            for (symbol, shape, keyPath) in [("∂W", layer.weights.shapeDescription, \GradientCheck.Layer.weights),
                                             ("∂b", "[\(layer.biases.count)]", \GradientCheck.Layer.biases)] {
                let comparisons = differences.map { symbol == "∂W" ? $0.layers[l - 1].weights : $0.layers[l - 1].biases }
                table.add(["\(l)", symbol, shape, describe(comparisons, columns: layer.weights.columns, isWeight: symbol == "∂W"),
                           describe(oracle.map { $0[l - 1][keyPath: keyPath] }, tolerance: tolerance)])
            }
        }
        text += table.render() + "\n\n"
        if passes(tolerance: tolerance) {
            text += "PASS: \(pair) are bitwise identical and agree with finite differences (relative error < \(NumberFormat.scientific(tolerance))).\n"
        } else {
            var reasons: [String] = []
            if !identical { reasons.append("the engines' gradients are not bitwise identical") }
            if !oraclePasses(tolerance: tolerance) { reasons.append("a gradient is off from finite differences by more than \(NumberFormat.scientific(tolerance))") }
            text += "FAIL: " + reasons.joined(separator: "; ") + ".\n"
        }
        return text
    }

    func describe(_ comparisons: [ElementwiseDifference], columns: Int, isWeight: Bool) -> String {
        guard let worst = comparisons.max(by: { $0.differing < $1.differing }) else { return "-" }
        if worst.isIdentical { return "bitwise identical" }
        let first = worst.firstDifference.map { isWeight ? "[\($0 / columns), \($0 % columns)]" : "[\($0)]" } ?? "?"
        // Two values of opposite signs are as many ULPs apart as the numbers between them: a count no one can read.
        let ulps = worst.maximumULPs < 1 << 40 ? "≤ \(worst.maximumULPs) ULP" : "far apart"
        return "\(worst.differing)/\(worst.count) differ, \(ulps), max diff \(NumberFormat.scientific(worst.maximumAbsolute)), first at \(first)"
    }

    func describe(_ entries: [GradientCheck.Entries], tolerance: Double) -> String {
        let worst = entries.map(\.maximumRelativeError).max() ?? 0
        let checked = entries.first?.checked ?? 0, skipped = entries.first?.skippedAtKinks ?? 0
        var text = "rel. error \(NumberFormat.scientific(worst)) over \(checked)"
        if skipped > 0 { text += " (+\(skipped) at ReLU kinks)" }
        let noise = entries.first?.withinNoise ?? 0
        if noise > 0 { text += " (\(noise) within the oracle's rounding)" }
        text += worst < tolerance ? "  ok" : "  TOO LARGE"
        return text
    }
}
