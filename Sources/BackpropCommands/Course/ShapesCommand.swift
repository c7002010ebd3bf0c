import Backprop
import CommandSupport

/// `backprop shapes`: every quantity's shape, one example (column vectors) against m examples (rows).
enum ShapesCommand: Subcommand {
    static let name = "shapes"
    static let summary = "every matrix's shape per layer: one example against m examples"

    static let form = NetworkOptions.Form(defaultNet: "784-30-10", takesLoss: false, takesInit: false,
                                          takesSeed: false, takesFile: false, precisions: [])

    static var options: [OptionSpec] {
        [NetworkOptions.specs(form)[0], OptionSpec("batch", value: "M", help: "the number of examples m (default 64)")]
    }

    static func run(_ arguments: ParsedArguments, context: CommandContext) throws -> Int32 {
        let console = context.console
        let sizes = try NetworkOptions(arguments, form).sizes
        let m = try arguments.integer("batch", default: 64, in: 1...NetworkOptions.sizeLimit)
        console.write(render(sizes: sizes, examples: m))
        return 0
    }

    static func render(sizes: [Int], examples m: Int) -> String {
        func column(_ rows: Int) -> String { "[\(rows), 1]" }
        func matrix(_ rows: Int, _ columns: Int) -> String { "[\(rows), \(columns)]" }
        var text = "shapes of \(Network<Double>.describe(sizes)) with m = \(m)\n"
        text += "one example: column vectors; m examples: one example per row\n\n"
        var table = TextTable(["layer", "quantity", "one example", "m examples", "note"])
        table.add(["0", "x, X", column(sizes[0]), matrix(m, sizes[0]), "a⁰ = x, A⁰ = X"])
        let depth = sizes.count - 1
        for l in 1...depth {
            let (input, output) = (sizes[l - 1], sizes[l])
            let s = superscript(l)
            table.add(["\(l)", "W\(s)", matrix(input, output), matrix(input, output), "input × output; shared"])
            table.add(["", "b\(s)", column(output), "[\(output)]", "added to every row"])
            table.add(["", "z\(s), Z\(s)", column(output), matrix(m, output), "(W\(s))ᵀa + b;  A W\(s) + b"])
            table.add(["", "a\(s), A\(s)", column(output), matrix(m, output), l == depth ? "output activation" : "σ(z), element-wise"])
            table.add(["", "δ\(s), Δ\(s)", column(output), matrix(m, output), "row i of Δ\(s) is example i's δ\(s)"])
            table.add(["", "∂W\(s)", matrix(input, output), matrix(input, output), "Σ a δᵀ;  (1/m) Aᵀ Δ"])
            table.add(["", "∂b\(s)", column(output), "[\(output)]", "Σ δ;  (1/m) column sums of Δ"])
        }
        text += table.render() + "\n\n"
        text += "The products, with their shapes:\n"
        for l in 1...depth {
            let s = superscript(l), p = superscript(l - 1)
            text += "  z\(s) = (W\(s))ᵀ a\(p) + b\(s)    [\(sizes[l]), \(sizes[l - 1])]·[\(sizes[l - 1]), 1]\n"
            text += "  Z\(s) = A\(p) W\(s) + b\(s)        [\(m), \(sizes[l - 1])]·[\(sizes[l - 1]), \(sizes[l])]\n"
        }
        for l in stride(from: depth - 1, through: 1, by: -1) {
            let s = superscript(l), n = superscript(l + 1)
            text += "  δ\(s) = (W\(n) δ\(n)) ∘ σ′      [\(sizes[l]), \(sizes[l + 1])]·[\(sizes[l + 1]), 1]\n"
            text += "  Δ\(s) = (Δ\(n) (W\(n))ᵀ) ∘ σ′   [\(m), \(sizes[l + 1])]·[\(sizes[l + 1]), \(sizes[l])]\n"
        }
        for l in 1...depth {
            let s = superscript(l), p = superscript(l - 1)
            text += "  ∂W\(s) += a\(p) (δ\(s))ᵀ        [\(sizes[l - 1]), 1]·[1, \(sizes[l])]   (per example, summed)\n"
            text += "  ∂W\(s) = (1/m)(A\(p))ᵀ Δ\(s)   [\(sizes[l - 1]), \(m)]·[\(m), \(sizes[l])]\n"
        }
        return text
    }

    static func superscript(_ n: Int) -> String { NumberFormat.superscript(n) }
}
