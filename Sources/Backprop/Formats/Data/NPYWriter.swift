import Foundation

/// Writes NumPy .npy arrays (format 1.0, little-endian, C order): what `NPYReader` reads, and what `np.load` reads.
public enum NPYWriter {
    /// The element types it writes.
    public enum DType: String, Sendable {
        case float64 = "<f8", float32 = "<f4", uint8 = "|u1", int64 = "<i8"
    }

    /// The bytes of a .npy file holding `values` (row-major) with `shape`.
    /// - Precondition: the shape's product is `values.count`; uint8 values are whole numbers in 0…255.
    public static func encode(_ values: [Double], shape: [Int], dtype: DType) -> [UInt8] {
        precondition(shape.reduce(1, *) == values.count, "shape \(shape) does not hold \(values.count) values")
        var bytes = header(dtype: dtype, shape: shape)
        func append<I: FixedWidthInteger>(_ value: I) {
            for i in 0..<MemoryLayout<I>.size { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * i))) }
        }
        for value in values {
            switch dtype {
            case .float64: append(value.bitPattern)
            case .float32: append(Float(value).bitPattern)
            case .uint8:
                precondition(value >= 0 && value <= 255 && value == value.rounded(), "\(value) is not a byte")
                bytes.append(UInt8(value))
            case .int64: append(Int64(value))
            }
        }
        return bytes
    }

    /// A .npy file of `values` (row-major, `shape`) in their own precision: float32 for Float, float64 for Double,
    /// the bytes copied as they are in memory (this library runs on little-endian machines only).
    public static func encode<T: BackpropScalar>(_ values: [T], shape: [Int]) -> Data {
        precondition(shape.reduce(1, *) == values.count, "shape \(shape) does not hold \(values.count) values")
        var data = Data(header(dtype: T.self == Float.self ? .float32 : .float64, shape: shape))
        values.withUnsafeBytes { data.append(contentsOf: $0) }
        return data
    }

    /// A .npy file of 64-bit integers (labels, indices).
    public static func encode(integers values: [Int], shape: [Int]) -> Data {
        precondition(shape.reduce(1, *) == values.count, "shape \(shape) does not hold \(values.count) values")
        var data = Data(header(dtype: .int64, shape: shape))
        values.map(Int64.init).withUnsafeBytes { data.append(contentsOf: $0) }
        return data
    }

    /// The magic, the version and the header dict, padded to a multiple of 64 bytes as NumPy writes it.
    static func header(dtype: DType, shape: [Int]) -> [UInt8] {
        let shapeText = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var text = "{'descr': '\(dtype.rawValue)', 'fortran_order': False, 'shape': \(shapeText), }"
        while (10 + text.utf8.count + 1) % 64 != 0 { text += " " }
        text += "\n"
        return [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, UInt8(text.utf8.count & 0xFF), UInt8(text.utf8.count >> 8)] + Array(text.utf8)
    }
}
