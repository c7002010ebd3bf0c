import Foundation

/// The chart of `backprop bench-train --svg FILE`, against the mini-batch size (log scale), one line per tool:
/// seconds per epoch (hardware efficiency: larger mini-batches, faster epochs), the test accuracy after the epochs
/// (statistical efficiency: larger mini-batches, fewer steps), and the seconds of training until the target accuracy,
/// which weighs the two.
public struct TrainBenchmarkChart {
    public var benchmark: TrainBenchmark
    public var target: Double
    public var title: String

    public init(benchmark: TrainBenchmark, target: Double, title: String) {
        self.benchmark = benchmark
        self.target = target
        self.title = title
    }

    public func svg() -> String { figure().svg() }

    public func figure() -> ChartFigure {
        let rows = benchmark.rows.filter { $0.skipped == nil }
        let tools = SpeedupChart.ordered(rows.map(\.tool))
        let sizes = SpeedupChart.ordered(rows.map(\.batchSize)).sorted()
        let x = ChartFigure.Axis(label: "mini-batch size (log scale)", low: Double(sizes.first ?? 1),
                                 high: Double(max(sizes.last ?? 10, (sizes.first ?? 1) * 10)), logBase: 10,
                                 ticks: sizes.map(Double.init))
        func series(_ value: (TrainBenchmark.Row) -> Double?) -> [ChartFigure.Series] {
            tools.enumerated().map { index, tool in
                let points = rows.filter { $0.tool == tool }.sorted { $0.batchSize < $1.batchSize }
                    .compactMap { row in value(row).map { (x: Double(row.batchSize), y: $0) } }
                let swift = tool.hasSuffix("engine")
                return ChartFigure.Series(label: tool, color: ChartFigure.palette[index % 8], dash: swift ? nil : "5,3", points: points)
            }
        }
        let (secondsLow, secondsHigh) = ChartFigure.logRange(rows.compactMap(\.secondsPerEpoch))
        let times = rows.compactMap { $0.timeTo(target) }
        let (timeLow, timeHigh) = ChartFigure.logRange(times.isEmpty ? [1, 10] : times)
        let accuracies = rows.compactMap(\.finalAccuracy).map { $0 * 100 }
        let accuracyLow = max(0, (((accuracies.min() ?? 0) - 5) / 10).rounded(.down) * 10)
        let percent = String(format: "%g%%", 100 * target)
        return ChartFigure(title: "Training speed against mini-batch size", subtitle: title, rows: [[
            ChartFigure.Panel(title: "seconds per epoch", x: x,
                              y: .init(label: "seconds per epoch (log scale)", low: secondsLow, high: secondsHigh, logBase: 10),
                              series: series(\.secondsPerEpoch), legendAtTop: false, legendAtLeft: true),
            ChartFigure.Panel(title: "test accuracy after the epochs", x: x,
                              y: .init(label: "test accuracy (%)", low: accuracyLow, high: 100),
                              series: series { $0.finalAccuracy.map { $0 * 100 } }, legendAtTop: false, legendAtLeft: true),
            ChartFigure.Panel(title: "seconds to \(percent) test accuracy", x: x,
                              y: .init(label: "seconds of training (log scale)", low: timeLow, high: timeHigh, logBase: 10),
                              series: series { $0.timeTo(target) }, legendAtTop: true, legendAtLeft: false),
        ]])
    }
}
