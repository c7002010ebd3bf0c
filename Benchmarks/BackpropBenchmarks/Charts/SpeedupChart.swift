import Foundation

/// The chart of a benchmark run (`backprop bench --svg FILE`), one small panel per network:
///
/// - top row: the speedup of the batch engine over the loop engine against the batch size m (log₂ axis), one line
///   per precision and thread count, with a dashed line at 1× (no speedup);
/// - bottom row, one panel per network and precision: examples per second against m (both axes logarithmic), the
///   loop engine dashed, the batch engine solid for each thread count, and NumPy's batch form dotted when it ran.
public struct SpeedupChart {
    public var records: [BenchmarkRecord]
    public var title: String
    public var subtitle: String

    public init(records: [BenchmarkRecord], title: String = "Batch engine speedup over the loop engine",
                subtitle: String) {
        self.records = records
        self.title = title
        self.subtitle = subtitle
    }

    /// The distinct values of a field, in order of first appearance.
    static func ordered<T: Equatable>(_ values: [T]) -> [T] {
        values.reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
    }

    public func svg() -> String { figure().svg() }

    public func figure() -> ChartFigure {
        let networks = Self.ordered(records.map(\.network))
        let batches = Self.ordered(records.map(\.batch)).sorted()
        let low = Double(batches.first ?? 1), high = Double(max(batches.last ?? 2, (batches.first ?? 1) * 2))
        let xAxis = ChartFigure.Axis(label: "batch size m (log scale)", low: low, high: high, logBase: 2,
                                     ticks: batches.map(Double.init))
        let threads = Self.ordered(records.map(\.threads)).sorted()
        func threadText(_ t: Int) -> String { threads.count > 1 || t > 1 ? ", \(t) thread\(t == 1 ? "" : "s")" : "" }

        let speedups = records.filter { $0.engine == "batch" }.compactMap(\.speedup_vs_loop)
        let top = ChartFigure.niceCeiling(max(speedups.max() ?? 1, 1.5))
        let speedupRow = networks.map { network -> ChartFigure.Panel in
            let rows = records.filter { $0.network == network && $0.engine == "batch" }
            var series: [ChartFigure.Series] = []
            for (index, key) in Self.ordered(rows.map { "\($0.precision)|\($0.threads)" }).enumerated() {
                let parts = key.split(separator: "|"), precision = String(parts[0]), t = Int(parts[1])!
                let points = rows.filter { $0.precision == precision && $0.threads == t }.sorted { $0.batch < $1.batch }
                    .compactMap { r in r.speedup_vs_loop.map { (x: Double(r.batch), y: $0) } }
                series.append(.init(label: precision + threadText(t), color: ChartFigure.palette[index % 8], points: points))
            }
            return ChartFigure.Panel(title: "\(network): batch ÷ loop", x: xAxis,
                                     y: .init(label: "speedup (×)", low: 0, high: top, format: { ChartFigure.compact($0) + "×" }),
                                     series: series, reference: 1)
        }

        let (rateLow, rateHigh) = ChartFigure.logRange(records.map(\.examples_per_second))
        var rateRow: [ChartFigure.Panel] = []
        for network in networks {
            for precision in Self.ordered(records.filter { $0.network == network }.map(\.precision)) {
                let mine = records.filter { $0.network == network && $0.precision == precision }
                var series: [ChartFigure.Series] = []
                func add(_ label: String, _ engine: String, threads t: Int?, color: String, dash: String?) {
                    let points = mine.filter { $0.engine == engine && (t == nil || $0.threads == t) }
                        .sorted { $0.batch < $1.batch }.map { (x: Double($0.batch), y: $0.examples_per_second) }
                    // The loop engine's rows repeat in every thread count's cases: one point per m.
                    let unique = Self.ordered(points.map(\.x)).map { x in points.first { $0.x == x }! }
                    if !unique.isEmpty { series.append(.init(label: label, color: color, dash: dash, points: unique)) }
                }
                add("loop engine", "loop", threads: nil, color: "#555555", dash: "6,4")
                for (index, t) in threads.enumerated() {
                    add("batch engine" + threadText(t), "batch", threads: t, color: ChartFigure.palette[index % 8], dash: nil)
                }
                add("NumPy batch, 1 thread", "numpy-batch", threads: 1, color: "#ff7f0e", dash: "2,3")
                rateRow.append(ChartFigure.Panel(title: "\(network), \(precision)", x: xAxis,
                                                 y: .init(label: "examples per second", low: rateLow, high: rateHigh, logBase: 10),
                                                 series: series, legendAtTop: false, legendAtLeft: false))
            }
        }
        return ChartFigure(title: title, subtitle: subtitle, rows: [speedupRow, rateRow])
    }
}
