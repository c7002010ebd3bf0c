import Backprop

/// Gzip files written by hand, as stored (uncompressed) deflate blocks with a CRC-32 computed here, so that the
/// reader is checked against RFC 1951/1952 and not against zlib alone.
public enum GzipFixture {
    /// CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320), bit by bit.
    public static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    public static func littleEndian(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }

    /// One gzip member holding `data` in stored blocks of at most `block` bytes (a name in the header when given).
    public static func stored(_ data: [UInt8], block: Int = 65_535, name: String? = nil) -> [UInt8] {
        var out: [UInt8] = [0x1F, 0x8B, 8, name == nil ? 0 : 0x08, 0, 0, 0, 0, 0, 255]
        if let name { out += Array(name.utf8) + [0] }
        var start = 0
        repeat {
            let end = min(start + block, data.count)
            let length = UInt16(end - start)
            out.append(end == data.count ? 1 : 0)              // BFINAL, BTYPE 00
            out += [UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8(~length >> 8)]
            out += data[start..<end]
            start = end
        } while start < data.count
        return out + littleEndian(crc32(data)) + littleEndian(UInt32(truncatingIfNeeded: data.count))
    }

    /// Bytes that compress, but not to nothing: seeded draws from four values.
    public static func sample(_ count: Int, seed: UInt64) -> [UInt8] {
        var generator = SplitMix64(seed: seed)
        return (0..<count).map { _ in UInt8(generator.next() % 4) &* 61 }
    }
}
