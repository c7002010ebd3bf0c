import Backprop
import CommandSupport
import Foundation

/// The human-readable tables of `backprop bench` (`--format table`).
public enum BenchmarkTable {
    /// "1.23M", "45.6k", "789".
    public static func compact(_ value: Double) -> String {
        switch abs(value) {
        case 1e9...: String(format: "%.3gG", value / 1e9)
        case 1e6...: String(format: "%.3gM", value / 1e6)
        case 1e3...: String(format: "%.3gk", value / 1e3)
        default: String(format: "%.3g", value)
        }
    }

    /// A table of `header` and `rows`, the columns `rightAligned` right-aligned.
    public static func render(_ header: [String], _ rows: [[String]], rightAligned: Set<Int>) -> String {
        var table = TextTable(header, rightAligned: rightAligned)
        rows.forEach { table.add($0) }
        return table.render()
    }

    /// Examples/s as "median (p10–p90)" from the per-call times.
    static func rate(_ result: CaseResult, _ engine: String) -> String {
        guard let m = result.measurement(engine) else { return "-" }
        let n = Double(result.benchmarkCase.examples)
        return "\(compact(n / m.timing.median)) (\(compact(n / m.timing.p90))–\(compact(n / m.timing.p10)))"
    }

    /// The main table: one row per case.
    public static func main(_ results: [CaseResult], peak: PeakRates) -> String {
        let threaded = results.contains { $0.threadSpeedup != nil }
        var header = ["network", "m", "precision", "thr", "loop ex/s (p10–p90)", "batch ex/s (p10–p90)", "speedup",
                      "loop GFLOP/s", "batch GFLOP/s"]
        // With several thread counts: the batch engine's gain over one thread, measured in the same rotation.
        if threaded { header.append("vs 1 thread") }
        // Where the system counts it: the share of the time the CPUs wanted to run that the host took during the
        // case's samples.
        let counted = results.contains { $0.hostSteal != nil }
        if counted { header.append("steal") }
        let rows: [[String]] = results.map { r in
            let c = r.benchmarkCase
            func flops(_ engine: String, threads: Int) -> String {
                guard let g = r.gigaflops(engine) else { return "-" }
                return String(format: "%.1f (%.0f%%)", g, 100 * g / peak.peak(c.precision, threads: threads))
            }
            var row = [c.network, String(c.examples), c.precision.rawValue, String(c.threads), rate(r, "loop"), rate(r, "batch"),
                       r.speedup("batch").map { String(format: "%.2f×", $0) } ?? "-",
                       flops("loop", threads: 1), flops("batch", threads: c.threads)]
            if threaded { row.append(r.threadSpeedup.map { String(format: "%.2f×", $0) } ?? "-") }
            if counted { row.append(r.hostSteal.map { String(format: "%.1f%%", 100 * $0) } ?? "-") }
            return row
        }
        return render(header, rows, rightAligned: [1, 3, 4, 5, 6, 7, 8, 9, 10])
    }

    /// The comparison with the Python peers: NumPy's rows and Swift/NumPy ratios for each form, and, when they ran,
    /// JAX's and scikit-learn's batch gradients with the batch engine's ratio to each. Beside each peer's rate, its
    /// process's CPU time over wall time (≈ 1.0 on one core); below the table, how a peer was pinned, if it was.
    public static func numpy(_ results: [CaseResult]) -> String {
        let peers = ["jax-batch", "sklearn-batch"].filter { peer in results.contains { $0.measurement(peer) != nil } }
        var header = ["network", "m", "precision", "thr", "numpy loop ex/s", "CPU/wall", "numpy batch ex/s", "CPU/wall",
                      "numpy speedup", "Swift/NumPy loop", "Swift/NumPy batch"]
        for peer in peers { header += ["\(peer) ex/s", "CPU/wall", "Swift/\(peer)"] }
        header.append("max rel. diff")
        let rows: [[String]] = results.filter { $0.measurement("numpy-batch") != nil }.map { r in
            let c = r.benchmarkCase
            var row = [c.network, String(c.examples), c.precision.rawValue, String(c.threads),
                       rate(r, "numpy-loop"), cpuPerWall(r, "numpy-loop"), rate(r, "numpy-batch"), cpuPerWall(r, "numpy-batch"),
                       r.speedup("numpy-batch").map { String(format: "%.2f×", $0) } ?? "-",
                       r.ratioToNumPy("loop").map { String(format: "%.2f×", $0) } ?? "-",
                       r.ratioToNumPy("batch").map { String(format: "%.2f×", $0) } ?? "-"]
            for peer in peers {
                row += [rate(r, peer), cpuPerWall(r, peer), r.ratio("batch", to: peer).map { String(format: "%.2f×", $0) } ?? "-"]
            }
            row.append(r.numpyMaximumRelativeDifference.map { String(format: "%.1e", $0) } ?? "-")
            return row
        }
        var lines = [render(header, rows, rightAligned: Set(1..<header.count).subtracting([2]))]
        lines.append("CPU/wall = the peer's process CPU time (all its threads) over the wall time of its samples, median: about 1.00 on one core.")
        var noted = Set<String>()
        for r in results {
            for m in r.measurements where m.note != nil && !noted.contains(m.engine) {
                noted.insert(m.engine)
                lines.append("\(m.engine): \(m.note!).")
            }
        }
        return lines.joined(separator: "\n")
    }

    /// "1.00": a peer's CPU time over wall time, or "-".
    static func cpuPerWall(_ result: CaseResult, _ engine: String) -> String {
        result.measurement(engine)?.cpuPerWall.map { String(format: "%.2f", $0) } ?? "-"
    }

    /// The per-phase breakdown of one case: seconds per call and share of the call, for each engine.
    public static func phases(_ result: CaseResult) -> String {
        let engines = result.measurements.filter { $0.phases != nil }
        guard !engines.isEmpty else { return "" }
        var header = ["phase"]
        for e in engines { header += ["\(e.engine) µs/call", "share"] }
        let names = PhaseTimes().named.map(\.name)
        var rows: [[String]] = []
        for (index, name) in names.enumerated() {
            var row = [name]
            for e in engines {
                let p = e.phases!
                let seconds = p.named[index].seconds
                row += [String(format: "%.1f", seconds * 1e6), String(format: "%.0f%%", 100 * seconds / max(p.total, 1e-12))]
            }
            rows.append(row)
        }
        var total = ["total"]
        for e in engines { total += [String(format: "%.1f", e.phases!.total * 1e6), "100%"] }
        rows.append(total)
        return render(header, rows, rightAligned: Set(1..<header.count))
    }
}
