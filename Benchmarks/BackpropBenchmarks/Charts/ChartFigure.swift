import Foundation

/// A figure of small line charts, as SVG any browser (and rsvg-convert) draws: a title, a subtitle, and rows of
/// panels, each with its axes, its series and its legend inside the panel. The speedup chart, the training chart and
/// the training benchmark's chart are all made of it.
///
/// Every series is a `<g class="series" data-series="LABEL">`, and every legend label a `<text class="legend">`
/// whose `data-right` is where its text ends (estimated), so that tests can check that each lies inside the view.
public struct ChartFigure {
    /// An axis: linear from `low` to `high`, or logarithmic (base 10, or 2 for batch sizes).
    public struct Axis {
        public var label: String
        public var low: Double, high: Double
        public var logBase: Double?
        /// Where to draw ticks; nil: a few round values.
        public var ticks: [Double]?
        /// How a tick reads.
        public var format: (Double) -> String

        public init(label: String, low: Double, high: Double, logBase: Double? = nil, ticks: [Double]? = nil,
                    format: @escaping (Double) -> String = ChartFigure.compact) {
            self.label = label
            self.low = low
            self.high = high
            self.logBase = logBase
            self.ticks = ticks
            self.format = format
        }

        /// The position of `value` in 0…1 along the axis.
        func position(_ value: Double) -> Double {
            if let base = logBase {
                let (a, b) = (log(low) / log(base), log(high) / log(base))
                return (log(value) / log(base) - a) / max(b - a, 1e-12)
            }
            return (value - low) / max(high - low, 1e-12)
        }

        /// The tick values: given, or 4 to 8 round steps (powers of the base on a log axis).
        var tickValues: [Double] {
            if let ticks { return ticks }
            if let base = logBase {
                var values: [Double] = []
                var value = pow(base, floor(log(low) / log(base)))
                while value <= high * 1.0001 {
                    if value >= low * 0.9999 { values.append(value) }
                    value *= base
                }
                return values
            }
            let step = ChartFigure.niceStep((high - low) / 5)
            var values: [Double] = []
            var value = (low / step).rounded(.up) * step
            while value <= high + step * 1e-9 {
                values.append(value)
                value += step
            }
            return values
        }
    }

    /// One line: points joined, dots at the points, a colour and a dash pattern.
    public struct Series {
        public var label: String
        public var color: String
        public var dash: String?
        public var points: [(x: Double, y: Double)]
        /// Whether the points are joined by a line (false: markers only, for measurements that are not a curve).
        public var connected = true

        public init(label: String, color: String, dash: String? = nil, points: [(x: Double, y: Double)]) {
            self.label = label
            self.color = color
            self.dash = dash
            self.points = points
        }
    }

    /// One small chart.
    public struct Panel {
        public var title: String
        public var x: Axis, y: Axis
        public var series: [Series]
        /// A dashed horizontal line (1× on a speedup chart), if any.
        public var reference: Double?
        /// The corner the legend prefers inside the panel; it takes another corner where that one would cover fewer
        /// of the drawn points and lines (`legendCorner`).
        public var legendAtTop: Bool = true, legendAtLeft: Bool = true

        public init(title: String, x: Axis, y: Axis, series: [Series], reference: Double? = nil,
                    legendAtTop: Bool = true, legendAtLeft: Bool = true) {
            self.title = title
            self.x = x
            self.y = y
            self.series = series
            self.reference = reference
            self.legendAtTop = legendAtTop
            self.legendAtLeft = legendAtLeft
        }
    }

    public var title: String
    public var subtitle: String
    /// Rows of panels, top to bottom.
    public var rows: [[Panel]]
    public var panelWidth = 300.0, panelHeight = 210.0

    public init(title: String, subtitle: String, rows: [[Panel]]) {
        self.title = title
        self.subtitle = subtitle
        self.rows = rows
    }

    public static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2"]

    // The space around each panel: the y labels on the left, the x labels below, the title above.
    static let left = 70.0, right = 20.0, above = 34.0, below = 50.0

    public var width: Double {
        Double(rows.map(\.count).max() ?? 1) * (panelWidth + Self.left + Self.right)
    }

    public var height: Double {
        64 + Double(rows.count) * (panelHeight + Self.above + Self.below)
    }

    public func svg() -> String {
        var svg = """
        <?xml version="1.0" encoding="UTF-8"?>
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="Helvetica, Arial, sans-serif" font-size="11">
        <rect width="100%" height="100%" fill="white"/>
        <text x="\(fmt(width / 2))" y="24" text-anchor="middle" font-size="16" font-weight="bold">\(Self.escape(title))</text>
        <text x="\(fmt(width / 2))" y="44" text-anchor="middle" fill="#555">\(Self.escape(subtitle))</text>

        """
        for (r, row) in rows.enumerated() {
            // Each row is centred: a row of fewer panels than the widest sits in the middle.
            let rowWidth = Double(row.count) * (panelWidth + Self.left + Self.right)
            let offset = (width - rowWidth) / 2
            for (c, panel) in row.enumerated() {
                let x0 = offset + Double(c) * (panelWidth + Self.left + Self.right) + Self.left
                let y0 = 64 + Double(r) * (panelHeight + Self.above + Self.below) + Self.above
                svg += draw(panel, x0: x0, y0: y0)
            }
        }
        svg += "</svg>\n"
        return svg
    }

    func draw(_ panel: Panel, x0: Double, y0: Double) -> String {
        let w = panelWidth, h = panelHeight
        func px(_ v: Double) -> Double { x0 + panel.x.position(v) * w }
        func py(_ v: Double) -> Double { y0 + h - panel.y.position(v) * h }
        var svg = "<g class=\"panel\">\n"
        svg += "<text x=\"\(fmt(x0 + w / 2))\" y=\"\(fmt(y0 - 10))\" text-anchor=\"middle\" font-weight=\"bold\">\(Self.escape(panel.title))</text>\n"
        for v in panel.x.tickValues {
            svg += "<line x1=\"\(fmt(px(v)))\" y1=\"\(fmt(y0))\" x2=\"\(fmt(px(v)))\" y2=\"\(fmt(y0 + h))\" stroke=\"#eee\"/>\n"
            svg += "<text x=\"\(fmt(px(v)))\" y=\"\(fmt(y0 + h + 15))\" text-anchor=\"middle\">\(Self.escape(panel.x.format(v)))</text>\n"
        }
        for v in panel.y.tickValues {
            svg += "<line x1=\"\(fmt(x0))\" y1=\"\(fmt(py(v)))\" x2=\"\(fmt(x0 + w))\" y2=\"\(fmt(py(v)))\" stroke=\"#eee\"/>\n"
            svg += "<text x=\"\(fmt(x0 - 5))\" y=\"\(fmt(py(v) + 4))\" text-anchor=\"end\">\(Self.escape(panel.y.format(v)))</text>\n"
        }
        svg += "<rect x=\"\(fmt(x0))\" y=\"\(fmt(y0))\" width=\"\(fmt(w))\" height=\"\(fmt(h))\" fill=\"none\" stroke=\"#333\"/>\n"
        svg += "<text x=\"\(fmt(x0 + w / 2))\" y=\"\(fmt(y0 + h + 33))\" text-anchor=\"middle\">\(Self.escape(panel.x.label))</text>\n"
        svg += "<text transform=\"translate(\(fmt(x0 - 52)),\(fmt(y0 + h / 2))) rotate(-90)\" text-anchor=\"middle\">\(Self.escape(panel.y.label))</text>\n"
        if let reference = panel.reference, reference >= panel.y.low, reference <= panel.y.high {
            svg += "<line x1=\"\(fmt(x0))\" y1=\"\(fmt(py(reference)))\" x2=\"\(fmt(x0 + w))\" y2=\"\(fmt(py(reference)))\" stroke=\"#888\" stroke-dasharray=\"5,4\"/>\n"
        }
        for series in panel.series {
            svg += "<g class=\"series\" data-series=\"\(Self.escape(series.label))\">\n"
            let points = series.points.filter { $0.x.isFinite && $0.y.isFinite && $0.y >= panel.y.low * (panel.y.logBase == nil ? 1 : 0.999) }
            if !points.isEmpty {
                let coordinates = points.map { "\(fmt(px($0.x))),\(fmt(py(min($0.y, panel.y.high))))" }.joined(separator: " ")
                if series.connected {
                    svg += "<polyline fill=\"none\" stroke=\"\(series.color)\" stroke-width=\"2\" points=\"\(coordinates)\""
                    if let dash = series.dash { svg += " stroke-dasharray=\"\(dash)\"" }
                    svg += "/>\n"
                }
                for point in points {
                    svg += "<circle cx=\"\(fmt(px(point.x)))\" cy=\"\(fmt(py(min(point.y, panel.y.high))))\" r=\"\(series.connected ? "2.5" : "3.5")\" fill=\"\(series.color)\"/>\n"
                }
            }
            svg += "</g>\n"
        }
        // The legend, inside the panel, on a white box so that it stays readable over the lines.
        let lineHeight = 14.0
        let longest = panel.series.map { Self.textWidth($0.label) }.max() ?? 0
        let boxWidth = longest + 34, boxHeight = Double(panel.series.count) * lineHeight + 6
        if !panel.series.isEmpty {
            let marks = panel.series.flatMap { series in
                let points = series.points.filter { $0.x.isFinite && $0.y.isFinite }
                    .map { (px($0.x), py(min(max($0.y, panel.y.low), panel.y.high))) }
                return series.connected ? Self.alongLines(points) : points
            }
            let (bx, by) = Self.legendCorner(panel, x0: x0, y0: y0, panelWidth: w, panelHeight: h, width: boxWidth,
                                             height: boxHeight, marks: marks)
            svg += "<rect x=\"\(fmt(bx))\" y=\"\(fmt(by))\" width=\"\(fmt(boxWidth))\" height=\"\(fmt(boxHeight))\" fill=\"white\" fill-opacity=\"0.85\" stroke=\"#ccc\"/>\n"
            for (index, series) in panel.series.enumerated() {
                let ly = by + 3 + lineHeight * (Double(index) + 0.5)
                if series.connected {
                    svg += "<line x1=\"\(fmt(bx + 4))\" y1=\"\(fmt(ly))\" x2=\"\(fmt(bx + 26))\" y2=\"\(fmt(ly))\" stroke=\"\(series.color)\" stroke-width=\"2\""
                    if let dash = series.dash { svg += " stroke-dasharray=\"\(dash)\"" }
                    svg += "/>\n"
                } else {
                    svg += "<circle cx=\"\(fmt(bx + 15))\" cy=\"\(fmt(ly))\" r=\"3.5\" fill=\"\(series.color)\"/>\n"
                }
                let tx = bx + 30
                svg += "<text class=\"legend\" x=\"\(fmt(tx))\" y=\"\(fmt(ly + 4))\" data-right=\"\(fmt(tx + Self.textWidth(series.label)))\">\(Self.escape(series.label))</text>\n"
            }
        }
        svg += "</g>\n"
        return svg
    }

    /// The legend box's top-left corner: of the panel's four corners, the one whose box covers the fewest `marks`
    /// (points drawn, and points along the lines between them), the panel's preferred corner first among equals.
    static func legendCorner(_ panel: Panel, x0: Double, y0: Double, panelWidth: Double, panelHeight: Double,
                             width: Double, height: Double, marks: [(Double, Double)]) -> (Double, Double) {
        let left = x0 + 6, right = x0 + panelWidth - width - 6
        let top = y0 + 6, bottom = y0 + panelHeight - height - 6
        let xs = panel.legendAtLeft ? [left, right] : [right, left]
        let ys = panel.legendAtTop ? [top, bottom] : [bottom, top]
        let corners = [(xs[0], ys[0]), (xs[1], ys[0]), (xs[0], ys[1]), (xs[1], ys[1])]
        func covered(_ corner: (Double, Double)) -> Int {
            marks.count(where: {
                $0.0 >= corner.0 - 4 && $0.0 <= corner.0 + width + 4 && $0.1 >= corner.1 - 4 && $0.1 <= corner.1 + height + 4
            })
        }
        return corners.min { covered($0) < covered($1) }!
    }

    /// The points of a polyline and eight more along each of its segments.
    static func alongLines(_ points: [(Double, Double)]) -> [(Double, Double)] {
        guard points.count > 1 else { return points }
        var marks = [points[0]]
        for (a, b) in zip(points, points.dropFirst()) {
            for step in 1...9 {
                let t = Double(step) / 9
                marks.append((a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1)))
            }
        }
        return marks
    }

    /// A generous estimate of a label's width at 11 px (wider than Helvetica's own, so a label estimated inside the
    /// view is inside it).
    static func textWidth(_ text: String) -> Double { Double(text.count) * 6.4 }

    func fmt(_ value: Double) -> String { String(format: "%.1f", value) }

    /// "1.5M", "45k", "0.5"; a number that the suffix would not shorten to at most one decimal is written out
    /// ("1024", not "1.024k").
    public static func compact(_ value: Double) -> String {
        for (unit, suffix) in [(1e9, "G"), (1e6, "M"), (1e3, "k")] where abs(value) >= unit {
            let scaled = value / unit
            if (scaled * 10).rounded() == scaled * 10 { return String(format: "%g", scaled) + suffix }
            if abs(value) < 1e5, value.rounded() == value { return String(format: "%.0f", value) }
            return String(format: "%.3g", scaled) + suffix
        }
        return String(format: "%g", value)
    }

    /// A round step near `raw`: 1, 2, 2.5 or 5 times a power of ten.
    public static func niceStep(_ raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        let magnitude = pow(10, floor(log10(raw)))
        for factor in [1.0, 2, 2.5, 5, 10] where factor * magnitude >= raw { return factor * magnitude }
        return 10 * magnitude
    }

    /// The smallest round value at or above `value`.
    public static func niceCeiling(_ value: Double) -> Double {
        guard value > 0, value.isFinite else { return 1 }
        let magnitude = pow(10, floor(log10(value)))
        for factor in [1.0, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10] where factor * magnitude >= value { return factor * magnitude }
        return 10 * magnitude
    }

    /// A log axis's range: whole powers of ten around the values.
    public static func logRange(_ values: [Double]) -> (Double, Double) {
        let positive = values.filter { $0 > 0 && $0.isFinite }
        let low = pow(10, floor(log10(positive.min() ?? 1)))
        let high = pow(10, ceil(log10(max(positive.max() ?? 10, low * 10))))
        return (low, high == low ? low * 10 : high)
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
