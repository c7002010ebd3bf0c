import CZlib
import Foundation

/// Reads gzip files (RFC 1952) as data sets are distributed (`train-images-idx3-ubyte.gz`, …), with the system's
/// zlib: the compressed file is read whole (a fraction of what it inflates to) and inflated member after member (a
/// file may hold several gzip members one after another, as `cat a.gz b.gz` makes), each member's CRC-32 and length
/// checked by zlib. A corrupt or truncated stream is one `BackpropError` naming the file and the byte.
public enum Gzip {
    /// The largest output accepted: a file that inflates to more is refused, not allocated.
    public static let maximumSize = 1 << 32

    /// Deflate's largest ratio of output to input (a run of one byte: 258 bytes per code, four codes per byte of
    /// input, about 1032:1). A trailer that claims more than this many times the file's size is not believed.
    static let maximumRatio = 1032

    /// Whether `bytes` starts with gzip's magic number, 1f 8b.
    public static func isCompressed(_ bytes: some Collection<UInt8>) -> Bool {
        bytes.count >= 2 && bytes.first == 0x1F && bytes.dropFirst().first == 0x8B
    }

    /// The bytes of a file: inflated if it is gzip (by its content, not its name), as they are otherwise.
    /// - Throws: `BackpropError` if the file cannot be read or its gzip stream is corrupt or truncated.
    public static func readFile(_ path: String) throws -> [UInt8] {
        let data = try DataFile.contents(path)
        guard isCompressed(data.prefix(2)) else { return Array(data) }
        return try decompress(Array(data), name: path)
    }

    /// Inflates a whole gzip stream held in memory.
    public static func decompress(_ bytes: [UInt8], name: String) throws -> [UInt8] {
        let hint = sizeHint(bytes)
        // Handed to zlib 16 MiB at a time: its counts are 32-bit.
        var start = 0
        return try inflate(name: name, sizeHint: hint) {
            let end = min(start + (1 << 24), bytes.count)
            defer { start = end }
            return Array(bytes[start..<end])
        }
    }

    /// The room to reserve for inflating `bytes`: the last member's trailer ends with its length modulo 2³², so
    /// that much, to grow the output once; but never more than deflate can make of this many bytes, so that a corrupt
    /// or hostile trailer cannot make the reader allocate gigabytes for a small file.
    static func sizeHint(_ bytes: [UInt8]) -> Int {
        let claimed = bytes.count < 4 ? 0 : bytes.suffix(4).reversed().reduce(0) { $0 << 8 | Int($1) }
        return min(claimed, bytes.count.multipliedReportingOverflow(by: maximumRatio).partialValue, maximumSize)
    }

    /// Inflates the gzip members that `next` yields a chunk at a time (an empty chunk: the end of the input).
    static func inflate(name: String, sizeHint: Int = 0, next: () throws -> [UInt8]) throws -> [UInt8] {
        var stream = z_stream()
        // 15 + 16: the largest window, and a gzip header and trailer (not zlib's, not raw deflate).
        guard inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw BackpropError("\(name): zlib could not start")
        }
        defer { inflateEnd(&stream) }
        var output = [UInt8]()
        output.reserveCapacity(sizeHint)
        var input = try next()
        var consumed = 0            // compressed bytes before `input`
        var position = 0            // within `input`
        var inMember = true         // inside a member (not between two)
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            if position == input.count {
                consumed += input.count
                input = try next()
                position = 0
                if input.isEmpty {
                    guard !inMember else {
                        throw BackpropError("\(name): the gzip stream is truncated: it ends after \(consumed) bytes, inside a member")
                    }
                    return output
                }
            }
            if !inMember {
                // Between members: another member must start here.
                guard input[position] == 0x1F else {
                    throw BackpropError("\(name): byte \(consumed + position): \(input.count - position) bytes after the last gzip member are not another member")
                }
                guard inflateReset(&stream) == Z_OK else { throw BackpropError("\(name): zlib could not start the next member") }
                inMember = true
            }
            let status: Int32 = input.withUnsafeMutableBufferPointer { inputBuffer in
                chunk.withUnsafeMutableBufferPointer { outputBuffer in
                    stream.next_in = inputBuffer.baseAddress! + position
                    stream.avail_in = UInt32(inputBuffer.count - position)
                    stream.next_out = outputBuffer.baseAddress!
                    stream.avail_out = UInt32(outputBuffer.count)
                    let status = CZlib.inflate(&stream, Z_NO_FLUSH)
                    position = inputBuffer.count - Int(stream.avail_in)
                    return status
                }
            }
            let produced = chunk.count - Int(stream.avail_out)
            guard output.count + produced <= maximumSize else {
                throw BackpropError("\(name): inflates to more than \(maximumSize >> 30) GiB; refused")
            }
            output.append(contentsOf: chunk[0..<produced])
            switch status {
            case Z_STREAM_END:
                inMember = false
            case Z_OK:
                break
            case Z_BUF_ERROR:
                // No progress with the input at hand: more is needed (fetched above).
                guard stream.avail_in == 0 else { throw BackpropError("\(name): zlib made no progress at byte \(consumed + position)") }
            default:
                let reason = stream.msg.map { String(cString: $0) } ?? "error \(status)"
                throw BackpropError("\(name): not a valid gzip stream at byte \(consumed + position): \(reason)")
            }
        }
    }
}
