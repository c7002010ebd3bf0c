import Backprop
import BackpropBenchmarks
import Foundation

/// `backprop bench`: for each case, checks that the engines agree to the last bit, then times them and prints
/// examples per second, the speedup of the batch engine, GFLOP/s and the share of the machine's peak.
enum BenchCommand: Subcommand {
    static let name = "bench"
    static let summary = "time the loop and batch engines (after checking they agree bit for bit) and print the speedups"

    static let form = NetworkOptions.Form(
        defaultNet: nil, defaultNetHelp: "784-30-10 and 784-256-128-10", repeatsNet: true, defaultOutput: .sigmoid,
        takesLoss: false, takesInit: false, takesFile: false, allowsBoth: true)

    static var options: [OptionSpec] {
        NetworkOptions.specs(form) + [
            OptionSpec("batch", value: "LIST", help: "batch sizes m, comma-separated (default 1,4,16,64,256,1024)", repeatable: true),
            OptionSpec("threads", value: "LIST", help: "threads of the batch engine, comma-separated (default 1)", repeatable: true),
            OptionSpec("min-time", value: "S", help: "seconds of back-to-back calls per sample (default 0.05)"),
            OptionSpec("samples", value: "N", help: "samples per engine and case; the median is reported (default 7)"),
            OptionSpec("format", value: "F", help: "table, csv or json (default table); data goes to standard output"),
            OptionSpec("svg", value: "FILE", help: "also write a chart of speedup and examples/s against m"),
            OptionSpec("phases", help: "also print where each engine's time goes (forward, errors, gradients)"),
            OptionSpec("call-times", value: "FILE", help: "also write every timed call's seconds as CSV (each call timed on its own)"),
            OptionSpec("compare", value: "LIST", help: "also time the Python peers on the same cases: numpy, jax, sklearn or all, comma-separated (Benchmarks/numpy, Benchmarks/python)"),
            OptionSpec("peak-gflops", value: "D[,F]", help: "one thread's peak GFLOP/s in double (and float) instead of measuring it"),
            OptionSpec("kernels", help: "time the matrix kernels instead: the GEMM ladder and the engines' shapes"),
            OptionSpec("filter", value: "TEXT", help: "with --kernels: only the rows whose kernel or shape mentions TEXT (comma-separated alternatives)"),
            OptionSpec("quick", help: "a few seconds: small networks and batches, short samples (a smoke test)"),
        ] + TrainBenchCommand.options + DataOptions.specs.filter { $0.name == "test-fraction" }
    }

    static func run(_ arguments: ParsedArguments, context: CommandContext) throws -> Int32 {
        let console = context.console
        try checkMode(arguments)
        if arguments.flag("kernels") { return try KernelsCommand.run(arguments, context: context) }
        if arguments.has("train") { return try TrainBenchCommand.run(arguments, context: context) }

        let quick = arguments.flag("quick")
        let network = try NetworkOptions(arguments, form)
        let defaultNetworks = quick ? [[64, 32, 10], [784, 30, 10]] : DefaultSuite.networks
        let batches = try arguments.integerList("batch", default: quick ? [1, 16, 128] : DefaultSuite.batchSizes,
                                                in: 1...NetworkOptions.sizeLimit)
        let threads = try arguments.integerList("threads", default: [1], in: 1...256)
        let format = try arguments.choice("format", ["table", "csv", "json"], default: "table")
        var settings = HarnessSettings(
            minimumTime: try arguments.number("min-time", default: quick ? 0.01 : 0.05, in: 0.0001...60),
            samples: try arguments.integer("samples", default: quick ? 3 : 7, in: 1...1000),
            warmUp: quick ? 0.005 : 0.02,
            seed: network.seed)
        settings.phases = arguments.flag("phases")
        let callTimesPath = arguments.string("call-times")
        // The output files' directories are checked now, not after a run of minutes.
        if let callTimesPath { try AtomicFile.ensureWritable(callTimesPath) }
        if let svg = arguments.string("svg") { try AtomicFile.ensureWritable(svg) }
        settings.recordsCallTimes = callTimesPath != nil
        let peak = try peakRates(arguments)
        let cases = DefaultSuite.cases(networks: network.sizeList.isEmpty ? defaultNetworks : network.sizeList,
                                       batchSizes: batches, precisions: network.precisions, threads: threads,
                                       hidden: network.hidden, output: network.output)
        for benchmarkCase in cases {
            try MemoryBudget.ensure(
                MemoryBudget.estimate(sizes: benchmarkCase.sizes, examples: benchmarkCase.examples,
                                      scalarBytes: benchmarkCase.precision.byteCount, copies: 5, batchCopies: 4),
                what: "benchmarking \(benchmarkCase.network) at m = \(benchmarkCase.examples)")
        }

        var numpy: NumPyReference?
        if arguments.has("compare") {
            let peers = try TrainBenchCommand.comparePeers(arguments)
            switch NumPyReference.locate() {
            case .success(let reference):
                // NumPy's two forms are always timed; the others are asked for by name.
                reference.peers = peers.compactMap { ["jax": "jax-batch", "sklearn": "sklearn-batch"][$0] }
                numpy = reference
            case .failure(let refusal): console.note(refusal.message)
            }
        }

        // Only now, so that a usage error stays the one line on standard error.
        if MachineInfo.isDebugBuild {
            console.note("""
                ##########################################################################
                # WARNING: this is a DEBUG build. Its timings mean nothing.              #
                # Run:  swift run -c release backprop bench                              #
                ##########################################################################
                """)
        }
        var runner = BenchmarkRunner(settings: settings, numpy: numpy)
        var results: [CaseResult] = []
        let started = MonotonicClock.nanoseconds()
        let cpuAtStart = HostCPUTime.now()
        for (index, benchmarkCase) in cases.enumerated() {
            console.progress("[\(index + 1)/\(cases.count)] \(benchmarkCase)")
            do {
                results.append(try runner.run(benchmarkCase))
            } catch let refusal as BenchmarkRefusal {
                console.endProgress()
                throw BackpropError(refusal.message)
            }
        }
        console.endProgress()
        let machine = MachineInfo.current()
        let report = BenchmarkReport(machine: machine, peak: peak, settings: settings, cases: results)

        switch format {
        case "csv":
            console.note("backprop bench: " + report.csvHeader)
            console.write(report.csv())
        case "json": console.write(try report.json())
        default:
            console.line("backprop bench: \(machine.summary)")
            console.line("peak (\(peak.source), one thread): \(String(format: "%.1f", peak.double)) GFLOP/s double, \(String(format: "%.1f", peak.float)) float; seed \(settings.seed); each figure is the median of \(settings.samples) samples of ≥ \(settings.minimumTime) s, engines interleaved; every case checked bitwise identical before timing")
            console.line()
            console.line(BenchmarkTable.main(results, peak: peak))
            if numpy != nil {
                console.line()
                console.line("Python peers (\(runner.numpy?.description ?? "NumPy"), same cases, same threads, samples interleaved):")
                console.line(BenchmarkTable.numpy(results))
                for (peer, reason) in (runner.numpy?.skipped ?? [:]).sorted(by: { $0.key < $1.key }) {
                    console.line("\(peer) skipped: \(reason)")
                }
            }
            if settings.phases {
                for result in results {
                    console.line()
                    console.line("phases: \(result.benchmarkCase)")
                    console.line(BenchmarkTable.phases(result))
                }
            }
            console.line()
            console.line(String(format: "%d cases in %.1f s. speedup = batch ex/s ÷ loop ex/s; GFLOP/s counts the same operations for both engines (docs/performance.md).", results.count, MonotonicClock.seconds(since: started)))
            if let cpuAtStart, let share = HostCPUTime.now()?.stolenShare(since: cpuAtStart),
               let worst = results.filter({ $0.hostSteal != nil }).max(by: { $0.hostSteal! < $1.hostSteal! }) {
                let percent = { (share: Double) in String(format: "%.1f%%", 100 * share) }
                console.line("steal = the share of the time this machine's CPUs wanted to run that the host took, while a case's samples ran: \(percent(share)) over the whole run, at most \(percent(worst.hostSteal!)) (\(worst.benchmarkCase)).")
            }
        }
        if let callTimesPath {
            try AtomicFile.write(Data(CallTimeLog.csv(results).utf8), to: callTimesPath)
            console.note("wrote \(callTimesPath)")
        }
        if let path = arguments.string("svg") {
            let subtitle = "\(machine.cpu), \(machine.build) build, \(machine.codeGeneration); median of \(settings.samples) samples"
            try AtomicFile.write(Data(SpeedupChart(records: report.results, subtitle: subtitle).svg().utf8), to: path)
            console.note("wrote \(path)")
        }
        return 0
    }

    /// The peak per thread: `--peak-gflops D[,F]` (F defaults to 2·D, the usual SIMD ratio), else measured.
    /// The options each of bench's three modes takes: one that another mode takes, given here, would be silently
    /// ignored, so it is a usage error naming the option and its mode.
    static let modes: [(flag: String?, name: String, options: Set<String>)] = [
        ("kernels", "bench --kernels", ["kernels", "precision", "threads", "min-time", "samples", "format", "compare", "filter",
                                  "peak-gflops", "quick"]),
        ("train", "bench --train", ["train", "recipe", "batch-size", "epochs", "train-examples", "target-accuracy",
                              "test-fraction", "precision", "seed", "format", "svg", "compare"]),
        (nil, "bench without --kernels or --train", ["net", "hidden", "output", "precision", "seed", "batch", "threads", "min-time",
                                         "samples", "format", "svg", "phases", "call-times", "compare", "peak-gflops",
                                         "quick"]),
    ]

    static func checkMode(_ arguments: ParsedArguments) throws {
        let chosen = modes.filter { $0.flag.map(arguments.has) ?? false }
        if chosen.count > 1 { throw UsageError("--kernels and --train: choose one") }
        let mode = chosen.first ?? modes[modes.count - 1]
        for option in options.map(\.name) where arguments.has(option) && !mode.options.contains(option) {
            let owners = modes.filter { $0.options.contains(option) }.map(\.name).joined(separator: " or ")
            throw UsageError("--\(option): not an option of \(mode.name) (only of \(owners))")
        }
    }

    static func peakRates(_ arguments: ParsedArguments) throws -> PeakRates {
        guard let text = arguments.string("peak-gflops") else { return PeakRates.measure() }
        let parts = text.split(separator: ",").map { Double($0) }
        guard (1...2).contains(parts.count), parts.allSatisfy({ $0 != nil && $0! > 0 && $0!.isFinite }) else {
            throw UsageError("--peak-gflops: expected one or two positive numbers like 45 or 45,90, got '\(text)'")
        }
        return PeakRates(double: parts[0]!, float: parts.count == 2 ? parts[1]! : 2 * parts[0]!, source: "given")
    }
}
