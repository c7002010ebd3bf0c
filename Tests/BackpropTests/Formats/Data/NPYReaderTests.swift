import Testing
@testable import Backprop

/// Writes .npy bytes as NumPy would (format 1.0, header padded to a multiple of 64).
func npy(descr: String, shape: [Int], data: [UInt8], version: UInt8 = 1, fortran: Bool = false) -> [UInt8] {
    let shapeText = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
    var header = "{'descr': '\(descr)', 'fortran_order': \(fortran ? "True" : "False"), 'shape': \(shapeText), }"
    let prefix = version == 1 ? 10 : 12
    while (prefix + header.utf8.count + 1) % 64 != 0 { header += " " }
    header += "\n"
    var bytes: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, version, 0]
    let length = header.utf8.count
    bytes += version == 1 ? [UInt8(length & 0xFF), UInt8(length >> 8)] : [UInt8(length & 0xFF), UInt8((length >> 8) & 0xFF), 0, 0]
    return bytes + Array(header.utf8) + data
}

func littleEndianBytes<T: FixedWidthInteger>(_ values: [T]) -> [UInt8] {
    values.flatMap { value in (0..<MemoryLayout<T>.size).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
}

@Suite("NumPy .npy reader")
struct NPYReaderTests {
    @Test("float64, float32 and uint8 arrays, compared value by value", arguments: ["<f8", "<f4", "|u1"])
    func dtypes(_ descr: String) throws {
        let values: [Double] = [0, 1, 2.5, 255, 7, 3]
        let data: [UInt8] = switch descr {
        case "<f8": littleEndianBytes(values.map(\.bitPattern))
        case "<f4": littleEndianBytes(values.map { Float($0).bitPattern })
        default: values.map { UInt8($0) == 2 ? 2 : UInt8($0) }
        }
        let array = try NPYReader.read(npy(descr: descr, shape: [2, 3], data: data), name: "x.npy")
        #expect(array.shape == [2, 3])
        #expect(array.values == (descr == "|u1" ? [0, 1, 2, 255, 7, 3] : values))
    }

    @Test("features and int64 labels make a data set; format version 2 reads too")
    func dataSet() throws {
        let x = npy(descr: "<f8", shape: [3, 2], data: littleEndianBytes([1.0, 2, 3, 4, 5, 6].map(\.bitPattern)), version: 2)
        let y = npy(descr: "<i8", shape: [3], data: littleEndianBytes([Int64(1), 0, 2]))
        let data = try NPYReader.read(features: x, labels: y, featuresName: "x.npy", labelsName: "y.npy")
        #expect(data.features == Matrix([[1, 2], [3, 4], [5, 6]]) && data.labels == [1, 0, 2])
    }

    @Test("malformed arrays are refused with the byte offset or the reason", arguments: [
        ([UInt8]([1, 2, 3]), "byte 0: expected the magic \\x93NUMPY"),
        (Array(npy(descr: "<f8", shape: [2], data: []).prefix(6)) + [1, 0, 0, 0], "byte 10: the header has no 'descr'"),
        ([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 9, 0, 0, 0], "byte 6: format version 9"),
        ([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, 0xFF, 0x7F], "the header length 32767 runs past the end"),
        (npy(descr: ">f8", shape: [1], data: [0, 0, 0, 0, 0, 0, 0, 0]), "dtype >f8 is not supported"),
        (npy(descr: "<f8", shape: [1], data: [0, 0, 0, 0, 0, 0, 0, 0], fortran: true), "Fortran order"),
        (npy(descr: "<f8", shape: [1000, 1000], data: [0, 0, 0, 0]), "needs 8000000 bytes of data but the file has 4"),
        (npy(descr: "<f8", shape: [-3], data: []), "shape (-3,) has '-3'"),
    ])
    func errors(_ bytes: [UInt8], _ message: String) {
        #expect {
            _ = try NPYReader.read(bytes, name: "x.npy")
        } throws: { ($0 as? BackpropError)?.message.contains(message) == true }
    }

    @Test("what NPYWriter writes reads back value by value", arguments: [NPYWriter.DType.float64, .float32, .uint8, .int64])
    func roundTrip(_ dtype: NPYWriter.DType) throws {
        let values: [Double] = [0, 1, 2, 250, 7, 3]
        let array = try NPYReader.read(NPYWriter.encode(values, shape: [3, 2], dtype: dtype), name: "x.npy")
        #expect(array.shape == [3, 2] && array.values == values)
    }

    @Test("NaN features and fractional labels are refused with their index")
    func values() {
        let x = npy(descr: "<f8", shape: [2, 1], data: littleEndianBytes([1.0, .nan].map(\.bitPattern)))
        let y = npy(descr: "<f8", shape: [2], data: littleEndianBytes([0.0, 1.5].map(\.bitPattern)))
        let good = npy(descr: "<f8", shape: [2, 1], data: littleEndianBytes([1.0, 2].map(\.bitPattern)))
        #expect { _ = try NPYReader.read(features: x, labels: y, featuresName: "x", labelsName: "y") } throws: {
            ($0 as? BackpropError)?.message.contains("x: element 1 (row 1, column 0) is nan") == true
        }
        #expect { _ = try NPYReader.read(features: good, labels: y, featuresName: "x", labelsName: "y") } throws: {
            ($0 as? BackpropError)?.message.contains("y: element 1 is 1.5") == true
        }
    }
}
