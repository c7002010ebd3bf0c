import Foundation

/// The roofline of `backprop bench-kernels --roofline`: one panel per (network, precision), flops per byte against
/// GFLOP/s on log axes; the ceilings as lines (the peak, and each level's read bandwidth × intensity up to it), the
/// kernels and the engines' phases as dots (`Roofline`).
public struct RooflineChart {
    public struct Panel {
        public var title: String
        public var ceilings: Roofline.Ceilings
        public var points: [Roofline.Point]

        public init(title: String, ceilings: Roofline.Ceilings, points: [Roofline.Point]) {
            self.title = title
            self.ceilings = ceilings
            self.points = points
        }
    }

    public var panels: [Panel]
    public var subtitle: String

    public init(panels: [Panel], subtitle: String) {
        self.panels = panels
        self.subtitle = subtitle
    }

    public func svg() -> String { figure().svg() }

    public func figure() -> ChartFigure {
        let chartPanels = panels.map { panel -> ChartFigure.Panel in
            let xs = panel.points.map(\.intensity) + [0.05, 200]
            let (xLow, xHigh) = ChartFigure.logRange(xs)
            let ys = panel.points.map(\.gigaflops).filter { $0 > 0 } + [panel.ceilings.peak * 1.5]
            let (yLow, yHigh) = ChartFigure.logRange(ys)
            let x = ChartFigure.Axis(label: "flops per byte moved", low: xLow, high: xHigh, logBase: 10)
            let y = ChartFigure.Axis(label: "GFLOP/s, one thread", low: max(yLow, 0.01), high: yHigh, logBase: 10)
            var series: [ChartFigure.Series] = []
            // The ceilings: bandwidth × intensity, bent flat at the peak.
            for (index, (level, bandwidth)) in panel.ceilings.bandwidths.enumerated() {
                // From where the roof enters the panel (a point below the y axis's floor would not be drawn).
                let knee = panel.ceilings.peak / bandwidth, start = max(xLow, y.low / bandwidth)
                let points = [(start, bandwidth * start), (min(knee, xHigh), min(panel.ceilings.peak, bandwidth * xHigh)), (xHigh, min(panel.ceilings.peak, bandwidth * xHigh))]
                series.append(ChartFigure.Series(label: String(format: "%@ %.0f GB/s", level, bandwidth),
                                                 color: ["#555", "#777", "#999", "#bbb"][index % 4], dash: "5,3",
                                                 points: points.map { (x: $0.0, y: $0.1) }))
            }
            // The dots, one colour per group, in the order the groups first appear.
            var groups: [String] = []
            for point in panel.points where !groups.contains(point.group) { groups.append(point.group) }
            for (index, group) in groups.enumerated() {
                var dots = ChartFigure.Series(label: group, color: ChartFigure.palette[index % ChartFigure.palette.count],
                                              points: panel.points.filter { $0.group == group }.map { (x: $0.intensity, y: $0.gigaflops) })
                dots.connected = false
                series.append(dots)
            }
            var chart = ChartFigure.Panel(title: panel.title, x: x, y: y, series: series, reference: panel.ceilings.peak)
            chart.legendAtTop = false
            chart.legendAtLeft = false
            return chart
        }
        var figure = ChartFigure(title: "The roofline: where each kernel and each engine phase runs", subtitle: subtitle,
                                 rows: chartPanels.map { [$0] })
        figure.panelWidth = 620
        figure.panelHeight = 420
        return figure
    }
}
