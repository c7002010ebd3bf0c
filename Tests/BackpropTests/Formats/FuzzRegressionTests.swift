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

    /// Each parser's ways of reading one input (the two-file readers get its two halves).
    static let readers: [String: [@Sendable (_ bytes: [UInt8]) throws -> Void]] = [
        "json": [{ _ = try AnyNetwork(jsonData: Data($0)) }],
        "csv": [{ _ = try CSVReader().read(String(decoding: $0, as: UTF8.self)) },
                { _ = try CSVReader(labelColumn: 0, header: true).read(String(decoding: $0, as: UTF8.self)) }],
        "idx": [{ _ = try IDXReader.parse($0, expectingDimensions: 3, name: "images") },
                { _ = try IDXReader.read(images: Array($0[..<($0.count / 2)]), labels: Array($0[($0.count / 2)...]),
                                         imagesName: "i", labelsName: "l") }],
        "npy": [{ _ = try NPYReader.read($0, name: "x.npy") },
                { _ = try NPYReader.read(features: Array($0[..<($0.count / 2)]), labels: Array($0[($0.count / 2)...]),
                                         featuresName: "x", labelsName: "y") }],
        "gzip": [{ _ = try Gzip.decompress($0, name: "x.gz") }],
    ]

    @Test("every seed and finding ends in a value or one line of BackpropError",
          arguments: ["json", "csv", "idx", "npy", "gzip"])
    func replay(_ parser: String) throws {
        let inputs = Self.inputs(parser)
        #expect(!inputs.isEmpty, "no corpus for \(parser)")
        for file in inputs {
            let bytes = Array((try? Data(contentsOf: file)) ?? Data())
            for read in try #require(Self.readers[parser]) { expectCleanFailure({ try read(bytes) }, file) }
        }
    }
}
