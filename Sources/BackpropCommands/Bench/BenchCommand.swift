import Backprop
import CommandSupport
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
            OptionSpec("svg", value: "FILE", help: "also write a chart of speedup and examples/s against m"),
            OptionSpec("phases", help: "also print where each engine's time goes (forward, errors, gradients)"),
            OptionSpec("call-times", value: "FILE", help: "also write every timed call's seconds as CSV (each call timed on its own)"),
            OptionSpec("compare", value: "LIST", help: "also time the Python peers on the same cases: numpy, jax, sklearn or all, comma-separated (Benchmarks/numpy, Benchmarks/python)"),
        ] + TimingOptions.specs(threads: "threads of the batch engine",
                                quick: "a few seconds: small networks and batches, short samples (a smoke test)")
    }

    static func run(_ arguments: ParsedArguments, context: CommandContext) throws -> Int32 {
        let console = context.console

        let network = try NetworkOptions(arguments, form)
        var (threads, format, settings, quick) = try TimingOptions.parse(arguments, seed: network.seed)
        let defaultNetworks = quick ? [[64, 32, 10], [784, 30, 10]] : DefaultSuite.networks
        let batches = try arguments.integerList("batch", default: quick ? [1, 16, 128] : DefaultSuite.batchSizes,
                                                in: 1...NetworkOptions.sizeLimit)
        settings.phases = arguments.flag("phases")
        let callTimesPath = arguments.string("call-times")
        // The output files' directories are checked now, not after a run of minutes.
        if let callTimesPath { try AtomicFile.ensureWritable(callTimesPath) }
        if let svg = arguments.string("svg") { try AtomicFile.ensureWritable(svg) }
        settings.recordsCallTimes = callTimesPath != nil
        let peak = try TimingOptions.peakRates(arguments)
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
            let peers = try BenchTrainCommand.comparePeers(arguments)
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
        var runner = BenchmarkRunner(settings: settings, numpy: numpy, factory: context.engines.factory)
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
}
