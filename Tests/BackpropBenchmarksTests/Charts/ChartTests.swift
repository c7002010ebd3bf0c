import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import Backprop
@testable import BackpropBenchmarks

/// What an SVG chart holds, as a browser would read it.
struct ParsedChart {
    var width = 0.0, height = 0.0
    var series: [String] = []
    /// Each legend label and where its text ends (estimated generously by the chart).
    var legends: [(label: String, right: Double, x: Double, y: Double)] = []
    var polylines = 0
    /// The centre of every dot drawn, and every legend's box.
    var circles: [(x: Double, y: Double)] = []
    var legendBoxes: [(x: Double, y: Double, width: Double, height: Double)] = []

    init(_ svg: String) throws {
        final class Reader: NSObject, XMLParserDelegate {
            var chart = ParsedChart(empty: ())
            var legend: (right: Double, x: Double, y: Double)?
            var text = ""
            func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                        attributes: [String: String] = [:]) {
                switch name {
                case "svg":
                    chart.width = Double(attributes["width"] ?? "") ?? 0
                    chart.height = Double(attributes["height"] ?? "") ?? 0
                case "g" where attributes["class"] == "series":
                    chart.series.append(attributes["data-series"] ?? "")
                case "text" where attributes["class"] == "legend":
                    legend = (Double(attributes["data-right"] ?? "") ?? .infinity, Double(attributes["x"] ?? "") ?? -1,
                              Double(attributes["y"] ?? "") ?? -1)
                    text = ""
                case "polyline":
                    chart.polylines += 1
                case "circle":
                    chart.circles.append((Double(attributes["cx"] ?? "") ?? -1, Double(attributes["cy"] ?? "") ?? -1))
                case "rect" where attributes["stroke"] == "#ccc":
                    chart.legendBoxes.append((Double(attributes["x"] ?? "") ?? -1, Double(attributes["y"] ?? "") ?? -1,
                                              Double(attributes["width"] ?? "") ?? -1, Double(attributes["height"] ?? "") ?? -1))
                default: break
                }
            }
            func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }
            func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
                if name == "text", let l = legend {
                    chart.legends.append((text, l.right, l.x, l.y))
                    legend = nil
                }
            }
        }
        let parser = XMLParser(data: Data(svg.utf8))
        let reader = Reader()
        parser.delegate = reader
        try #require(parser.parse(), "not well-formed: \(parser.parserError.map { "\($0)" } ?? "")")
        self = reader.chart
    }

    private init(empty: Void) {}

    /// The data dots a legend box covers (a legend's own sample dots, inside its box by design, are not data).
    var dotsUnderLegends: Int {
        let inBox = { (c: (x: Double, y: Double), b: (x: Double, y: Double, width: Double, height: Double)) in
            c.x >= b.x && c.x <= b.x + b.width && c.y >= b.y && c.y <= b.y + b.height
        }
        let legendDots = circles.filter { c in legendBoxes.contains { inBox(c, $0) && abs(c.x - ($0.x + 15)) < 0.05 } }
        return circles.count { c in legendBoxes.contains { inBox(c, $0) } } - legendDots.count
    }

    /// Every legend label lies inside the view.
    var legendsInside: Bool {
        legends.allSatisfy { $0.x >= 0 && $0.right <= width && $0.y > 0 && $0.y <= height }
    }
}

@Suite("Charts (SVG)")
struct ChartTests {
    @Test("speedup chart: a speedup panel per network, a rate panel per network and precision, legends inside")
    func speedup() throws {
        let report = try ResultFormatsTests.report()
        let figure = SpeedupChart(records: report.results, subtitle: "test").figure()
        #expect(figure.rows.count == 2)
        #expect(figure.rows[0].map(\.title) == ["6-5-3: batch ÷ loop", "4-3: batch ÷ loop"])
        #expect(figure.rows[0].map { $0.series.map(\.label) } == [["double", "float"], ["double", "float"]])
        #expect(figure.rows[1].map(\.title) == ["6-5-3, double", "6-5-3, float", "4-3, double", "4-3, float"])
        #expect(figure.rows[1].allSatisfy { $0.series.map(\.label) == ["loop engine", "batch engine"] })
        // A speedup point per batch size, at the measured ratio.
        let batch = report.results.filter { $0.network == "6-5-3" && $0.precision == "double" && $0.engine == "batch" }
        #expect(figure.rows[0][0].series[0].points.map(\.y) == batch.compactMap(\.speedup_vs_loop))

        let chart = try ParsedChart(figure.svg())
        #expect(chart.series.count == 4 + 8 && chart.polylines == 12)
        #expect(chart.legendsInside, "\(chart.legends)")
    }

    @Test("training chart: loss and accuracy against epochs and against seconds, one series per engine")
    func training() throws {
        let epochs = (1...5).map {
            Trainer<Double>.Epoch(number: $0, meanLoss: 1 / Double($0), trainAccuracy: 0.8, testAccuracy: 0.7 + 0.04 * Double($0),
                                  seconds: 0.5)
        }
        let figure = TrainingChart(runs: [.init(engine: "loop", epochs: epochs), .init(engine: "batch", epochs: epochs)],
                                   title: "test").figure()
        #expect(figure.rows.flatMap { $0 }.map(\.title) == ["loss against epochs", "test accuracy against epochs",
                                                            "loss against time", "test accuracy against time"])
        let accuracy = figure.rows[0][1].series[0].points
        #expect(accuracy.map(\.x) == [1, 2, 3, 4, 5] && abs(accuracy.last!.y - 90) < 1e-9)
        #expect(figure.rows[1][0].series[1].points.map(\.x) == [0.5, 1, 1.5, 2, 2.5])
        let chart = try ParsedChart(figure.svg())
        #expect(chart.series == Array(repeating: ["loop engine", "batch engine"], count: 4).flatMap { $0 })
        #expect(chart.legendsInside, "\(chart.legends)")
    }

    @Test("training benchmark chart: seconds per epoch, accuracy and time to target per tool; skipped rows drawn not")
    func trainBenchmark() throws {
        var benchmark = TrainBenchmark()
        for size in [1, 32, 1000] {
            benchmark.rows.append(.init(batchSize: size, tool: "batch engine", epochSeconds: [2, 1, 1.5],
                                        testAccuracies: [0.80, 0.85, 0.87]))
            benchmark.rows.append(.init(batchSize: size, tool: "numpy-batch, a long peer name", epochSeconds: [3, 3, 3],
                                        testAccuracies: [0.5, 0.6, 0.7]))
            benchmark.rows.append(.init(batchSize: size, tool: "jax-batch", epochSeconds: [], testAccuracies: [],
                                        skipped: "jax is not installed"))
        }
        let figure = TrainBenchmarkChart(benchmark: benchmark, target: 0.85, title: "test").figure()
        #expect(figure.rows[0].map { $0.series.map(\.label) }
                == Array(repeating: ["batch engine", "numpy-batch, a long peer name"], count: 3))
        // The median epoch; the seconds until the first epoch at the target; none for a tool that never reaches it.
        #expect(figure.rows[0][0].series[0].points.map(\.y) == [1.5, 1.5, 1.5])
        #expect(figure.rows[0][2].series[0].points.map(\.y) == [3, 3, 3])
        #expect(figure.rows[0][2].series[1].points.isEmpty)
        let chart = try ParsedChart(figure.svg())
        #expect(chart.legendsInside, "\(chart.legends)")
        #expect(chart.dotsUnderLegends == 0)
    }

    @Test("a legend leaves the corner it prefers for one where it hides no point", arguments: [true, false])
    func legendAvoidsPoints(connected: Bool) throws {
        // Points in the lower left, where the panel asks for its legend.
        let points: [(x: Double, y: Double)] = [(1, 0.3), (2, 0.5), (3, 0.4), (10, 0.2)]
        let series = (0..<5).map { index in
            var series = ChartFigure.Series(label: "tool \(index)", color: "#000", points: points)
            series.connected = connected
            return series
        }
        let panel = ChartFigure.Panel(title: "p", x: .init(label: "x", low: 1, high: 10), y: .init(label: "y", low: 0, high: 3),
                                      series: series, legendAtTop: false, legendAtLeft: true)
        let chart = try ParsedChart(ChartFigure(title: "t", subtitle: "s", rows: [[panel]]).svg())
        try #require(chart.legendBoxes.count == 1)
        #expect(chart.dotsUnderLegends == 0)
        let box = chart.legendBoxes[0]
        #expect(box.x > chart.width / 2 || box.y < chart.height / 2, "the legend stayed in the lower left: \(box)")
    }

    @Test("a label too long for its panel's legend still ends inside the view, and text is escaped")
    func escaping() throws {
        let series = ChartFigure.Series(label: "a <b> & \"c\"", color: "#000", points: [(1, 1), (2, 2)])
        let panel = ChartFigure.Panel(title: "x < y", x: .init(label: "x", low: 1, high: 2),
                                      y: .init(label: "y", low: 0, high: 3), series: [series], legendAtLeft: false)
        let chart = try ParsedChart(ChartFigure(title: "t & u", subtitle: "s", rows: [[panel]]).svg())
        #expect(chart.series == ["a <b> & \"c\""])
        #expect(chart.legends.map(\.label) == ["a <b> & \"c\""])
        #expect(chart.legendsInside)
    }

    @Test("tick labels are short where a suffix is exact, and written out where it is not",
          arguments: [(1024.0, "1024"), (1000, "1k"), (1500, "1.5k"), (45_000, "45k"), (123_456, "123k"),
                      (1_500_000, "1.5M"), (0.5, "0.5"), (8, "8")])
    func compactLabels(_ value: Double, _ label: String) {
        #expect(ChartFigure.compact(value) == label)
    }
}

@Suite("The roofline")
struct RooflineTests {
    @Test("the bytes of each phase: each matrix once per call for the batch engine, W (and ∂W) once per example for the loop engine")
    func bytes() {
        let sizes = [784, 30, 10], m = 64, s = 8
        // F = 784·30 + 30·10 = 23,820; B = 300; H = 30; Σ h_l = 40; Σ h_{l−1} = 814.
        #expect(Roofline.bytes(.forward, engine: "batch", sizes: sizes, examples: m, scalarBytes: s) == Double((m * 784 + 23_820 + m * 40) * s))
        #expect(Roofline.bytes(.hiddenErrors, engine: "batch", sizes: sizes, examples: m, scalarBytes: s) == Double((m * 10 + 300 + 2 * m * 30) * s))
        #expect(Roofline.bytes(.weightGradients, engine: "batch", sizes: sizes, examples: m, scalarBytes: s) == Double((m * 814 + m * 40 + 23_820) * s))
        #expect(Roofline.bytes(.forward, engine: "loop", sizes: sizes, examples: m, scalarBytes: s) == Double(m * 23_820 * s))
        #expect(Roofline.bytes(.weightGradients, engine: "loop", sizes: sizes, examples: m, scalarBytes: s) == Double(2 * m * 23_820 * s))
        // The loop engine's intensity does not grow with m; the batch engine's forward does, towards F·2m/(s·F) …
        let flops = { (m: Int) in Double(FlopCount(sizes: sizes, examples: m, hidden: .sigmoid, output: .sigmoidCrossEntropy).forward) }
        let loop = { (m: Int) in flops(m) / Roofline.bytes(.forward, engine: "loop", sizes: sizes, examples: m, scalarBytes: s) }
        let batch = { (m: Int) in flops(m) / Roofline.bytes(.forward, engine: "batch", sizes: sizes, examples: m, scalarBytes: s) }
        #expect(loop(1) == loop(1024) && loop(1) == 0.25)
        #expect(batch(1) < batch(64) && batch(64) < batch(1024))
        // … and is bounded by the reading of X: 2·F/(s·(h_0 + Σ h_l)) as m grows.
        #expect(batch(1_000_000) < 2 * 23_820 / Double(s * (784 + 40)))
    }

    @Test("the ceilings come from the read probes; the chart draws each level and every group of dots")
    func chart() {
        func result(_ kernel: String, _ n: Int, _ role: String, seconds: Double) -> KernelResult {
            KernelResult(kernelCase: KernelCase(kernel: kernel, precision: .double, m: 1, n: n, k: 1, role: role),
                         timing: TimingSummary([seconds], repetitions: 1))
        }
        let results = BandwidthProbe.footprints.enumerated().map { index, footprint in
            result("read", footprint.bytes / 8, "bandwidth, x (\(footprint.level))", seconds: Double(footprint.bytes) / (1e9 * Double(100 >> index)))
        }
        let ceilings = Roofline.ceilings(results, precision: .double, peak: 50)
        #expect(ceilings.bandwidths.map(\.level) == ["L1", "L2", "L3", "memory"])
        #expect(abs(ceilings.bandwidths[0].gigabytesPerSecond - 100) < 1e-9 && abs(ceilings.attainable(1000, level: "L1") - 50) < 1e-9)
        let points = [Roofline.Point(group: "batch engine, forward", label: "m = 64", intensity: 5, gigaflops: 30),
                      Roofline.Point(group: "loop engine, forward", label: "m = 64", intensity: 0.25, gigaflops: 12)]
        let chart = RooflineChart(panels: [.init(title: "784-30-10, double", ceilings: ceilings, points: points)],
                                  subtitle: "test")
        // Every roof is drawn from where it enters the panel: its sloped part too, not only its flat top.
        let panel = chart.figure().rows[0][0]
        for roof in panel.series where roof.dash != nil {
            #expect(roof.points.allSatisfy { $0.y >= panel.y.low * 0.999 }, "\(roof.label): \(roof.points)")
            #expect(roof.points[0].y < roof.points[1].y, "\(roof.label) has no sloped part")
        }
        let svg = chart.svg()
        for label in ["L1 100 GB/s", "memory 12 GB/s", "batch engine, forward", "loop engine, forward"] {
            #expect(svg.contains("data-series=\"\(label)\""), "missing \(label)")
        }
        #expect(svg.contains("784-30-10, double"))
    }
}
