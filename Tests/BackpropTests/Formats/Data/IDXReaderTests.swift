import Testing
@testable import Backprop

@Suite("MNIST IDX reader")
struct IDXReaderTests {
    /// A tiny IDX file, written here byte by byte: 3 images of 2×2 pixels, and their labels.
    static let images: [UInt8] = [0, 0, 8, 3, 0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 2] + [0, 255, 17, 4, 1, 2, 3, 4, 9, 9, 9, 9]
    static let labels: [UInt8] = [0, 0, 8, 1, 0, 0, 0, 3, 7, 0, 2]

    @Test("reads images row by row and their labels, value by value")
    func tiny() throws {
        let data = try IDXReader.read(images: Self.images, labels: Self.labels, imagesName: "img", labelsName: "lab")
        #expect(data.features == Matrix([[0, 255, 17, 4], [1, 2, 3, 4], [9, 9, 9, 9]]))
        #expect(data.labels == [7, 0, 2] && data.classCount == 8)
    }

    @Test("malformed files give the byte offset and what was expected", arguments: [
        ([UInt8]([0, 0]), "too short for an IDX header"),
        ([UInt8]([1, 0, 8, 3] + [UInt8](repeating: 0, count: 12)), "byte 0: magic number starts 01 00"),
        ([UInt8]([0, 0, 9, 3] + [UInt8](repeating: 0, count: 12)), "byte 2: data type 09, expected 08"),
        ([UInt8]([0, 0, 8, 2, 0, 0, 0, 1, 0, 0, 0, 1]), "byte 3: 2 dimensions, expected 3"),
        ([UInt8]([0, 0, 8, 3, 0, 0, 0, 1]), "the header alone needs 16"),
        ([UInt8]([0, 0, 8, 3, 0, 0, 0xEA, 0x60, 0, 0, 0, 28, 0, 0, 0, 28, 1, 2, 3]), "the header says 60000×28×28 = 47040000 bytes of data but the file has 3"),
        ([UInt8]([0, 0, 8, 3, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 2]), "dimension 0 is 0"),
        ([UInt8]([0, 0, 8, 3, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]), "the dimensions [4294967295, 4294967295, 4294967295] overflow"),
    ])
    func errors(_ bytes: [UInt8], _ message: String) {
        #expect {
            _ = try IDXReader.read(images: bytes, labels: Self.labels, imagesName: "img", labelsName: "lab")
        } throws: { ($0 as? BackpropError)?.message.contains(message) == true }
    }

    @Test("images and labels must agree in number")
    func counts() {
        let twoLabels: [UInt8] = [0, 0, 8, 1, 0, 0, 0, 2, 1, 0]
        #expect(throws: BackpropError("img has 3 images but lab has 2 labels")) {
            try IDXReader.read(images: Self.images, labels: twoLabels, imagesName: "img", labelsName: "lab")
        }
    }
}
