import Foundation

/// An SVG chart of a benchmark run, readable in any browser:
///
/// - left panel: the speedup of the batch engine over the loop engine against the batch size m (log₂ axis), one
///   line per network, precision and thread count, with a dashed line at 1× (no speedup);
/// - right panel: examples per second against m (both axes logarithmic), the batch engine solid and the loop
///   engine dashed, in the series' colour; NumPy's rows, when present, dotted.
///
/// Each series is a `<g class="series" data-series="…">` so that tools (and the tests) can find them.
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

    /// The series, in order of first appearance: one per network, precision and batch-engine thread count. The
    /// loop-form rows (which always use one thread) belong to every series of their network and precision.
    var series: [(label: String, records: [BenchmarkRecord])] {
        var keys: [(network: String, precision: String, threads: Int)] = []
        for record in records where !record.engine.hasSuffix("loop") && record.engine != BenchmarkHarness.oneThreadBatch {
            if !keys.contains(where: { $0 == (record.network, record.precision, record.threads) }) {
                keys.append((record.network, record.precision, record.threads))
            }
        }
        return keys.map { key in
            let threadCounts = Set(keys.filter { $0.network == key.network && $0.precision == key.precision }.map(\.threads))
            let label = "\(key.network) \(key.precision)"
                + (threadCounts.count > 1 || key.threads > 1 ? ", \(key.threads) thread\(key.threads == 1 ? "" : "s")" : "")
            let rows = records.filter {
                $0.network == key.network && $0.precision == key.precision
                    && ($0.engine.hasSuffix("loop") || ($0.threads == key.threads && $0.engine != BenchmarkHarness.oneThreadBatch))
            }
            return (label, rows)
        }
    }

    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2"]

    public func svg() -> String {
        let width = 1000.0, height = 470.0
        let panelWidth = 400.0, panelHeight = 300.0
        let left1 = 80.0, left2 = 570.0, top = 70.0
        let allSeries = series
        let batches = Array(Set(records.map(\.batch))).sorted()
        let minBatch = Double(batches.first ?? 1), maxBatch = Double(max(batches.last ?? 2, (batches.first ?? 1) * 2))
        func x(_ batch: Int, _ left: Double) -> Double {
            left + (log2(Double(batch)) - log2(minBatch)) / max(log2(maxBatch) - log2(minBatch), 1e-9) * panelWidth
        }
        let speedups = records.filter { $0.engine == "batch" }.compactMap(\.speedup_vs_loop)
        let maxSpeedup = niceCeiling(max(speedups.max() ?? 1, 1.5))
        func ySpeedup(_ s: Double) -> Double { top + panelHeight - s / maxSpeedup * panelHeight }
        let rates = records.map(\.examples_per_second).filter { $0 > 0 }
        let lowRate = pow(10, floor(log10(rates.min() ?? 1))), highRate = pow(10, ceil(log10(max(rates.max() ?? 10, lowRate * 10))))
        func yRate(_ r: Double) -> Double {
            top + panelHeight - (log10(r) - log10(lowRate)) / (log10(highRate) - log10(lowRate)) * panelHeight
        }

        var svg = """
        <?xml version="1.0" encoding="UTF-8"?>
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="Helvetica, Arial, sans-serif" font-size="12">
        <rect width="100%" height="100%" fill="white"/>
        <text x="\(width / 2)" y="24" text-anchor="middle" font-size="17" font-weight="bold">\(escape(title))</text>
        <text x="\(width / 2)" y="44" text-anchor="middle" fill="#555">\(escape(subtitle))</text>

        """
        // Axes and grids of both panels.
        for (left, isSpeedup) in [(left1, true), (left2, false)] {
            svg += "<g class=\"axes\">\n"
            svg += "<rect x=\"\(left)\" y=\"\(top)\" width=\"\(panelWidth)\" height=\"\(panelHeight)\" fill=\"none\" stroke=\"#333\"/>\n"
            for batch in batches {
                let px = x(batch, left)
                svg += "<line x1=\"\(fmt(px))\" y1=\"\(top)\" x2=\"\(fmt(px))\" y2=\"\(top + panelHeight)\" stroke=\"#eee\"/>\n"
                svg += "<text x=\"\(fmt(px))\" y=\"\(top + panelHeight + 16)\" text-anchor=\"middle\">\(batch)</text>\n"
            }
            svg += "<text x=\"\(left + panelWidth / 2)\" y=\"\(top + panelHeight + 36)\" text-anchor=\"middle\">batch size m (examples per gradient call, log scale)</text>\n"
            if isSpeedup {
                let step = niceStep(maxSpeedup)
                var s = 0.0
                while s <= maxSpeedup + 1e-9 {
                    let py = ySpeedup(s)
                    svg += "<line x1=\"\(left)\" y1=\"\(fmt(py))\" x2=\"\(left + panelWidth)\" y2=\"\(fmt(py))\" stroke=\"#eee\"/>\n"
                    svg += "<text x=\"\(left - 6)\" y=\"\(fmt(py + 4))\" text-anchor=\"end\">\(s == s.rounded() ? String(Int(s)) : String(format: "%.1f", s))×</text>\n"
                    s += step
                }
                svg += "<line x1=\"\(left)\" y1=\"\(fmt(ySpeedup(1)))\" x2=\"\(left + panelWidth)\" y2=\"\(fmt(ySpeedup(1)))\" stroke=\"#888\" stroke-dasharray=\"5,4\"/>\n"
                svg += "<text transform=\"translate(\(left - 48),\(top + panelHeight / 2)) rotate(-90)\" text-anchor=\"middle\">speedup: batch engine / loop engine (examples/s)</text>\n"
            } else {
                var r = lowRate
                while r <= highRate * 1.0001 {
                    let py = yRate(r)
                    svg += "<line x1=\"\(left)\" y1=\"\(fmt(py))\" x2=\"\(left + panelWidth)\" y2=\"\(fmt(py))\" stroke=\"#eee\"/>\n"
                    svg += "<text x=\"\(left - 6)\" y=\"\(fmt(py + 4))\" text-anchor=\"end\">\(compact(r))</text>\n"
                    r *= 10
                }
                svg += "<text transform=\"translate(\(left - 52),\(top + panelHeight / 2)) rotate(-90)\" text-anchor=\"middle\">examples per second (log scale)</text>\n"
            }
            svg += "</g>\n"
        }
        svg += "<text x=\"\(left1 + panelWidth / 2)\" y=\"\(top - 8)\" text-anchor=\"middle\" font-weight=\"bold\">Speedup of all-m-at-once over one-at-a-time</text>\n"
        svg += "<text x=\"\(left2 + panelWidth / 2)\" y=\"\(top - 8)\" text-anchor=\"middle\" font-weight=\"bold\">Throughput (solid: batch, dashed: loop, dotted: NumPy)</text>\n"

        // The series.
        for (index, entry) in allSeries.enumerated() {
            let color = Self.palette[index % Self.palette.count]
            svg += "<g class=\"series\" data-series=\"\(escape(entry.label))\">\n"
            let batchRows = entry.records.filter { $0.engine == "batch" }.sorted { $0.batch < $1.batch }
            let speedPoints = batchRows.compactMap { r in r.speedup_vs_loop.map { (x(r.batch, left1), ySpeedup($0)) } }
            svg += polyline(speedPoints, color: color, dash: nil)
            for engine in ["batch", "loop", "numpy-batch", "numpy-loop"] {
                let rows = entry.records.filter { $0.engine == engine }.sorted { $0.batch < $1.batch }
                let points = rows.map { (x($0.batch, left2), yRate($0.examples_per_second)) }
                let dash: String? = engine == "batch" ? nil : engine == "loop" ? "6,4" : "2,3"
                svg += polyline(points, color: color, dash: dash)
            }
            svg += "</g>\n"
        }

        // The legend.
        var legendX = left1
        let legendY = height - 28
        for (index, entry) in allSeries.enumerated() {
            let color = Self.palette[index % Self.palette.count]
            svg += "<line x1=\"\(fmt(legendX))\" y1=\"\(legendY)\" x2=\"\(fmt(legendX + 24))\" y2=\"\(legendY)\" stroke=\"\(color)\" stroke-width=\"2.5\"/>\n"
            svg += "<text x=\"\(fmt(legendX + 30))\" y=\"\(legendY + 4)\">\(escape(entry.label))</text>\n"
            legendX += 40 + Double(entry.label.count) * 7
        }
        svg += "</svg>\n"
        return svg
    }

    func polyline(_ points: [(Double, Double)], color: String, dash: String?) -> String {
        guard !points.isEmpty else { return "" }
        let coordinates = points.map { "\(fmt($0.0)),\(fmt($0.1))" }.joined(separator: " ")
        var text = "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"2.5\" points=\"\(coordinates)\""
        if let dash { text += " stroke-dasharray=\"\(dash)\"" }
        text += "/>\n"
        for (px, py) in points {
            text += "<circle cx=\"\(fmt(px))\" cy=\"\(fmt(py))\" r=\"3\" fill=\"\(color)\"/>\n"
        }
        return text
    }

    func fmt(_ value: Double) -> String { String(format: "%.1f", value) }

    func compact(_ value: Double) -> String {
        switch value {
        case 1e9...: return String(format: "%gG", value / 1e9)
        case 1e6...: return String(format: "%gM", value / 1e6)
        case 1e3...: return String(format: "%gk", value / 1e3)
        default: return String(format: "%g", value)
        }
    }

    func niceCeiling(_ value: Double) -> Double {
        let magnitude = pow(10, floor(log10(value)))
        for factor in [1.0, 2, 2.5, 5, 10] where factor * magnitude >= value { return factor * magnitude }
        return 10 * magnitude
    }

    func niceStep(_ top: Double) -> Double {
        let raw = top / 5
        let magnitude = pow(10, floor(log10(raw)))
        for factor in [1.0, 2, 2.5, 5, 10] where factor * magnitude >= raw { return factor * magnitude }
        return 10 * magnitude
    }

    func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
