import Foundation
import Testing
@testable import Backprop

@Suite("Atomic file")
struct AtomicFileTests {
    func scratch() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("atomic-file-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test("writes the whole file, replacing an old one, and reads it back")
    func roundTrip() throws {
        let path = try scratch().appendingPathComponent("out.txt").path
        try AtomicFile.write(Data("first".utf8), to: path)
        try AtomicFile.write(Data("second".utf8), to: path)
        #expect(String(decoding: try AtomicFile.read(path), as: UTF8.self) == "second")
    }

    @Test("refuses, before writing, a directory or a path in a missing directory")
    func refusesBadPaths() throws {
        let directory = try scratch()
        let missing = directory.appendingPathComponent("no/such/out.csv").path
        #expect { try AtomicFile.ensureWritable(missing) } throws: {
            "\($0)".contains("cannot write '\(missing)': the directory") && "\($0)".contains("does not exist")
        }
        #expect { try AtomicFile.ensureWritable(directory.path) } throws: { "\($0)".contains("it is a directory") }
        #expect { try AtomicFile.write(Data(), to: missing) } throws: { "\($0)".contains("does not exist") }
        try AtomicFile.ensureWritable(directory.appendingPathComponent("new.csv").path)
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("new.csv").path))
    }

    @Test("reading names the file and the problem")
    func readErrors() throws {
        let directory = try scratch()
        let absent = directory.appendingPathComponent("absent").path
        #expect { try AtomicFile.read(absent) } throws: { "\($0)" == "cannot read '\(absent)': no such file" }
        #expect { try AtomicFile.read(directory.path) } throws: { "\($0)".contains("it is a directory") }
    }
}
