import Backprop
import Foundation

/// The chart of a training run (`backprop train --svg FILE`): the mean training loss and the test accuracy against
/// the epoch (top) and against the seconds of training so far (bottom). With `--engine both` the two engines
/// compute the same numbers, so their curves lie on each other against the epoch and part against the clock: one
/// curve, two times.
public struct TrainingChart {
    public struct Run {
        public var engine: String
        public var epochs: [Trainer<Double>.Epoch]

        public init<T: BackpropScalar>(engine: String, epochs: [Trainer<T>.Epoch]) {
            self.engine = engine
            self.epochs = epochs.map {
                Trainer<Double>.Epoch(number: $0.number, meanLoss: $0.meanLoss, trainAccuracy: $0.trainAccuracy,
                                      testAccuracy: $0.testAccuracy, seconds: $0.seconds,
                                      evaluationSeconds: $0.evaluationSeconds)
            }
        }
    }

    public var runs: [Run]
    public var title: String

    public init(runs: [Run], title: String) {
        self.runs = runs
        self.title = title
    }

    public func svg() -> String { figure().svg() }

    public func figure() -> ChartFigure {
        let epochs = runs.flatMap(\.epochs)
        let lastEpoch = Double(epochs.map(\.number).max() ?? 1)
        let seconds = runs.map { $0.epochs.map(\.seconds).reduce(0, +) }.max() ?? 1
        let losses = epochs.map(\.meanLoss).filter(\.isFinite)
        let accuracies: [Double] = epochs.compactMap(\.testAccuracy) + epochs.compactMap(\.trainAccuracy)
        let lossAxis = ChartFigure.Axis(label: "mean training loss", low: 0, high: ChartFigure.niceCeiling(losses.max() ?? 1))
        let accuracyLow = max(0, (((accuracies.min() ?? 0) * 100 - 5) / 10).rounded(.down) * 10)
        let accuracyAxis = ChartFigure.Axis(label: "test accuracy (%)", low: accuracyLow, high: 100)
        let epochAxis = ChartFigure.Axis(label: "epoch", low: 0, high: lastEpoch,
                                         ticks: lastEpoch <= 10 ? (0...Int(lastEpoch)).map(Double.init) : nil)
        let secondsAxis = ChartFigure.Axis(label: "seconds of training", low: 0, high: ChartFigure.niceCeiling(seconds))

        func series(_ value: (Trainer<Double>.Epoch) -> Double?, againstSeconds: Bool) -> [ChartFigure.Series] {
            runs.enumerated().map { index, run in
                var clock = 0.0
                var points: [(x: Double, y: Double)] = []
                for epoch in run.epochs {
                    clock += epoch.seconds
                    if let y = value(epoch) { points.append((againstSeconds ? clock : Double(epoch.number), y)) }
                }
                return ChartFigure.Series(label: "\(run.engine) engine", color: ChartFigure.palette[index % 8],
                                          dash: index == 0 || runs.count == 1 ? nil : "6,4", points: points)
            }
        }
        let loss: (Trainer<Double>.Epoch) -> Double? = { $0.meanLoss }
        let accuracy: (Trainer<Double>.Epoch) -> Double? = { $0.testAccuracy.map { 100 * $0 } }
        return ChartFigure(title: "Training", subtitle: title, rows: [
            [ChartFigure.Panel(title: "loss against epochs", x: epochAxis, y: lossAxis, series: series(loss, againstSeconds: false), legendAtLeft: false),
             ChartFigure.Panel(title: "test accuracy against epochs", x: epochAxis, y: accuracyAxis, series: series(accuracy, againstSeconds: false), legendAtTop: false, legendAtLeft: false)],
            [ChartFigure.Panel(title: "loss against time", x: secondsAxis, y: lossAxis, series: series(loss, againstSeconds: true), legendAtLeft: false),
             ChartFigure.Panel(title: "test accuracy against time", x: secondsAxis, y: accuracyAxis, series: series(accuracy, againstSeconds: true), legendAtTop: false, legendAtLeft: false)],
        ])
    }
}
