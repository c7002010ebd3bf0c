import Backprop
import Foundation
import StudentWork

/// `backprop check`: runs both engines on a seeded batch and prints, per layer, whether ∂W and ∂b are bitwise
/// identical between them and how far each is from finite differences. Exit 0 only when everything passes.
enum CheckCommand: Subcommand {
    static let name = "check"
    static let summary = "compare the loop and batch engines bit for bit, and both with finite differences"

    static var options: [OptionSpec] {
        NetworkOptions.specs(defaultNet: "784-30-10") + [
            OptionSpec("batch", value: "M", help: "examples in the seeded batch (default 32)"),
            OptionSpec("threads", value: "N", help: "threads of the batch engine (default 1)"),
            OptionSpec("fd-samples", value: "K", help: "entries of each Wˡ and bˡ checked by finite differences; 0 checks all (default 24)"),
            OptionSpec("export", value: "FILE", help: "write the network, the batch and both engines' gradients as JSON"),
            OptionSpec("engine", value: "E", help: "student: check your engine (Sources/StudentWork/StudentEngine.swift) and diagnose its mistakes"),
        ]
    }

    /// The relative-error bound against finite differences: 1e-7 in Double (the oracle's own error is ~1e-12);
    /// in Float the engine's own rounding (about 1e-7 relative per operation, accumulated) dominates.
    static func tolerance<T: BackpropScalar>(_: T.Type) -> Double { T.self == Double.self ? 1e-7 : 1e-3 }

    struct Settings {
        var options: NetworkOptions
        var examples: Int
        var threads: Int
        var samples: Int?
        var export: String?
    }

    static func run(_ arguments: ParsedArguments, console: Console) throws -> Int32 {
        if let engine = arguments.string("engine") {
            guard engine == "student" else { throw UsageError("--engine: '\(engine)' is not student") }
            return try checkStudent(arguments, console: console)
        }
        let options = try NetworkOptions(arguments, defaultNet: "784-30-10")
        let samples = try arguments.integer("fd-samples", default: 24, in: 0...1_000_000)
        let settings = Settings(
            options: options,
            examples: try arguments.integer("batch", default: 32, in: 1...NetworkOptions.sizeLimit),
            threads: try arguments.integer("threads", default: 1, in: 1...256),
            samples: samples == 0 ? nil : samples,
            export: arguments.string("export"))
        switch try options.resolvedPrecision(arguments) {
        case "float": return try run(Float.self, settings, console: console)
        default: return try run(Double.self, settings, console: console)
        }
    }

    /// The engine `--engine student` checks; tests replace it with engines that make the classic mistakes.
    nonisolated(unsafe) static var studentEngine: () -> AnyBackpropEngine<Double> = { AnyBackpropEngine(StudentEngine()) }

    /// `check --engine student`: the checker's scenarios and diagnosis, then the usual per-layer table (student
    /// against the loop engine, and finite differences) on the chosen network.
    static func checkStudent(_ arguments: ParsedArguments, console: Console) throws -> Int32 {
        let options = try NetworkOptions(arguments, defaultNet: "10-8-8-4", precisions: ["double"])
        let student = studentEngine()
        console.line("check --engine student: your engine against the library's engines and finite differences")
        console.line()
        let report = EngineChecker().check(student)
        report.lines.forEach { console.line($0) }
        guard report.verdict != .failed else { return 1 }
        let network = try options.network(Double.self)
        let examples = try arguments.integer("batch", default: 8, in: 1...NetworkOptions.sizeLimit)
        let batch = Batch.synthetic(for: network, examples: examples, seed: options.seed &+ 1)
        let samples = try arguments.integer("fd-samples", default: 24, in: 0...1_000_000)
        let table = try EngineCheck.run(network: network, batch: batch,
                                        engines: [AnyBackpropEngine(LoopEngine<Double>()), student],
                                        samples: samples == 0 ? nil : samples)
        console.line()
        console.line("on \(options.describe(network)), m = \(examples):")
        console.write(table.render(tolerance: tolerance(Double.self)).split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.hasPrefix("PASS") && !$0.hasPrefix("FAIL") }.joined(separator: "\n"))
        return report.passed ? 0 : 1
    }

    /// The engines compared: the loop engine first (the reference), then the batch engine. Tests replace this to
    /// inject a faulty engine and see the command fail.
    nonisolated(unsafe) static var engines: (_ threads: Int) -> [AnyBackpropEngine<Double>] = { threads in
        [AnyBackpropEngine(LoopEngine<Double>()), AnyBackpropEngine(BatchEngine<Double>(threads: threads))]
    }

    static func makeEngines<T: BackpropScalar>(_: T.Type, threads: Int) -> [AnyBackpropEngine<T>] {
        if T.self == Double.self, let engines = engines(threads) as? [AnyBackpropEngine<T>] { return engines }
        return [AnyBackpropEngine(LoopEngine<T>()), AnyBackpropEngine(BatchEngine<T>(threads: threads))]
    }

    static func run<T: BackpropScalar>(_: T.Type, _ settings: Settings, console: Console) throws -> Int32 {
        let sizes = settings.options.file == nil ? settings.options.sizes : try settings.options.network(T.self).sizes
        try MemoryBudget.ensure(
            MemoryBudget.estimate(sizes: sizes, examples: settings.examples, scalarBytes: MemoryLayout<T>.size + 8,
                                  copies: 5, batchCopies: 4),
            what: "checking \(Network<T>.describe(sizes)) on \(settings.examples) examples")
        let network = try settings.options.network(T.self)
        let batch = Batch.synthetic(for: network, examples: settings.examples, seed: settings.options.seed &+ 1)
        let engines = makeEngines(T.self, threads: settings.threads)
        let report = try EngineCheck.run(network: network, batch: batch, engines: engines, samples: settings.samples)
        console.line("check: \(settings.options.describe(network))")
        console.line("batch: m = \(batch.count) seeded examples (seed \(settings.options.seed &+ 1)), \(T.precisionName) precision, batch engine on \(settings.threads) thread\(settings.threads == 1 ? "" : "s")")
        console.line()
        console.write(report.render(tolerance: tolerance(T.self)))
        if let path = settings.export {
            let document = CheckDocument(network: network, batch: batch,
                                         results: zip(engines, report.gradients).map { ($0.name, $1) })
            try AtomicFile.write(try JSONCoding.encode(document), to: path)
            console.line("wrote \(path)")
        }
        return report.passes(tolerance: tolerance(T.self)) ? 0 : 1
    }
}

/// Engines run on one batch, compared with the first engine bit for bit and with finite differences.
struct EngineCheck<T: BackpropScalar> {
    var names: [String]
    var gradients: [Gradients<T>]
    /// `differences[i]`: engine i + 1 against engine 0.
    var differences: [GradientsDifference]
    /// `oracle[i]`: engine i against finite differences.
    var oracle: [[GradientCheck.Layer]]
    var network: Network<T>

    static func run(network: Network<T>, batch: Batch<T>, engines: [AnyBackpropEngine<T>], samples: Int?) throws -> EngineCheck {
        let gradients = try engines.map { try $0.gradients(of: network, inputs: batch.inputs, targets: batch.targets) }
        let checker = GradientCheck(entriesPerParameter: samples)
        let numeric = try checker.numericGradients(network: network, inputs: batch.inputs, targets: batch.targets)
        return EngineCheck(
            names: engines.map(\.name), gradients: gradients,
            differences: gradients.dropFirst().map { GradientsDifference($0, gradients[0]) },
            oracle: gradients.map { checker.compare($0, with: numeric) }, network: network)
    }

    var identical: Bool { differences.allSatisfy(\.isIdentical) }

    func oraclePasses(tolerance: Double) -> Bool {
        oracle.allSatisfy { $0.allSatisfy { $0.weights.maximumRelativeError < tolerance && $0.biases.maximumRelativeError < tolerance } }
    }

    func passes(tolerance: Double) -> Bool { identical && oraclePasses(tolerance: tolerance) }

    func render(tolerance: Double) -> String {
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
            text += "PASS: \(pair) are bitwise identical and agree with finite differences (relative error < \(format(tolerance))).\n"
        } else {
            var reasons: [String] = []
            if !identical { reasons.append("the engines' gradients are not bitwise identical") }
            if !oraclePasses(tolerance: tolerance) { reasons.append("a gradient is off from finite differences by more than \(format(tolerance))") }
            text += "FAIL: " + reasons.joined(separator: "; ") + ".\n"
        }
        return text
    }

    func describe(_ comparisons: [ElementwiseDifference], columns: Int, isWeight: Bool) -> String {
        guard let worst = comparisons.max(by: { $0.differing < $1.differing }) else { return "-" }
        if worst.isIdentical { return "bitwise identical" }
        let first = worst.firstDifference.map { isWeight ? "[\($0 / columns), \($0 % columns)]" : "[\($0)]" } ?? "?"
        return "\(worst.differing)/\(worst.count) differ, ≤ \(worst.maximumULPs) ULP, max |Δ| \(format(worst.maximumAbsolute)), first at \(first)"
    }

    func describe(_ entries: [GradientCheck.Entries], tolerance: Double) -> String {
        let worst = entries.map(\.maximumRelativeError).max() ?? 0
        let checked = entries.first?.checked ?? 0, skipped = entries.first?.skippedAtKinks ?? 0
        var text = "rel. error \(format(worst)) over \(checked)"
        if skipped > 0 { text += " (+\(skipped) at ReLU kinks)" }
        text += worst < tolerance ? "  ok" : "  TOO LARGE"
        return text
    }
}

/// "1.2e-09", "0".
func format(_ value: Double) -> String {
    if value == 0 { return "0" }
    return String(format: "%.1e", value)
}
