import Foundation

/// Engines run on one batch, compared with the first engine bit for bit and with finite differences.
///
/// `backprop check` prints `render(tolerance:)`: per layer, ∂W and ∂b compared bit for bit with the first engine and
/// against finite differences.
public struct EngineCheck<T: BackpropScalar> {
    public var names: [String]
    public var gradients: [Gradients<T>]
    /// `differences[i]`: engine i + 1 against engine 0.
    public var differences: [GradientsDifference]
    /// `oracle[i]`: engine i against finite differences.
    public var oracle: [[GradientCheck.Layer]]
    public var network: Network<T>

    public static func run(network: Network<T>, batch: Batch<T>, engines: [AnyBackpropEngine<T>], samples: Int?) throws -> EngineCheck {
        let gradients = try engines.map { try $0.gradients(of: network, inputs: batch.inputs, targets: batch.targets) }
        return try compare(network: network, batch: batch, names: engines.map(\.name), gradients: gradients, samples: samples)
    }

    /// The same, for gradients already computed (each with the network's shapes) under `names`.
    /// - Precondition: every `gradients[i].hasShapes(of: network)`.
    public static func compare(network: Network<T>, batch: Batch<T>, names: [String], gradients: [Gradients<T>],
                               samples: Int?) throws -> EngineCheck {
        precondition(gradients.allSatisfy { $0.hasShapes(of: network) }, "gradients of another network's shapes")
        let checker = GradientCheck(entriesPerParameter: samples)
        let numeric = try checker.numericGradients(network: network, inputs: batch.inputs, targets: batch.targets)
        return EngineCheck(
            names: names, gradients: gradients,
            differences: gradients.dropFirst().map { GradientsDifference($0, gradients[0]) },
            oracle: gradients.map { checker.compare($0, with: numeric) }, network: network)
    }

    public var identical: Bool { differences.allSatisfy(\.isIdentical) }

    public func oraclePasses(tolerance: Double) -> Bool {
        oracle.allSatisfy { $0.allSatisfy { $0.weights.maximumRelativeError < tolerance && $0.biases.maximumRelativeError < tolerance } }
    }

    public func passes(tolerance: Double) -> Bool { identical && oraclePasses(tolerance: tolerance) }

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
            text += "PASS: \(pair) are bitwise identical and agree with finite differences (relative error < \(scientific(tolerance))).\n"
        } else {
            var reasons: [String] = []
            if !identical { reasons.append("the engines' gradients are not bitwise identical") }
            if !oraclePasses(tolerance: tolerance) { reasons.append("a gradient is off from finite differences by more than \(scientific(tolerance))") }
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
        return "\(worst.differing)/\(worst.count) differ, \(ulps), max |Δ| \(scientific(worst.maximumAbsolute)), first at \(first)"
    }

    func describe(_ entries: [GradientCheck.Entries], tolerance: Double) -> String {
        let worst = entries.map(\.maximumRelativeError).max() ?? 0
        let checked = entries.first?.checked ?? 0, skipped = entries.first?.skippedAtKinks ?? 0
        var text = "rel. error \(scientific(worst)) over \(checked)"
        if skipped > 0 { text += " (+\(skipped) at ReLU kinks)" }
        text += worst < tolerance ? "  ok" : "  TOO LARGE"
        return text
    }
}

/// "1.2e-09", "0": a relative error or a difference in a table.
public func scientific(_ value: Double) -> String {
    if value == 0 { return "0" }
    return String(format: "%.1e", value)
}
