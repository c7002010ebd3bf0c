import Foundation
import Testing
@testable import Backprop

/// Replays the fuzzers' seeds and findings (Tests/Fuzz/Seeds, Tests/Fuzz/Regressions: crashing, slow or odd inputs
/// kept from runs of Tests/Fuzz/run.sh). Every input must end in a value or one line of `BackpropError`.
@Suite("Fuzzing regressions")
struct FuzzRegressionTests {
    static let fuzzDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz")

    static func inputs(_ parser: String) -> [URL] {
        ["Seeds", "Regressions"].flatMap { folder -> [URL] in
            let directory = fuzzDirectory.appendingPathComponent(folder).appendingPathComponent(parser)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
            return names.filter { !$0.hasPrefix(".") }.sorted().map { directory.appendingPathComponent($0) }
        }
    }

    func expectCleanFailure(_ body: () throws -> Void, _ file: URL, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            try body()
        } catch let error as BackpropError {
            #expect(!error.message.isEmpty && !error.message.contains("\n"), "\(file.lastPathComponent): \(error)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("\(file.lastPathComponent): not a BackpropError: \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test("the corpus is there", arguments: ["json", "csv", "idx", "npy", "gzip"])
    func present(_ parser: String) {
        #expect(!Self.inputs(parser).isEmpty)
    }

    @Test("network JSON")
    func json() {
        for file in Self.inputs("json") {
            let data = (try? Data(contentsOf: file)) ?? Data()
            expectCleanFailure({ _ = try AnyNetwork(jsonData: data) }, file)
        }
    }

    @Test("CSV")
    func csv() {
        for file in Self.inputs("csv") {
            let text = String(decoding: (try? Data(contentsOf: file)) ?? Data(), as: UTF8.self)
            expectCleanFailure({ _ = try CSVReader().read(text) }, file)
            expectCleanFailure({ _ = try CSVReader(labelColumn: 0, header: true).read(text) }, file)
        }
    }

    @Test("MNIST IDX")
    func idx() {
        for file in Self.inputs("idx") {
            let bytes = Array((try? Data(contentsOf: file)) ?? Data())
            expectCleanFailure({ _ = try IDXReader.parse(bytes, expectingDimensions: 3, name: "images") }, file)
            let half = bytes.count / 2
            expectCleanFailure({ _ = try IDXReader.read(images: Array(bytes[..<half]), labels: Array(bytes[half...]), imagesName: "i", labelsName: "l") }, file)
        }
    }

    @Test("NumPy .npy")
    func npy() {
        for file in Self.inputs("npy") {
            let bytes = Array((try? Data(contentsOf: file)) ?? Data())
            expectCleanFailure({ _ = try NPYReader.read(bytes, name: "x.npy") }, file)
            let half = bytes.count / 2
            expectCleanFailure({ _ = try NPYReader.read(features: Array(bytes[..<half]), labels: Array(bytes[half...]), featuresName: "x", labelsName: "y") }, file)
        }
    }

    @Test("gzip")
    func gzip() {
        for file in Self.inputs("gzip") {
            let bytes = Array((try? Data(contentsOf: file)) ?? Data())
            expectCleanFailure({ _ = try Gzip.decompress(bytes, name: "x.gz") }, file)
        }
    }
}
