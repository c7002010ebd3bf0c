import Foundation
import Testing
@testable import Backprop
@testable import BackpropBenchmarks

@Suite("Benchmark output: CSV and JSON")
struct ResultFormatsTests {
    static func report() throws -> BenchmarkReport {
        var harness = BenchmarkHarness(settings: HarnessSettings(minimumTime: 0.001, samples: 3, warmUp: 0.001))
        var results: [CaseResult] = []
        for sizes in [[6, 5, 3], [4, 3]] {
            for precision in Precision.allCases {
                for m in [1, 8, 32] {
                    results.append(try harness.run(BenchmarkCase(sizes: sizes, examples: m, precision: precision)))
                }
            }
        }
        return BenchmarkReport(machine: .current(), peak: PeakRates(double: 40, float: 80, source: "given"),
                               settings: harness.settings, cases: results)
    }

    @Test("CSV has the documented columns and parses back to the same records")
    func csv() throws {
        let report = try Self.report()
        let text = report.csv()
        let header = text.split(separator: "\n").first { !$0.hasPrefix("#") }!
        #expect(header.hasPrefix("network,precision,batch,threads,engine,median_seconds,examples_per_second,gflops,speedup_vs_loop,p10_seconds"))
        let records = try BenchmarkReport.parseCSV(text)
        #expect(records.count == 2 * 2 * 3 * 2)
        #expect(records.map(\.engine).filter { $0 == "batch" }.count == 12)
        for (parsed, original) in zip(records, report.results) {
            #expect(parsed.network == original.network && parsed.batch == original.batch && parsed.engine == original.engine)
            #expect(abs(parsed.median_seconds / original.median_seconds - 1) < 1e-5)
            #expect(parsed.host_steal_percent == original.host_steal_percent.map { Double(String(format: "%.6g", $0))! })
        }
        #expect(header.hasSuffix(",ratio_vs_numpy,host_steal_percent"))
    }

    @Test("every engine of a case carries the case's steal share, in percent")
    func stealColumn() throws {
        var harness = BenchmarkHarness(settings: HarnessSettings(minimumTime: 0.001, samples: 3, warmUp: 0.001))
        var result = try harness.run(BenchmarkCase(sizes: [4, 3], examples: 8, precision: .double, threads: 2))
        result.hostSteal = 0.0125
        let report = BenchmarkReport(machine: .current(), peak: PeakRates(double: 40, float: 80, source: "given"),
                                     settings: harness.settings, cases: [result])
        #expect(report.results.count == 3)
        #expect(report.results.allSatisfy { $0.host_steal_percent == 1.25 })
        result.hostSteal = nil
        let uncounted = BenchmarkReport(machine: .current(), peak: PeakRates(double: 40, float: 80, source: "given"),
                                        settings: harness.settings, cases: [result])
        let line = try #require(uncounted.csv().split(separator: "\n").last)
        #expect(line.hasSuffix(","), "no figure: an empty last field")
        #expect(try BenchmarkReport.parseCSV(uncounted.csv()).allSatisfy { $0.host_steal_percent == nil })
    }

    @Test("JSON has one record per engine and case with the documented keys")
    func json() throws {
        let text = try Self.report().json()
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
        let results = object["results"] as! [[String: Any]]
        #expect(results.count == 24)
        for key in ["network", "precision", "batch", "threads", "engine", "median_seconds", "examples_per_second",
                    "gflops", "speedup_vs_loop"] {
            #expect(results.allSatisfy { $0[key] != nil }, "missing \(key)")
        }
        #expect((object["machine"] as! [String: Any])["cpu"] != nil)
    }
}
