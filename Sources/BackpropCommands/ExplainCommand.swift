import Backprop
import Foundation

/// `backprop explain`: a tiny network worked through with numbers, one example at a time and all at once.
enum ExplainCommand: Subcommand {
    static let name = "explain"
    static let summary = "a tiny network worked through with numbers: each example's δ, the batch's Δ, the gradients"

    static let form = NetworkOptions.Form(defaultNet: "2-3-2", takesLoss: false, takesInit: false, takesFile: false,
                                          precisions: [])

    static var options: [OptionSpec] {
        NetworkOptions.specs(form) + [OptionSpec("batch", value: "M", help: "examples, at most 6 (default 3)")]
    }

    static func run(_ arguments: ParsedArguments, context: CommandContext) throws -> Int32 {
        let console = context.console
        let options = try NetworkOptions(arguments, form)
        guard options.sizes.allSatisfy({ $0 <= 5 }) else {
            throw UsageError("--net \(Network<Double>.describe(options.sizes)): explain prints every number in 80 columns; keep every layer at 5 units or fewer")
        }
        let m = try arguments.integer("batch", default: 3, in: 1...6)
        let network = try options.network(Double.self)
        let batch = Batch.synthetic(for: network, examples: m, seed: options.seed &+ 1)
        console.write(try render(network: network, batch: batch, description: options.describe(network)))
        return 0
    }

    static func number(_ x: Double) -> String {
        let text = String(format: "%+.4f", x)
        return text == "-0.0000" ? "+0.0000" : text
    }

    static func vector(_ values: [Double]) -> String { "[" + values.map(number).joined(separator: " ") + "]" }

    static func matrix(_ name: String, _ m: Matrix<Double>, notes: [String] = []) -> String {
        var lines: [String] = []
        for i in 0..<m.rows {
            let prefix = i == 0 ? "\(name) = " : String(repeating: " ", count: name.count + 3)
            lines.append(prefix + vector(m.row(i)) + (i < notes.count ? "  " + notes[i] : ""))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func render(network: Network<Double>, batch: Batch<Double>, description: String) throws -> String {
        let s = ShapesCommand.superscript
        let depth = network.layerCount, m = batch.count
        var text = "explain: \(description)\nm = \(m) examples, double precision\n"
        text += "(numbers shown to 4 decimals; every comparison is of the exact bits)\n\n"
        text += "The network (Wˡ is input × output, as in the note):\n"
        for l in 1...depth {
            text += matrix("W\(s(l)) \(network.layers[l - 1].weights.shapeDescription)", network.layers[l - 1].weights)
            text += "b\(s(l)) [\(network.sizes[l])] = \(vector(network.layers[l - 1].biases))\n"
        }
        text += "\nThe batch, one example per row:\n"
        text += matrix("X \(batch.inputs.shapeDescription)", batch.inputs)
        text += matrix("Y \(batch.targets.shapeDescription)", batch.targets)

        text += "\nOne example at a time (LoopEngine), column vectors:\n"
        text += "  \(network.output.errorRule),  δˡ = (Wˡ⁺¹ δˡ⁺¹) ∘ σ′(zˡ)\n"
        let loop = LoopEngine<Double>()
        var perExample: [[[Double]]] = []
        for i in 0..<m {
            let deltas = try loop.errors(of: network, example: batch.inputs.row(i), target: batch.targets.row(i))
            perExample.append(deltas)
            for l in stride(from: depth, through: 1, by: -1) {
                text += (l == depth ? "  example \(i): " : String(repeating: " ", count: 12 + String(i).count))
                text += "δ\(s(l)) = \(vector(deltas[l - 1]))ᵀ\n"
            }
        }

        text += "\nAll m at once (BatchEngine), one example per row:\n"
        text += "  Δˡ = (Δˡ⁺¹ (Wˡ⁺¹)ᵀ) ∘ σ′(Zˡ)        (≡: the same bits)\n"
        let batchEngine = BatchEngine<Double>()
        let errors = try batchEngine.errors(of: network, inputs: batch.inputs, targets: batch.targets)
        var allRowsMatch = true
        for l in stride(from: depth, through: 1, by: -1) {
            let notes = (0..<m).map { i -> String in
                let same = ElementwiseDifference(errors[l - 1].row(i), perExample[i][l - 1]).isIdentical
                allRowsMatch = allRowsMatch && same
                return same ? "≡ example \(i)'s δ\(s(l))" : "≠ example \(i)'s δ\(s(l))!"
            }
            text += matrix("Δ\(s(l)) \(errors[l - 1].shapeDescription)", errors[l - 1], notes: notes)
        }

        text += "\nThe gradients of the mean loss. The loop engine sums aˡ⁻¹ δˡᵀ and δˡ\n"
        text += "over the examples, then × 1/m; the batch engine computes\n"
        text += "(1/m)(Aˡ⁻¹)ᵀ Δˡ and (1/m) × the column sums of Δˡ.\n"
        let fromLoop = try LoopEngine<Double>().gradients(of: network, inputs: batch.inputs, targets: batch.targets)
        let fromBatch = try BatchEngine<Double>().gradients(of: network, inputs: batch.inputs, targets: batch.targets)
        let difference = GradientsDifference(fromLoop, fromBatch)
        for l in stride(from: depth, through: 1, by: -1) {
            text += matrix("∂W\(s(l)) \(fromLoop.layers[l - 1].weights.shapeDescription)", fromLoop.layers[l - 1].weights)
            text += "∂b\(s(l)) = \(vector(fromLoop.layers[l - 1].biases))\n"
            let same = difference.layers[l - 1].weights.isIdentical && difference.layers[l - 1].biases.isIdentical
            text += "      loop and batch: \(same ? "identical to the last bit" : "DIFFERENT")\n"
        }
        text += String(format: "loss L = %.6f in both (identical: %@)\n", fromLoop.loss, difference.lossIdentical ? "yes" : "NO")
        text += "\n" + (allRowsMatch && difference.isIdentical
            ? "Every row of Δˡ is its example's δˡ, and both engines' gradients\nare the same bits.\n"
            : "MISMATCH: the engines disagree (this should never happen; please report it).\n")
        return text
    }
}
