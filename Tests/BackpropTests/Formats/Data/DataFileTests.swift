import Foundation
import Testing
@testable import Backprop
import TestSupport

@Suite("Data files")
struct DataFileTests {
    @Test("reading names the file and the problem")
    func readErrors() throws {
        let directory = try temporaryDirectory()
        let absent = directory.appendingPathComponent("absent").path
        #expect { try DataFile.read(absent) } throws: { "\($0)" == "cannot read '\(absent)': no such file" }
        #expect { try DataFile.read(directory.path) } throws: { "\($0)".contains("it is a directory") }
    }

    @Test("reads NAME.gz in place of a missing NAME")
    func compressedSibling() throws {
        let directory = try temporaryDirectory()
        let path = directory.appendingPathComponent("plain.txt").path
        try Data("abc".utf8).write(to: URL(fileURLWithPath: path))
        #expect(DataFile.resolve(path) == path)
        #expect(try DataFile.read(path) == Array("abc".utf8))
        #expect(DataFile.resolve(directory.appendingPathComponent("missing").path).hasSuffix("missing"))
    }
}
