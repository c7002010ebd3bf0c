import Foundation
import Testing
@testable import Backprop
import TestSupport

@Suite("Named data sets: MNIST and Fashion-MNIST as downloaded")
struct NamedDatasetTests {
    @Test("the search path: $BACKPROP_DATA/NAME, $BACKPROP_DATA, the cache, then Debian's folder")
    func searchPath() {
        let environment = ["BACKPROP_DATA": "/data", "HOME": "/home/s"]
        #expect(NamedDataset.fashionMNIST.searchPath(environment: environment)
                == ["/data/fashion-mnist", "/data", "/home/s/.cache/backprop/fashion-mnist", "/usr/share/datasets/fashion-mnist"])
        #expect(NamedDataset.mnist.searchPath(environment: ["HOME": "/home/s", "XDG_CACHE_HOME": "/c"]) == ["/c/backprop/mnist"])
    }

    @Test("found where the environment points, compressed or not, and read the same", arguments: [false, true])
    func located(compressed: Bool) throws {
        let root = try temporaryDirectory()
        try ImageSetFixture.write(to: root.appendingPathComponent("mnist"), train: 30, test: 7, compressed: compressed)
        let folder = try NamedDataset.mnist.locate(nil, environment: ["BACKPROP_DATA": root.path, "HOME": root.path])
        #expect(folder == root.appendingPathComponent("mnist").path)
        let (train, test) = try NamedDataset.load(from: folder)
        #expect(train.count == 30 && test.count == 7 && train.pixelsPerImage == 784)
        let expected = ImageSetFixture.images(30, side: 28, classes: 10, seed: 1)
        #expect(Array(train.pixels) == expected.images.flatMap { $0 } && Array(train.labels) == expected.labels)
    }

    @Test("missing: one line that says where it looked and how to get the files", arguments: NamedDataset.allCases)
    func missing(_ dataset: NamedDataset) throws {
        let empty = try temporaryDirectory()
        let environment = ["HOME": empty.path, "BACKPROP_DATA": empty.path]
        // Without the system's folder, which may hold the files on this machine.
        let path = dataset.searchPath(environment: environment).filter { $0.hasPrefix(empty.path) }
        let error = try #require(throws: BackpropError.self) {
            try dataset.locate(nil, environment: environment, path: path)
        }
        let text = error.description
        #expect(!text.contains("\n"))
        #expect(text.contains("--data \(dataset.rawValue): the data set is not in \(empty.path)/\(dataset.rawValue), \(empty.path)"))
        #expect(text.contains(dataset.downloadURL) && text.contains("train-images-idx3-ubyte.gz"))
        #expect(text.contains(".cache/backprop/\(dataset.rawValue)"))
        #expect(text.contains("sudo apt-get install dataset-fashion-mnist") == (dataset == .fashionMNIST))
    }

    @Test("standardisation from the bytes equals the one from Double features, and the conversion applies it")
    func standardization() throws {
        let (images, labels) = ImageSetFixture.images(50, side: 6, classes: 3, seed: 9)
        let set = try ImageSet(images: ImageSetFixture.idx(images: images, labels: nil, side: 6),
                               labels: ImageSetFixture.idx(images: nil, labels: labels, side: 6), imagesName: "i", labelsName: "l")
        let reference = try Normalization(standardizing: set.labeledData(classCount: 3))
        let exact = set.standardization()
        for j in 0..<36 {
            #expect(abs(exact.mean[j] - reference.mean[j]) <= 1e-12 * max(1, abs(reference.mean[j])))
            #expect(abs(exact.scale[j] / reference.scale[j] - 1) <= 1e-12)
        }
        for precision in [Float.self as any BackpropScalar.Type, Double.self] {
            func check<T: BackpropScalar>(_: T.Type) throws {
                let converted = TrainingSet<T>(images: set, normalization: exact, classes: 3)
                let viaDouble = exact.apply(try set.labeledData(classCount: 3).features, as: T.self)
                #expect(converted.inputs.elements == viaDouble.elements)
                #expect(converted.count == 50)
            }
            try check(precision)
        }
    }
}
