/// Reads NumPy's .npy arrays (format versions 1, 2 and 3): little-endian float32 ('<f4'), float64 ('<f8'),
/// unsigned bytes ('|u1') and, for labels, 32- and 64-bit integers ('<i4', '<i8'), in C order.
///
/// The file is the magic "\x93NUMPY", a version, the header length, a Python dict literal such as
/// `{'descr': '<f8', 'fortran_order': False, 'shape': (150, 4), }`, then the raw data. Errors give the byte offset.
public enum NPYReader {
    /// An array: its shape and its values as Doubles (row-major).
    public struct Array: Equatable, Sendable {
        public var shape: [Int]
        public var values: [Double]
    }

    public static func read(_ bytes: [UInt8], name: String) throws -> Array {
        let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // \x93NUMPY
        guard bytes.count >= 10, Swift.Array(bytes[0..<6]) == magic else {
            throw BackpropError("\(name): byte 0: expected the magic \\x93NUMPY (not a .npy file)")
        }
        let major = bytes[6]
        let (lengthSize, headerStart): (Int, Int)
        switch major {
        case 1: (lengthSize, headerStart) = (2, 10)
        case 2, 3: (lengthSize, headerStart) = (4, 12)
        default: throw BackpropError("\(name): byte 6: format version \(major), expected 1, 2 or 3")
        }
        guard bytes.count >= headerStart else { throw BackpropError("\(name): the file ends inside its header length") }
        var headerLength = 0
        for i in 0..<lengthSize { headerLength |= Int(bytes[8 + i]) << (8 * i) }
        guard headerStart + headerLength <= bytes.count else {
            throw BackpropError("\(name): byte 8: the header length \(headerLength) runs past the end of the file (\(bytes.count) bytes)")
        }
        let header = String(decoding: bytes[headerStart..<(headerStart + headerLength)], as: UTF8.self)
        guard let descr = value(of: "descr", in: header) else {
            throw BackpropError("\(name): byte \(headerStart): the header has no 'descr' (\(header.prefix(60)))")
        }
        guard let order = value(of: "fortran_order", in: header), order == "False" || order == "True" else {
            throw BackpropError("\(name): byte \(headerStart): the header has no 'fortran_order'")
        }
        guard order == "False" else { throw BackpropError("\(name): the array is in Fortran order; save it in C order (np.ascontiguousarray)") }
        guard let shapeText = value(of: "shape", in: header) else {
            throw BackpropError("\(name): byte \(headerStart): the header has no 'shape'")
        }
        let shape = try parseShape(shapeText, name: name)
        let itemSize: Int
        let decode: (ArraySlice<UInt8>) -> Double
        switch descr.trimmingQuotes {
        case "<f8": itemSize = 8; decode = { Double(Double(bitPattern: littleEndian($0))) }
        case "<f4": itemSize = 4; decode = { Double(Float(bitPattern: UInt32(truncatingIfNeeded: littleEndian($0)))) }
        case "|u1", "<u1": itemSize = 1; decode = { Double($0.first!) }
        case "<i8": itemSize = 8; decode = { Double(Int64(bitPattern: littleEndian($0))) }
        case "<i4": itemSize = 4; decode = { Double(Int32(truncatingIfNeeded: Int64(littleEndian($0)))) }
        case let other:
            throw BackpropError("\(name): dtype \(other) is not supported; use float32, float64 or uint8 (little-endian)")
        }
        var count = 1
        for size in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: size)
            guard !overflow else { throw BackpropError("\(name): the shape \(shape) overflows") }
            count = product
        }
        let dataStart = headerStart + headerLength
        let (needed, overflow) = count.multipliedReportingOverflow(by: itemSize)
        guard !overflow, bytes.count - dataStart == needed else {
            throw BackpropError("\(name): the shape \(shape) of \(descr.trimmingQuotes) needs \(needed) bytes of data but the file has \(bytes.count - dataStart) after byte \(dataStart)")
        }
        var values = [Double](repeating: 0, count: count)
        for i in 0..<count {
            let start = dataStart + i * itemSize
            values[i] = decode(bytes[start..<(start + itemSize)])
        }
        return Array(shape: shape, values: values)
    }

    /// Features from a 2-D array `[m, n]` and labels from a 1-D `[m]` (or `[m, 1]`) array of whole numbers.
    public static func read(features: [UInt8], labels: [UInt8], featuresName: String, labelsName: String) throws -> LabeledData {
        let x = try read(features, name: featuresName), y = try read(labels, name: labelsName)
        guard x.shape.count == 2 else { throw BackpropError("\(featuresName): shape \(x.shape); expected 2 dimensions (examples, features)") }
        guard y.shape.count == 1 || (y.shape.count == 2 && y.shape[1] == 1) else {
            throw BackpropError("\(labelsName): shape \(y.shape); expected 1 dimension (one label per example)")
        }
        guard y.shape[0] == x.shape[0] else {
            throw BackpropError("\(featuresName) has \(x.shape[0]) examples but \(labelsName) has \(y.shape[0]) labels")
        }
        if let bad = x.values.firstIndex(where: { !$0.isFinite }) {
            throw BackpropError("\(featuresName): element \(bad) (row \(bad / x.shape[1]), column \(bad % x.shape[1])) is \(x.values[bad]); every feature must be finite")
        }
        if let bad = y.values.firstIndex(where: { !$0.isFinite || $0 < 0 || $0 != $0.rounded() || $0 > 1e9 }) {
            throw BackpropError("\(labelsName): element \(bad) is \(y.values[bad]); labels must be non-negative whole numbers")
        }
        return try LabeledData(features: Matrix(rows: x.shape[0], columns: x.shape[1], elements: x.values),
                               labels: y.values.map { Int($0) })
    }

    /// The text after `'key':` up to the next top-level comma (or the closing brace).
    static func value(of key: String, in header: String) -> String? {
        guard let range = header.range(of: "'\(key)':") else { return nil }
        var depth = 0
        var result = ""
        for character in header[range.upperBound...] {
            if character == "(" { depth += 1 }
            if character == ")" { depth -= 1 }
            if depth == 0 && (character == "," || character == "}") { break }
            result.append(character)
        }
        let trimmed = result.trimmingCharacters(in: " ")
        return trimmed.isEmpty ? nil : trimmed
    }

    static func parseShape(_ text: String, name: String) throws -> [Int] {
        guard text.hasPrefix("("), text.hasSuffix(")") else { throw BackpropError("\(name): shape \(text) is not a tuple") }
        let inner = text.dropFirst().dropLast()
        let parts = inner.split(separator: ",").map { $0.trimmingCharacters(in: " ") }.filter { !$0.isEmpty }
        return try parts.map { part in
            guard let size = Int(part), size >= 0 else { throw BackpropError("\(name): shape \(text) has '\(part)', not a size") }
            guard size <= 1 << 40 else { throw BackpropError("\(name): shape \(text) is too large") }
            return size
        }
    }

    static func littleEndian(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        var value: UInt64 = 0
        for (i, byte) in bytes.enumerated() { value |= UInt64(byte) << (8 * UInt64(i)) }
        return value
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var text = Substring(self)
        while let first = text.first, set.contains(first) { text = text.dropFirst() }
        while let last = text.last, set.contains(last) { text = text.dropLast() }
        return String(text)
    }
    fileprivate var trimmingQuotes: String {
        var text = Substring(self)
        while let first = text.first, first == "'" || first == "\"" { text = text.dropFirst() }
        while let last = text.last, last == "'" || last == "\"" { text = text.dropLast() }
        return String(text)
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: String) -> String { String(self).trimmingCharacters(in: set) }
}
