import Foundation
import Testing
@testable import BackpropCommands
import TestSupport

/// `--format csv` is read by other tools as it is: the header is the first line and every line after it is one row
/// of that many fields. Checked with Python's `csv.DictReader` itself, the reader a student's notebook uses.
@Suite("CSV output", .serialized)
struct CSVOutputTests {
    static let python = URL(fileURLWithPath: "/usr/bin/python3")

    /// Reads standard input with `csv.DictReader` and prints its field names, its row count and the rows whose field
    /// count differs from the header's (DictReader files extra fields under `None` and fills missing ones with it).
    static let reader = """
        import csv, json, sys
        reader = csv.DictReader(sys.stdin)
        rows = list(reader)
        ragged = [i for i, row in enumerate(rows) if None in row or None in row.values()]
        print(json.dumps({"fields": reader.fieldnames, "rows": len(rows), "ragged": ragged}))
        """

    static let images: URL = {
        let url = try! temporaryDirectory()
        try! ImageSetFixture.write(to: url, train: 60, test: 20, compressed: true)
        return url
    }()

    static let modes: [(name: String, arguments: [String], rows: Int)] = [
        ("bench", ["bench", "--net", "8-6-3", "--batch", "1,16", "--min-time", "0.001", "--samples", "3",
                   "--peak-gflops", "40"], 2 * 2),
        ("bench-kernels", ["bench-kernels", "--filter", "gemv-forward", "--precision", "float",
                             "--min-time", "0.001", "--samples", "3", "--peak-gflops", "40"], 2),
        ("bench-train", ["bench-train", "--data", "fashion-mnist:\(images.path)", "--batch-size", "10,20",
                           "--epochs", "1", "--train-examples", "60"], 2 * 2),
    ]

    @Test("csv.DictReader reads the header first and one whole row per line",
          .enabled(if: FileManager.default.isExecutableFile(atPath: python.path), "python3 is not installed"),
          arguments: modes.map(\.name))
    func dictReader(_ mode: String) throws {
        let (_, arguments, rows) = try #require(Self.modes.first { $0.name == mode })
        let result = runCommand(arguments + ["--format", "csv"])
        try #require(result.code == 0, "\(result.err)")
        let parsed = try runProcess(["-c", Self.reader], executable: Self.python, input: Data(result.out.utf8))
        try #require(parsed.code == 0, "\(parsed.err)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(parsed.out.utf8)) as? [String: Any])
        let fields = try #require(report["fields"] as? [String])
        let header = try #require(result.out.split(separator: "\n").first).split(separator: ",").map(String.init)
        #expect(fields == header)
        #expect(fields.allSatisfy { !$0.hasPrefix("#") && !$0.isEmpty }, "\(fields)")
        #expect(report["rows"] as? Int == rows, "\(result.out)")
        #expect((report["ragged"] as? [Int])?.isEmpty == true, "\(result.out)")
    }
}
