import Backprop
import CommandSupport
import Foundation

/// `backprop shapes`: every quantity's shape, one example (column vectors) against m examples, with the bytes each
/// matrix of the batch takes; in the course note's convention (examples as rows) or in the other one (examples as
/// columns, W as output × input: Nielsen's matrix exercise, Ng's course).
enum ShapesCommand: Subcommand {
    static let name = "shapes"
    static let summary = "every matrix's shape and size per layer: one example against m examples"

    static let form = NetworkOptions.Form(defaultNet: "784-30-10", takesLoss: false, takesInit: false,
                                          takesSeed: false, takesFile: false, precisions: [])

    static var options: [OptionSpec] {
        [NetworkOptions.specs(form)[0],
         OptionSpec("batch", value: "M", help: "the number of examples m (default 64)"),
         OptionSpec("convention", value: "C", help: "rows (examples as rows, W input × output: the course note's) or columns (examples as columns, W output × input) (default rows)"),
         OptionSpec("precision", value: "P", help: "double or float: the bytes per number of the sizes shown (default double)")]
    }

    static func run(_ arguments: ParsedArguments, context: CommandContext) throws -> Int32 {
        let sizes = try NetworkOptions(arguments, form).sizes
        let m = try arguments.integer("batch", default: 64, in: 1...NetworkOptions.sizeLimit)
        let columns = try arguments.choice("convention", ["rows", "columns"], default: "rows") == "columns"
        let precision = try Precision(rawValue: arguments.choice("precision", ["double", "float"], default: "double"))!
        context.console.write(render(sizes: sizes, examples: m, columns: columns, bytesPerNumber: precision.byteCount,
                                     precision: precision.rawValue))
        return 0
    }

    static func render(sizes: [Int], examples m: Int, columns byColumns: Bool = false, bytesPerNumber: Int = 8,
                       precision: String = "double") -> String {
        let depth = sizes.count - 1
        func column(_ rows: Int) -> String { "[\(rows), 1]" }
        func matrix(_ rows: Int, _ columns: Int) -> String { "[\(rows), \(columns)]" }
        /// A batch quantity of `units` per example, in the chosen convention.
        func batch(_ units: Int) -> String { byColumns ? matrix(units, m) : matrix(m, units) }
        /// Layer l's weights in the chosen convention.
        func weights(_ l: Int) -> String { byColumns ? matrix(sizes[l], sizes[l - 1]) : matrix(sizes[l - 1], sizes[l]) }
        func size(_ numbers: Int) -> String { bytes(numbers * bytesPerNumber) }

        var text = "shapes of \(Network<Double>.describe(sizes)) with m = \(m)\n"
        text += byColumns ? "examples as COLUMNS, Wˡ output × input (Nielsen's matrix form, Ng's course)\n"
                          : "examples as rows, Wˡ input × output (the course note's convention)\n"
        text += "one example: column vectors; sizes in \(precision), \(bytesPerNumber) bytes a number\n\n"
        var table = TextTable(["layer", "quantity", "one example", "m examples", "size", "note"],
                              alignments: [.left, .left, .left, .left, .right, .left])
        table.add(["0", "x, X", column(sizes[0]), batch(sizes[0]), size(m * sizes[0]), "a⁰ = x, A⁰ = X"])
        for l in 1...depth {
            let (input, output) = (sizes[l - 1], sizes[l])
            let s = superscript(l)
            let w = byColumns ? matrix(output, input) : matrix(input, output)
            table.add(["\(l)", "W\(s)", w, weights(l), size(input * output), byColumns ? "output × input; shared" : "input × output; shared"])
            table.add(["", "b\(s)", column(output), byColumns ? column(output) : "[\(output)]", size(output),
                       byColumns ? "b 1ₘᵀ: in every column" : "1ₘ bᵀ: in every row"])
            table.add(["", "z\(s), Z\(s)", column(output), batch(output), size(m * output),
                       byColumns ? "Wa + b;  WA + b1ₘᵀ" : "Wᵀa + b;  AW + 1ₘbᵀ"])
            table.add(["", "a\(s), A\(s)", column(output), batch(output), size(m * output),
                       l == depth ? "output activation" : "σ(z); kept for backprop"])
            table.add(["", "δ\(s), Δ\(s)", column(output), batch(output), size(m * output),
                       byColumns ? "column i: example i's δ" : "row i: example i's δ"])
            table.add(["", "∂W\(s)", w, weights(l), size(input * output),
                       byColumns ? "Σ δaᵀ;  (1/m)ΔAᵀ" : "Σ aδᵀ;  (1/m)AᵀΔ"])
            table.add(["", "∂b\(s)", column(output), byColumns ? column(output) : "[\(output)]", size(output),
                       byColumns ? "Σ δ;  (1/m)Δ1ₘ" : "Σ δ;  (1/m)Δᵀ1ₘ"])
        }
        text += table.render() + "\n\n"

        text += "The products, with their shapes:\n"
        for l in 1...depth {
            let s = superscript(l), p = superscript(l - 1)
            if byColumns {
                text += "  z\(s) = W\(s) a\(p) + b\(s)       [\(sizes[l]), \(sizes[l - 1])]·[\(sizes[l - 1]), 1]\n"
                text += "  Z\(s) = W\(s) A\(p) + b\(s) 1ₘᵀ    [\(sizes[l]), \(sizes[l - 1])]·[\(sizes[l - 1]), \(m)]\n"
            } else {
                text += "  z\(s) = (W\(s))ᵀ a\(p) + b\(s)    [\(sizes[l]), \(sizes[l - 1])]·[\(sizes[l - 1]), 1]\n"
                text += "  Z\(s) = A\(p) W\(s) + 1ₘb\(s)ᵀ     [\(m), \(sizes[l - 1])]·[\(sizes[l - 1]), \(sizes[l])]\n"
            }
        }
        for l in stride(from: depth - 1, through: 1, by: -1) {
            let s = superscript(l), n = superscript(l + 1)
            if byColumns {
                text += "  δ\(s) = ((W\(n))ᵀ δ\(n)) ∘ σ′    [\(sizes[l]), \(sizes[l + 1])]·[\(sizes[l + 1]), 1]\n"
                text += "  Δ\(s) = ((W\(n))ᵀ Δ\(n)) ∘ σ′    [\(sizes[l]), \(sizes[l + 1])]·[\(sizes[l + 1]), \(m)]\n"
            } else {
                text += "  δ\(s) = (W\(n) δ\(n)) ∘ σ′      [\(sizes[l]), \(sizes[l + 1])]·[\(sizes[l + 1]), 1]\n"
                text += "  Δ\(s) = (Δ\(n) (W\(n))ᵀ) ∘ σ′   [\(m), \(sizes[l + 1])]·[\(sizes[l + 1]), \(sizes[l])]\n"
            }
        }
        for l in 1...depth {
            let s = superscript(l), p = superscript(l - 1)
            if byColumns {
                text += "  ∂W\(s) += δ\(s) (a\(p))ᵀ        [\(sizes[l]), 1]·[1, \(sizes[l - 1])]   (per example, summed)\n"
                text += "  ∂W\(s) = (1/m) Δ\(s) (A\(p))ᵀ   [\(sizes[l]), \(m)]·[\(m), \(sizes[l - 1])]\n"
            } else {
                text += "  ∂W\(s) += a\(p) (δ\(s))ᵀ        [\(sizes[l - 1]), 1]·[1, \(sizes[l])]   (per example, summed)\n"
                text += "  ∂W\(s) = (1/m)(A\(p))ᵀ Δ\(s)   [\(sizes[l - 1]), \(m)]·[\(m), \(sizes[l])]\n"
            }
        }

        // What one gradient call holds: the parameters and their gradients, whatever m; the batch, and every
        // layer's activations and errors for all m examples, kept from the forward pass for the backward one.
        let parameters = (1...depth).reduce(0) { $0 + (sizes[$1 - 1] + 1) * sizes[$1] }
        let units = sizes.dropFirst().reduce(0, +)
        let batchNumbers = m * (sizes[0] + sizes[depth])
        let kept = 2 * m * units
        text += "\nMemory of one gradient call (\(precision)):\n"
        text += "  Wˡ, bˡ and their gradients  2 × \(grouped(parameters)) numbers    \(size(2 * parameters))\n"
        text += "  the batch X, Y              m·(h_0 + h_L) = \(grouped(batchNumbers))    \(size(batchNumbers))\n"
        text += "  every Aˡ and Δˡ             2·m·Σ h_l = \(grouped(kept))    \(size(kept))\n"
        text += "  in all                      \(size(2 * parameters + batchNumbers + kept))\n"
        text += "  (of which m·(h_0 + h_L + 2·Σ h_l) grows with m)\n"
        return text
    }

    static func superscript(_ n: Int) -> String { NumberFormat.superscript(n) }

    /// "23,860".
    static func grouped(_ n: Int) -> String {
        let digits = String(n)
        return digits.enumerated().map { index, digit in
            (index > 0 && (digits.count - index) % 3 == 0 ? "," : "") + String(digit)
        }.joined()
    }

    /// "401 KB", "1.2 MB", "240 B": decimal units, three significant digits.
    static func bytes(_ count: Int) -> String {
        let value = Double(count)
        for (unit, scale) in [("GB", 1e9), ("MB", 1e6), ("KB", 1e3)] where value >= scale {
            return NumberFormat.short(value / scale) + " " + unit
        }
        return "\(count) B"
    }
}
