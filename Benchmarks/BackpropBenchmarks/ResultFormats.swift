import Backprop
import Foundation

/// One row of the machine-readable output: one (network, precision, batch, threads, engine).
///
/// The first ten columns are the documented interface (docs/commands.md); the rest give the spread and context.
public struct BenchmarkRecord: Codable, Equatable, Sendable {
    public var network: String
    public var precision: String
    public var batch: Int
    public var threads: Int
    public var engine: String
    public var median_seconds: Double
    public var examples_per_second: Double
    public var gflops: Double
    /// This engine's speed over the loop form's (1 for a loop engine).
    public var speedup_vs_loop: Double?
    public var p10_seconds: Double
    public var p90_seconds: Double
    public var min_seconds: Double
    public var max_seconds: Double
    public var samples: Int
    public var repetitions: Int
    public var percent_of_peak: Double?
    /// For a Swift engine, its speed over NumPy's same form (loop vs numpy-loop, batch vs numpy-batch).
    public var ratio_vs_numpy: Double?
    /// The percentage of the time the machine's CPUs wanted to run that the host took while the case ran (the
    /// same for every engine of the case; nil where the system does not count it).
    public var host_steal_percent: Double? = nil

    /// The documented column order.
    public static let columns = [
        "network", "precision", "batch", "threads", "engine", "median_seconds", "examples_per_second", "gflops",
        "speedup_vs_loop", "p10_seconds", "p90_seconds", "min_seconds", "max_seconds", "samples",
        "repetitions", "percent_of_peak", "ratio_vs_numpy", "host_steal_percent",
    ]

    var fields: [String] {
        func number(_ value: Double?) -> String { value.map { String(format: "%.6g", $0) } ?? "" }
        return [network, precision, String(batch), String(threads), engine, number(median_seconds),
                number(examples_per_second), number(gflops), number(speedup_vs_loop),
                number(p10_seconds), number(p90_seconds),
                number(min_seconds), number(max_seconds), String(samples), String(repetitions),
                number(percent_of_peak), number(ratio_vs_numpy), number(host_steal_percent)]
    }
}

/// The measured peak GFLOP/s of one thread, per precision (for the % of peak column).
public struct PeakRates: Codable, Sendable, Equatable {
    public var double: Double
    public var float: Double
    /// "measured" (an FMA-throughput probe) or "given" (--peak-gflops).
    public var source: String

    public init(double: Double, float: Double, source: String) {
        self.double = double
        self.float = float
        self.source = source
    }

    /// Measures both with `PeakProbe`.
    public static func measure() -> PeakRates {
        PeakRates(double: PeakProbe.gigaflops(Double.self, seconds: 0.1),
                  float: PeakProbe.gigaflops(Float.self, seconds: 0.1), source: "measured")
    }

    /// The peak of `threads` threads in `precision`.
    public func peak(_ precision: Precision, threads: Int) -> Double {
        (precision == .float ? float : double) * Double(threads)
    }
}

/// A whole benchmark run: the machine, the settings, and one record per engine and case.
public struct BenchmarkReport: Codable, Sendable {
    public var machine: MachineInfo
    public var peak: PeakRates
    public var seed: UInt64
    public var minimum_time: Double
    public var samples: Int
    public var results: [BenchmarkRecord]

    public init(machine: MachineInfo, peak: PeakRates, settings: HarnessSettings, cases: [CaseResult]) {
        self.machine = machine
        self.peak = peak
        seed = settings.seed
        minimum_time = settings.minimumTime
        samples = settings.samples
        results = cases.flatMap { result in
            result.measurements.map { measurement in
                let c = result.benchmarkCase
                let threads = measurement.engine.hasSuffix("loop") || measurement.engine == BenchmarkHarness.oneThreadBatch
                    ? 1 : c.threads
                let gflops = result.gigaflops(measurement.engine) ?? 0
                return BenchmarkRecord(
                    network: c.network, precision: c.precision.rawValue, batch: c.examples, threads: threads,
                    engine: measurement.engine, median_seconds: measurement.timing.median,
                    examples_per_second: result.examplesPerSecond(measurement.engine) ?? 0, gflops: gflops,
                    speedup_vs_loop: result.speedup(measurement.engine),
                    p10_seconds: measurement.timing.p10, p90_seconds: measurement.timing.p90,
                    min_seconds: measurement.timing.minimum, max_seconds: measurement.timing.maximum,
                    samples: measurement.timing.samples, repetitions: measurement.timing.repetitions,
                    percent_of_peak: 100 * gflops / peak.peak(c.precision, threads: threads),
                    ratio_vs_numpy: result.ratioToNumPy(measurement.engine),
                    host_steal_percent: result.hostSteal.map { 100 * $0 })
            }
        }
    }

    /// CSV: a header with the documented column names, then one line per record. Comment lines (#) first carry
    /// the machine, so a spreadsheet can skip them.
    /// The header of a CSV report, for standard error: the CSV itself stays plain (the column names first).
    public var csvHeader: String {
        "\(machine.summary); peak \(String(format: "%.1f", peak.double)) GFLOP/s double, \(String(format: "%.1f", peak.float)) float per thread (\(peak.source)); seed \(seed)"
    }

    /// Plain CSV: the column names on the first line, then one record per line.
    public func csv() -> String {
        var lines = [BenchmarkRecord.columns.joined(separator: ",")]
        lines += results.map { $0.fields.joined(separator: ",") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// JSON: {"machine": …, "peak": …, "seed": …, "results": [records]}.
    public func json() throws -> String {
        String(decoding: try JSONCoding.encode(self), as: UTF8.self) + "\n"
    }

    /// Parses `csv()` output back into records (for tests and for tools that read our files).
    public static func parseCSV(_ text: String) throws -> [BenchmarkRecord] {
        let lines = text.split(separator: "\n").filter { !$0.hasPrefix("#") }
        guard let header = lines.first?.split(separator: ",", omittingEmptySubsequences: false).map(String.init),
              header == BenchmarkRecord.columns else {
            throw BackpropError("the CSV header is not the documented one")
        }
        return try lines.dropFirst().enumerated().map { index, line in
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard f.count == header.count else { throw BackpropError("CSV line \(index + 2) has \(f.count) fields") }
            func number(_ i: Int) throws -> Double {
                guard let v = Double(f[i]) else { throw BackpropError("CSV line \(index + 2): '\(f[i])' in \(header[i]) is not a number") }
                return v
            }
            func optional(_ i: Int) throws -> Double? { f[i].isEmpty ? nil : try number(i) }
            return BenchmarkRecord(
                network: f[0], precision: f[1], batch: Int(try number(2)), threads: Int(try number(3)), engine: f[4],
                median_seconds: try number(5), examples_per_second: try number(6), gflops: try number(7),
                speedup_vs_loop: try optional(8),
                p10_seconds: try number(9), p90_seconds: try number(10), min_seconds: try number(11),
                max_seconds: try number(12), samples: Int(try number(13)), repetitions: Int(try number(14)),
                percent_of_peak: try optional(15), ratio_vs_numpy: try optional(16),
                host_steal_percent: try optional(17))
        }
    }
}
