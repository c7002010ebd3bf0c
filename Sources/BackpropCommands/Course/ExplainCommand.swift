import Backprop
import BackpropBenchmarks
import Foundation

/// `backprop explain`: a tiny network worked through with numbers, one example at a time and all at once.
enum ExplainCommand: Subcommand {
    static let name = "explain"
    static let summary = "a tiny network worked through with numbers: each example's δ, the batch's Δ, the gradients"

    static let form = NetworkOptions.Form(defaultNet: "2-3-2", takesLoss: false, takesInit: false, takesFile: false,
                                          precisions: [])

    static var options: [OptionSpec] {
        NetworkOptions.specs(form) + [
            OptionSpec("batch", value: "M", help: "examples, at most 6 (default 3)"),
            OptionSpec("engine", value: "E", help: "student: run your functions (Sources/StudentWork) on this example, beside the right results"),
            OptionSpec("time-limit", value: "S", help: "with --engine student: seconds your code may run (default 10)"),
        ]
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
        if let engine = arguments.string("engine") {
            guard engine == "student" else { throw UsageError("--engine: '\(engine)' is not student") }
            // The same network and batch in the child, from the same flags; its output pairing must be one whose
            // Δᴸ is Aᴸ − Y, as the exercises' output error computes it.
            _ = try ExercisesCommand.tableInputs(arguments)
            let flags = ["net", "hidden", "output", "seed", "batch"].flatMap { name in
                arguments.string(name).map { ["--\(name)", $0] } ?? []
            } + (arguments.string("batch") == nil ? ["--batch", "3"] : []) + (arguments.string("net") == nil ? ["--net", "2-3-2"] : [])
            let (text, agree) = try renderStudent(network: network, batch: batch, description: options.describe(network), flags: flags,
                                                  timeLimit: try arguments.number("time-limit", default: 10, in: 0.1...3600))
            console.write(text)
            return agree ? 0 : 1
        }
        if arguments.has("time-limit") { throw UsageError("--time-limit goes with --engine student") }
        let (text, agree) = try render(network: network, batch: batch, description: options.describe(network),
                                       factory: context.engines.factory)
        console.write(text)
        return agree ? 0 : 1
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

    /// The worked example, and whether the readable forms and the engines of `factory` all gave the same bits.
    static func render(network: Network<Double>, batch: Batch<Double>, description: String,
                       factory: any EngineFactory) throws -> (text: String, agree: Bool) {
        let engines = factory.engines(Double.self, pool: nil)
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

        text += "\nOne example at a time (OneExample.swift, what LoopEngine runs), column vectors:\n"
        text += "  \(network.output.errorRule),  δˡ = (Wˡ⁺¹ δˡ⁺¹) ∘ σ′(zˡ)\n"
        var perExample: [[[Double]]] = []
        for i in 0..<m {
            let (_, a) = OneExample.forward(network, batch.inputs.row(i))
            let deltas = OneExample.errors(network, activations: a, target: batch.targets.row(i))
            perExample.append(deltas)
            for l in stride(from: depth, through: 1, by: -1) {
                text += (l == depth ? "  example \(i): " : String(repeating: " ", count: 12 + String(i).count))
                text += "δ\(s(l)) = \(vector(deltas[l]))ᵀ\n"
            }
        }

        text += "\nAll m at once (MatrixForm.swift, what BatchEngine runs), one example per row:\n"
        text += "  Δˡ = (Δˡ⁺¹ (Wˡ⁺¹)ᵀ) ∘ σ′(Zˡ)        (≡: the same bits)\n"
        let pass = MatrixForm.pass(network, inputs: batch.inputs, targets: batch.targets)
        var allRowsMatch = true
        for l in stride(from: depth, through: 1, by: -1) {
            let notes = (0..<m).map { i -> String in
                let same = ElementwiseDifference(pass.deltas[l].row(i), perExample[i][l]).isIdentical
                allRowsMatch = allRowsMatch && same
                return same ? "≡ example \(i)'s δ\(s(l))" : "≠ example \(i)'s δ\(s(l))!"
            }
            text += matrix("Δ\(s(l)) \(pass.deltas[l].shapeDescription)", pass.deltas[l], notes: notes)
        }

        text += "\nThe gradients of the mean loss. One example at a time sums aˡ⁻¹ δˡᵀ and δˡ\n"
        text += "over the examples, then × 1/m; the matrix form computes\n"
        text += "(1/m)(Aˡ⁻¹)ᵀ Δˡ and (1/m) × the column sums of Δˡ.\n"
        let readable = [("one example at a time", OneExample.gradients(of: network, inputs: batch.inputs, targets: batch.targets)),
                        ("LoopEngine", try engines.loop.gradients(of: network, inputs: batch.inputs, targets: batch.targets)),
                        ("BatchEngine", try engines.batch.gradients(of: network, inputs: batch.inputs, targets: batch.targets))]
        let differences = readable.map { GradientsDifference($0.1, pass.gradients) }
        for l in stride(from: depth, through: 1, by: -1) {
            text += matrix("∂W\(s(l)) \(pass.gradients.layers[l - 1].weights.shapeDescription)", pass.gradients.layers[l - 1].weights)
            text += "∂b\(s(l)) = \(vector(pass.gradients.layers[l - 1].biases))\n"
            let verdicts = zip(readable, differences).map { name, difference in
                let same = difference.layers[l - 1].weights.isIdentical && difference.layers[l - 1].biases.isIdentical
                return "\(name.0) \(same ? "≡" : "DIFFERENT")"
            }
            text += "      matrix form vs " + verdicts.joined(separator: ", ") + "\n"
        }
        let lossesAgree = differences.allSatisfy(\.lossIdentical)
        text += String(format: "loss 𝓛 = %.6f in all four (identical: %@)\n", pass.gradients.loss, lossesAgree ? "yes" : "NO")
        let agree = allRowsMatch && differences.allSatisfy(\.isIdentical)
        text += "\n" + (agree
            ? "Every row of Δˡ is its example's δˡ, and the matrix form, one example\nat a time and both engines give the same bits.\n"
            : "MISMATCH: the forms disagree where they must give the same bits (this should never happen; please report it).\n")
        return (text, agree)
    }
}
