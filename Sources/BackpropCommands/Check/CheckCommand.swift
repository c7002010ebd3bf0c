import Backprop
import BackpropExercises
import CommandSupport
import Foundation

/// `backprop check`: runs both engines on a seeded batch and prints, per layer, whether ∂W and ∂b are bitwise
/// identical between them and how far each is from finite differences. Exit 0 only when everything passes.
enum CheckCommand: Subcommand {
    static let name = "check"
    static let summary = "compare the loop and batch engines bit for bit, and both with finite differences"

    static let form = NetworkOptions.Form(defaultNet: "784-30-10")

    static var options: [OptionSpec] {
        NetworkOptions.specs(form) + [
            OptionSpec("batch", value: "M", help: "examples in the seeded batch (default 32)"),
            ThreadsOption.spec,
            OptionSpec("fd-samples", value: "K", help: "entries of each Wˡ and bˡ checked by finite differences; 0 checks all (default 24)"),
            OptionSpec("export", value: "FILE", help: "write the network, the batch and both engines' gradients as JSON"),
        ]
    }

    /// The relative-error bound against finite differences: 1e-7 in Double (the oracle's own error is ~1e-12);
    /// in Float the engine's own rounding (about 1e-7 relative per operation, accumulated) dominates.
    static func tolerance<T: BackpropScalar>(_: T.Type) -> Double { T.self == Double.self ? 1e-7 : 1e-3 }

    static func run(_ arguments: ParsedArguments, context: CommandContext) throws -> Int32 {
        let options = try NetworkOptions(arguments, form)
        let samples = try arguments.integer("fd-samples", default: 24, in: 0...1_000_000)
        let check = Check(
            options: options, context: context,
            examples: try arguments.integer("batch", default: 32, in: 1...NetworkOptions.sizeLimit),
            threads: try ThreadsOption.parse(arguments),
            samples: samples == 0 ? nil : samples,
            export: arguments.string("export"))
        if let export = check.export { try AtomicFile.ensureWritable(export) }
        return try options.precision.dispatch(check)
    }

    /// One `check` run, in the precision it is dispatched to.
    struct Check: PrecisionDispatch {
        var options: NetworkOptions
        var context: CommandContext
        var examples: Int
        var threads: Int
        var samples: Int?
        var export: String?

        /// The engines compared, the loop engine (the reference) first.
        func engines<T: BackpropScalar>(_: T.Type) -> [AnyBackpropEngine<T>] {
            let (loop, batch) = context.engines.factory.engines(T.self, pool: ThreadsOption.pool(threads))
            return [loop, batch]
        }

        func run<T: BackpropScalar>(_: T.Type) throws -> Int32 {
            let console = context.console
            try MemoryBudget.ensure(
                MemoryBudget.estimate(sizes: options.sizes, examples: examples, scalarBytes: MemoryLayout<T>.size + 8,
                                      copies: 5, batchCopies: 4),
                what: "checking \(Network<T>.describe(options.sizes)) on \(examples) examples")
            let network = try options.network(T.self)
            let batch = Batch.synthetic(for: network, examples: examples, seed: options.seed &+ 1)
            let engines = engines(T.self)
            let report = try EngineCheck.run(network: network, batch: batch, engines: engines, samples: samples)
            console.line("check: \(options.describe(network))")
            console.line("batch: m = \(batch.count) seeded examples (seed \(options.seed &+ 1)), \(T.precision.rawValue) precision, batch engine on \(threads) thread\(threads == 1 ? "" : "s")")
            console.line()
            console.write(report.render(tolerance: tolerance(T.self)))
            console.write(try cost(network: network, batch: batch, engine: engines[engines.count - 1], report: report))
            if let path = export {
                let document = CheckDocument(network: network, batch: batch,
                                             results: zip(engines, report.gradients).map { ($0.name, $1) })
                try AtomicFile.write(try JSONCoding.encode(document), to: path)
                console.line("wrote \(path)")
            }
            return report.passes(tolerance: tolerance(T.self)) ? 0 : 1
        }

        /// In what sense backpropagation is fast: one gradient call against one forward pass, timed (the median
        /// of five calls each), and what finite differences would cost for every parameter at that forward speed,
        /// four forward passes per parameter with the five-point stencil the check uses.
        func cost<T: BackpropScalar>(network: Network<T>, batch: Batch<T>, engine: AnyBackpropEngine<T>,
                                     report: EngineCheck<T>) throws -> String {
            func median(_ body: () throws -> Void) rethrows -> Double {
                try body()
                let times = try (0..<5).map { _ in
                    let start = MonotonicClock.nanoseconds()
                    try body()
                    return MonotonicClock.seconds(since: start)
                }
                return times.sorted()[2]
            }
            var gradients = Gradients(zeroFor: network)
            let backprop = try median { try engine.computeGradients(of: network, inputs: batch.inputs, targets: batch.targets, into: &gradients) }
            let forward = try median { _ = try engine.outputs(of: network, inputs: batch.inputs) }
            let parameters = network.parameterCount
            func time(_ seconds: Double) -> String {
                switch seconds {
                case 7200...: String(format: "%.1f hours", seconds / 3600)
                case 120...: String(format: "%.0f minutes", seconds / 60)
                case 1...: String(format: "%.1f s", seconds)
                case 1e-3...: String(format: "%.2f ms", seconds * 1e3)
                default: String(format: "%.1f µs", seconds * 1e6)
                }
            }
            var text = "\ncost of the gradients of all \(ShapesCommand.grouped(parameters)) parameters:\n"
            text += "  backpropagation (\(engine.name) engine)  \(time(backprop)), "
            text += String(format: "%.1f", backprop / forward) + " times one forward pass (\(time(forward)))\n"
            text += "  finite differences             about \(time(4 * Double(parameters) * forward)): 4 forward passes a parameter, \(ShapesCommand.grouped(4 * parameters)) in all\n"
            text += "  (the oracle above, plain loops in Double, differentiated \(report.oracleEntries) sampled entries in \(time(report.oracleSeconds)))\n"
            return text
        }
    }
}
