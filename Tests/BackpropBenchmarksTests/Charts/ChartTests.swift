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
