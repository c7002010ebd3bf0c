import Foundation
import Testing
@testable import Backprop
import TestSupport

@Suite("CSV reader")
struct CSVReaderTests {
    @Test("features, then the label in the last column by default")
    func basic() throws {
        let data = try CSVReader().read("1.5,2,0\n3,4e-1,1\n\n")
        #expect(data.features == Matrix([[1.5, 2], [3, 0.4]]) && data.labels == [0, 1] && data.classCount == 2)
    }

    @Test("a header line and a label in another column, CRLF line ends")
    func options() throws {
        let data = try CSVReader(labelColumn: 0, header: true).read("label,a,b\r\n2,1,2\r\n0,3,4\r\n")
        #expect(data.labels == [2, 0] && data.features == Matrix([[1, 2], [3, 4]]) && data.classCount == 3)
    }

    @Test("a UTF-8 byte-order mark, as spreadsheet programs write it, is skipped", arguments: [false, true])
    func byteOrderMark(_ header: Bool) throws {
        let text = "\u{FEFF}" + (header ? "a,b,label\n" : "") + "0.0,1,2\n3,4,0\n"
        let data = try CSVReader(header: header).read(text)
        #expect(data.features == Matrix([[0, 1], [3, 4]]) && data.labels == [2, 0])
    }

    @Test("a file that starts with a byte-order mark reads, plain and gzipped", arguments: [false, true])
    func byteOrderMarkFile(_ compressed: Bool) throws {
        let bytes = Array("\u{FEFF}0.0,1,2\n3,4,0\n".utf8)
        #expect(bytes.prefix(3) == [0xEF, 0xBB, 0xBF])
        let path = try temporaryDirectory().appendingPathComponent(compressed ? "bom.csv.gz" : "bom.csv").path
        try Data(compressed ? GzipFixture.stored(bytes) : bytes).write(to: URL(fileURLWithPath: path))
        let text = try #require(String(validating: try DataFile.read(path), as: UTF8.self))
        let data = try CSVReader().read(text)
        #expect(data.features == Matrix([[0, 1], [3, 4]]) && data.labels == [2, 0])
    }

    @Test("malformed files name the line, the column and the problem", arguments: [
        ("1,2,0\n3,4\n", "line 2: 2 fields, but earlier lines have 3"),
        ("1,x,0\n", "line 1, column 2: 'x' is not a number"),
        ("1,nan,0\n", "line 1, column 2: 'nan' is not a finite number"),
        ("1,inf,0\n", "line 1, column 2: 'inf' is not a finite number"),
        ("1,1e400,0\n", "line 1, column 2: '1e400' is not a finite number"),
        ("1,2,1.5\n", "line 1, column 3: label '1.5' is not a non-negative integer"),
        ("1,2,-1\n", "line 1, column 3: label '-1' is not a non-negative integer"),
        ("1,,0\n", "line 1, column 2: empty field"),
        ("", "no examples"),
        ("\n\n", "no examples"),
        ("5\n", "line 1: 1 field; each line needs features and a label"),
        ("1,0x10,0\n", "line 1, column 2: '0x10' is not a decimal number"),
        ("1,2,0\n3,4,0\n", "at least 2 classes"),
    ])
    func errors(_ text: String, _ message: String) {
        #expect {
            _ = try CSVReader().read(text)
        } throws: { ($0 as? BackpropError)?.message.contains(message) == true }
    }
}
