import Foundation
import Testing
import CommandSupport
import TestSupport

@Suite("Atomic file")
struct AtomicFileTests {
    @Test("writes the whole file, replacing an old one")
    func roundTrip() throws {
        let path = try temporaryDirectory().appendingPathComponent("out.txt").path
        try AtomicFile.write(Data("first".utf8), to: path)
        try AtomicFile.write(Data("second".utf8), to: path)
        #expect(String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self) == "second")
    }

    @Test("refuses, before writing, a directory or a path in a missing directory")
    func refusesBadPaths() throws {
        let directory = try temporaryDirectory()
        let missing = directory.appendingPathComponent("no/such/out.csv").path
        #expect { try AtomicFile.ensureWritable(missing) } throws: {
            "\($0)".contains("cannot write '\(missing)': the directory") && "\($0)".contains("does not exist")
        }
        #expect { try AtomicFile.ensureWritable(directory.path) } throws: { "\($0)".contains("it is a directory") }
        #expect { try AtomicFile.write(Data(), to: missing) } throws: { "\($0)".contains("does not exist") }
        try AtomicFile.ensureWritable(directory.appendingPathComponent("new.csv").path)
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("new.csv").path))
    }
}
