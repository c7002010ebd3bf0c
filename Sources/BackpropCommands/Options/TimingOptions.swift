import Backprop
import BackpropBenchmarks

/// The options of the two timed benchmarks, `bench` and `bench-kernels`, parsed here once: how long to sample, how
/// many samples, a quick smoke run, the output format, and one thread's peak.
enum TimingOptions {
    /// `--threads LIST`, `--min-time`, `--samples`, `--format`, `--peak-gflops`, `--quick`, with `threads` saying
    /// what the threads run.
    static func specs(threads: String, quick: String) -> [OptionSpec] {
        [OptionSpec("threads", value: "LIST", help: "\(threads), comma-separated (default 1)", repeatable: true),
         OptionSpec("min-time", value: "S", help: "seconds of back-to-back calls per sample (default 0.05)"),
         OptionSpec("samples", value: "N", help: "samples of each; the median is reported (default 7)"),
         OptionSpec("format", value: "F", help: "table, csv or json (default table); data goes to standard output"),
         OptionSpec("peak-gflops", value: "D[,F]", help: "one thread's peak GFLOP/s in double (and float) instead of measuring it"),
         OptionSpec("quick", help: quick)]
    }

    /// The thread counts, the output format and the sampling, from the options (shorter with `--quick`).
    static func parse(_ arguments: ParsedArguments, seed: UInt64) throws
        -> (threads: [Int], format: String, settings: HarnessSettings, quick: Bool) {
        let quick = arguments.flag("quick")
        let settings = HarnessSettings(
            minimumTime: try arguments.number("min-time", default: quick ? 0.01 : 0.05, in: 0.0001...60),
            samples: try arguments.integer("samples", default: quick ? 3 : 7, in: 1...1000),
            warmUp: quick ? 0.005 : 0.02, seed: seed)
        return (try arguments.integerList("threads", default: [1], in: ThreadsOption.range),
                try arguments.choice("format", ["table", "csv", "json"], default: "table"), settings, quick)
    }

    /// The peak per thread: `--peak-gflops D[,F]` (F defaults to 2·D, the usual SIMD ratio), else measured.
    static func peakRates(_ arguments: ParsedArguments) throws -> PeakRates {
        guard let text = arguments.string("peak-gflops") else { return PeakRates.measure() }
        let parts = text.split(separator: ",").map { Double($0) }
        guard (1...2).contains(parts.count), parts.allSatisfy({ $0 != nil && $0! > 0 && $0!.isFinite }) else {
            throw UsageError("--peak-gflops: expected one or two positive numbers like 45 or 45,90, got '\(text)'")
        }
        return PeakRates(double: parts[0]!, float: parts.count == 2 ? parts[1]! : 2 * parts[0]!, source: "given")
    }
}
