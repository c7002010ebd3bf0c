import CZlib
import Foundation
import Testing
@testable import Backprop
import TestSupport

/// Gzip written by zlib's own deflate, for real compression over many of the reader's chunks (the stored blocks
/// written by hand are in GzipFixture).
extension GzipFixture {
    /// `data` deflated by zlib into one gzip member, at level 6.
    static func deflated(_ data: [UInt8]) throws -> [UInt8] {
        var stream = z_stream()
        try #require(deflateInit2_(&stream, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
                                   Int32(MemoryLayout<z_stream>.size)) == Z_OK)
        defer { deflateEnd(&stream) }
        var input = data
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(data.count))) + 64)
        let status = input.withUnsafeMutableBufferPointer { i in
            output.withUnsafeMutableBufferPointer { o in
                stream.next_in = i.baseAddress
                stream.avail_in = UInt32(i.count)
                stream.next_out = o.baseAddress
                stream.avail_out = UInt32(o.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        try #require(status == Z_STREAM_END)
        return Array(output[0..<Int(stream.total_out)])
    }
}

@Suite("Gzip")
struct GzipTests {
    @Test("stored blocks written by hand inflate to the bytes", arguments: [0, 1, 100, 65_535, 65_536, 200_001])
    func stored(count: Int) throws {
        let data = GzipFixture.sample(count, seed: UInt64(count))
        #expect(try Gzip.decompress(GzipFixture.stored(data, name: "x.idx"), name: "t") == data)
    }

    @Test("zlib's own deflate, across many chunks of input and output")
    func deflated() throws {
        let data = GzipFixture.sample(5_000_000, seed: 7)
        let compressed = try GzipFixture.deflated(data)
        #expect(compressed.count < data.count / 2)
        #expect(try Gzip.decompress(compressed, name: "t") == data)
    }

    @Test("members one after another (cat a.gz b.gz) are one stream")
    func concatenated() throws {
        let a = GzipFixture.sample(70_000, seed: 1), b = GzipFixture.sample(3, seed: 2), c = GzipFixture.sample(90_000, seed: 3)
        let file = try GzipFixture.stored(a) + GzipFixture.deflated(b) + GzipFixture.stored(c, block: 1000)
        #expect(try Gzip.decompress(file, name: "t") == a + b + c)
    }

    @Test("a file is read by its content: gzip inflated, anything else as it is; NAME.gz found for NAME")
    func files() throws {
        let directory = try temporaryDirectory()
        let data = GzipFixture.sample(10_000, seed: 4)
        let plain = directory.appendingPathComponent("plain.bin").path
        let hidden = directory.appendingPathComponent("no-suffix").path
        try Data(data).write(to: URL(fileURLWithPath: plain))
        try Data(GzipFixture.deflated(data)).write(to: URL(fileURLWithPath: hidden))
        try Data(GzipFixture.deflated(data)).write(to: URL(fileURLWithPath: plain + "2.gz"))
        #expect(try Gzip.readFile(plain) == data)
        #expect(try Gzip.readFile(hidden) == data)
        #expect(try DataFile.read(plain + "2") == data)
        #expect(DataFile.resolve(plain) == plain)
        #expect(DataFile.resolve(plain + "2") == plain + "2.gz")
    }

    /// A broken stream, and a part of the one-line error it must give.
    struct Broken: CustomTestStringConvertible, Sendable {
        var name: String
        var bytes: @Sendable () throws -> [UInt8]
        var message: String
        var testDescription: String { name }
    }

    static let broken: [Broken] = [
        Broken(name: "the magic alone", bytes: { [0x1F, 0x8B] }, message: "truncated: it ends after 2 bytes, inside a member"),
        Broken(name: "cut inside the data", bytes: { Array(try GzipFixture.deflated(GzipFixture.sample(100_000, seed: 5)).prefix(5000)) },
               message: "truncated: it ends after 5000 bytes"),
        Broken(name: "cut inside the trailer", bytes: { Array(GzipFixture.stored([1, 2, 3]).dropLast(2)) }, message: "truncated"),
        Broken(name: "a wrong CRC", bytes: {
            var bytes = GzipFixture.stored([1, 2, 3])
            bytes[bytes.count - 8] ^= 1
            return bytes
        }, message: "incorrect data check"),
        Broken(name: "a wrong length", bytes: {
            var bytes = GzipFixture.stored([1, 2, 3])
            bytes[bytes.count - 4] ^= 1
            return bytes
        }, message: "incorrect length check"),
        Broken(name: "a reserved block type", bytes: { [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 255, 0x07, 0, 0] },
               message: "not a valid gzip stream at byte"),
        Broken(name: "a stored block whose length check fails", bytes: { [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 255, 1, 5, 0, 5, 0] + [UInt8](repeating: 0, count: 13) },
               message: "invalid stored block lengths"),
        Broken(name: "an unknown method", bytes: { [0x1F, 0x8B, 7] + [UInt8](repeating: 0, count: 20) }, message: "unknown compression method"),
        Broken(name: "garbage after the last member", bytes: { GzipFixture.stored([1, 2, 3]) + [0x50, 0x4B, 3, 4] },
               message: "4 bytes after the last gzip member are not another member"),
    ]

    @Test("a broken stream is one error naming the file and the problem", arguments: broken)
    func refuses(_ case_: Broken) throws {
        let bytes = try case_.bytes()
        let error = try #require(throws: BackpropError.self) { try Gzip.decompress(bytes, name: "f.gz") }
        #expect(error.description.hasPrefix("f.gz: "), "\(error)")
        #expect(error.description.contains(case_.message), "\(error)")
        #expect(!error.description.contains("\n"))
    }

    @Test("a trailer claiming gigabytes is not believed: the room reserved is bounded by deflate's ratio")
    func implausibleTrailer() throws {
        var bytes = GzipFixture.stored([1, 2, 3])
        bytes.replaceSubrange((bytes.count - 4)..., with: [0xFF, 0xFF, 0xFF, 0xFF])
        #expect(Gzip.sizeHint(bytes) <= bytes.count * Gzip.maximumRatio)
        #expect(Gzip.sizeHint(GzipFixture.stored([UInt8](repeating: 7, count: 5000))) == 5000)
        let error = try #require(throws: BackpropError.self) { try Gzip.decompress(bytes, name: "f.gz") }
        #expect(error.description.contains("incorrect length check"), "\(error)")
    }
}
