import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import Backprop
@testable import BackpropBenchmarks

@Suite("Speedup chart (SVG)")
struct SpeedupChartTests {
    @Test("the SVG is well-formed XML with one series per network and precision")
    func svg() throws {
        let report = try ResultFormatsTests.report()
        let svg = SpeedupChart(records: report.results, subtitle: "test").svg()
        let parser = XMLParser(data: Data(svg.utf8))
        final class Counter: NSObject, XMLParserDelegate {
            var series: [String] = []
            func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                        attributes: [String: String] = [:]) {
                if name == "g", attributes["class"] == "series", let label = attributes["data-series"] { series.append(label) }
            }
        }
        let counter = Counter()
        parser.delegate = counter
        #expect(parser.parse(), "not well-formed: \(parser.parserError.map { "\($0)" } ?? "")")
        #expect(counter.series == ["6-5-3 double", "6-5-3 float", "4-3 double", "4-3 float"])
        #expect(svg.contains("batch size m") && svg.contains("speedup"))
    }
}
