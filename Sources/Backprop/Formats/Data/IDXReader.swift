/// Reads MNIST's IDX files (LeCun, Cortes and Burges): unsigned-byte images and labels.
///
/// An IDX file is a 4-byte magic number (0, 0, type 0x08 = unsigned byte, number of dimensions), the dimensions as
/// big-endian 32-bit integers, then the data. Images are `[count, rows, columns]`, labels `[count]`. Errors give
/// the byte offset and what was expected; a header promising more bytes than the file holds is refused before
/// anything is read.
public enum IDXReader {
    /// The dimensions and the data bytes of an unsigned-byte IDX file.
    public static func parse(_ bytes: [UInt8], expectingDimensions rank: Int, name: String) throws -> (dimensions: [Int], data: ArraySlice<UInt8>) {
        guard bytes.count >= 4 else {
            throw BackpropError("\(name): \(bytes.count) bytes is too short for an IDX header (byte 0: expected the magic number 00 00 08 0\(rank))")
        }
        guard bytes[0] == 0, bytes[1] == 0 else {
            throw BackpropError("\(name): byte 0: magic number starts \(hex(bytes[0])) \(hex(bytes[1])), expected 00 00 (not an IDX file)")
        }
        guard bytes[2] == 0x08 else {
            throw BackpropError("\(name): byte 2: data type \(hex(bytes[2])), expected 08 (unsigned bytes)")
        }
        guard Int(bytes[3]) == rank else {
            throw BackpropError("\(name): byte 3: \(bytes[3]) dimensions, expected \(rank)")
        }
        let headerSize = 4 + 4 * rank
        guard bytes.count >= headerSize else {
            throw BackpropError("\(name): \(bytes.count) bytes, but the header alone needs \(headerSize)")
        }
        var dimensions: [Int] = []
        for d in 0..<rank {
            let o = 4 + 4 * d
            dimensions.append(Int(bytes[o]) << 24 | Int(bytes[o + 1]) << 16 | Int(bytes[o + 2]) << 8 | Int(bytes[o + 3]))
        }
        var expected = 1
        for (d, size) in dimensions.enumerated() {
            guard size >= 1 else { throw BackpropError("\(name): byte \(4 + 4 * d): dimension \(d) is 0") }
            let (product, overflow) = expected.multipliedReportingOverflow(by: size)
            guard !overflow else { throw BackpropError("\(name): the dimensions \(dimensions) overflow") }
            expected = product
        }
        let available = bytes.count - headerSize
        guard available == expected else {
            throw BackpropError("\(name): the header says \(dimensions.map(String.init).joined(separator: "×")) = \(expected) bytes of data but the file has \(available) after the \(headerSize)-byte header")
        }
        return (dimensions, bytes[headerSize...])
    }

    /// Images and labels of one MNIST split: pixels 0…255 become features 0…255 (normalised later), each image a row.
    public static func read(images: [UInt8], labels: [UInt8], imagesName: String, labelsName: String) throws -> LabeledData {
        let (imageDimensions, pixels) = try parse(images, expectingDimensions: 3, name: imagesName)
        let (labelDimensions, labelBytes) = try parse(labels, expectingDimensions: 1, name: labelsName)
        guard imageDimensions[0] == labelDimensions[0] else {
            throw BackpropError("\(imagesName) has \(imageDimensions[0]) images but \(labelsName) has \(labelDimensions[0]) labels")
        }
        let count = imageDimensions[0], size = imageDimensions[1] * imageDimensions[2]
        let features = Matrix<Double>(rows: count, columns: size, elements: pixels.map { Double($0) })
        return try LabeledData(features: features, labels: labelBytes.map { Int($0) }, classCount: max(2, Int(labelBytes.max() ?? 0) + 1))
    }

    static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 15)]])
    }
}
