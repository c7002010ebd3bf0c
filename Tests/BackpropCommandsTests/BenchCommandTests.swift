import Foundation
import Testing
@testable import BackpropBenchmarks
@testable import BackpropCommands
import TestSupport

@Suite("backprop bench", .serialized)
struct BenchCommandTests {
    let small = ["bench", "--net", "8-6-3", "--net", "5-4", "--batch", "1,16", "--min-time", "0.001", "--samples", "3",
                 "--peak-gflops", "40"]

    @Test("the table names the machine and shows one row per case")
    func table() {
        let result = runCommand(small)
        #expect(result.code == 0, "\(result.err)")
        #expect(result.out.contains("backprop bench: ") && result.out.contains("build"))
        #expect(result.out.split(separator: "\n").filter { $0.hasPrefix("8-6-3") || $0.hasPrefix("5-4") }.count == 4)
        #expect(result.out.contains("speedup"))
    }

    @Test("a debug build warns loudly on standard error")
    func debugWarning() {
        let result = runCommand(small)
        #expect(result.err.contains("WARNING: this is a DEBUG build") == MachineInfo.isDebugBuild)
    }

    @Test("a batch engine one ULP off: bench refuses to time the case, names it, and exits 1")
    func refusesDifferentEngines() {
        let result = runCommand(small, engines: .faulty)
        #expect(result.code == 1)
        #expect(result.err.contains("refusing to time") && result.err.contains("not bitwise identical"), "\(result.err)")
    }

    @Test("--format csv writes only data to standard output, with the documented columns")
    func csv() throws {
        let result = runCommand(small + ["--format", "csv", "--precision", "both"])
        #expect(result.code == 0)
        let records = try BenchmarkReport.parseCSV(result.out)
        #expect(records.count == 2 * 2 * 2 * 2)
        #expect(Set(records.map(\.precision)) == ["double", "float"])
    }

    @Test("--format json and --svg")
    func jsonAndSVG() throws {
        let directory = try temporaryDirectory()
        let svg = directory.appendingPathComponent("speedup.svg").path
        let result = runCommand(small + ["--format", "json", "--svg", svg, "--threads", "1,2"])
        #expect(result.code == 0, "\(result.err)")
        let object = try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any]
        // 2 batch sizes × 2 networks: 1 thread (loop, batch) and 2 threads (loop, batch, batch-1t).
        let results = try #require(object?["results"] as? [[String: Any]])
        #expect(results.count == 2 * 2 * (2 + 3))
        #expect(results.filter { $0["engine"] as? String == "batch-1t" }.allSatisfy { $0["threads"] as? Int == 1 })
        let picture = try String(contentsOfFile: svg, encoding: .utf8)
        #expect(picture.hasPrefix("<?xml") && picture.contains("class=\"series\""))
    }

    @Test("--call-times writes every timed call; a missing directory is refused before any timing")
    func callTimes() throws {
        let directory = try temporaryDirectory()
        let path = directory.appendingPathComponent("calls.csv").path
        let result = runCommand(small + ["--call-times", path, "--threads", "2"])
        #expect(result.code == 0, "\(result.err)")
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.first == "network,precision,batch,case_threads,engine,sample,call,seconds")
        let engines = Set(lines.dropFirst().map { $0.split(separator: ",")[4] })
        #expect(engines == ["loop", "batch", "batch-1t"])
        // Every sample of every engine of every case: 4 cases, 3 engines, 3 samples, at least one call each.
        #expect(lines.count - 1 >= 4 * 3 * 3)

        let missing = directory.appendingPathComponent("no/calls.csv").path
        let refused = runCommand(small + ["--call-times", missing])
        #expect(refused.code != 0)
        #expect(refused.err.hasPrefix("backprop bench: cannot write '\(missing)': the directory"))
        #expect(refused.err.split(separator: "\n").count == 1)
        #expect(!refused.out.contains("speedup"))
    }

    @Test("--phases prints the breakdown for both engines")
    func phases() {
        let result = runCommand(small + ["--phases"])
        #expect(result.out.contains("phases: 8-6-3 m=16") && result.out.contains("hidden errors"))
        #expect(result.out.contains("loop µs/call") && result.out.contains("batch µs/call"))
    }

    @Test("bench-kernels: the documented CSV columns, one line per row, and in the table a steal column on Linux")
    func kernels() throws {
        let kernels = ["bench-kernels", "--filter", "gemv-forward", "--precision", "float", "--min-time", "0.001",
                       "--samples", "3", "--peak-gflops", "40"]
        let csv = runCommand(kernels + ["--format", "csv"])
        #expect(csv.code == 0, "\(csv.err)")
        let lines = csv.out.split(separator: "\n").filter { !$0.hasPrefix("#") }
        #expect(lines.first == "kernel,precision,m,n,k,threads,median_seconds,gflops,gbytes_per_second,host_steal_percent")
        #expect(lines.count == 3, "the two gemv-forward shapes")
        for line in lines.dropFirst() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            #expect(fields.count == 10 && fields[0] == "gemv-forward" && Double(fields[8]).map { $0 > 0 } == true)
        }
        let table = runCommand(kernels)
        #expect(table.code == 0)
        #if os(Linux)
        #expect(table.out.contains("steal") && table.out.contains("over the whole run"))
        #endif
    }

    @Test("bad flags are usage errors", arguments: [
        (["bench", "--net", "784"], "--net: '784' has one size"),
        (["bench", "--batch", "1,0"], "--batch: expected a positive integer, got '0'"),
        (["bench", "--precision", "half"], "--precision: 'half' is not one of double, float, both"),
        (["bench", "--format", "xml"], "--format: 'xml' is not one of table, csv, json"),
        (["bench", "--min-time", "-1"], "--min-time: -1 is out of range"),
        (["bench", "--peak-gflops", "fast"], "--peak-gflops: expected one or two positive numbers"),
        (["bench", "--compare", "torch"], "--compare: 'torch' is not numpy"),
    ])
    func badFlags(_ arguments: [String], _ message: String) {
        let result = runCommand(arguments)
        #expect(result.code == 2)
        #expect(result.err.contains(message), "\(result.err)")
    }
}
