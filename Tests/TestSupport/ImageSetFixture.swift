import Backprop
import Foundation

/// Small image sets in the four-file IDX layout of MNIST and Fashion-MNIST, written as they are distributed.
public enum ImageSetFixture {
    /// IDX bytes: images (count × rows × columns) or labels (count).
    public static func idx(images: [[UInt8]]?, labels: [UInt8]?, side: Int) -> [UInt8] {
        func be(_ value: Int) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * (3 - $0))) } }
        if let images { return [0, 0, 8, 3] + be(images.count) + be(side) + be(side) + images.flatMap { $0 } }
        return [0, 0, 8, 1] + be(labels!.count) + labels!
    }

    /// Images whose class c lights up row c (and a seeded speckle), so that a network can learn them.
    public static func images(_ count: Int, side: Int, classes: Int, seed: UInt64) -> (images: [[UInt8]], labels: [UInt8]) {
        var generator = SplitMix64(seed: seed)
        var images: [[UInt8]] = [], labels: [UInt8] = []
        for _ in 0..<count {
            let label = Int(generator.next() % UInt64(classes))
            var image = (0..<side * side).map { _ in UInt8(generator.next() % 40) }
            for j in 0..<side { image[(label * side / classes) * side + j] = 200 + UInt8(generator.next() % 56) }
            images.append(image)
            labels.append(UInt8(label))
        }
        return (images, labels)
    }

    /// Writes the four files into `folder`, gzip-compressed (stored blocks) when `compressed`.
    public static func write(to folder: URL, train: Int, test: Int, side: Int = 28, classes: Int = 10, compressed: Bool) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let (trainImages, trainLabels) = images(train, side: side, classes: classes, seed: 1)
        let (testImages, testLabels) = images(test, side: side, classes: classes, seed: 2)
        let contents = [idx(images: trainImages, labels: nil, side: side), idx(images: nil, labels: trainLabels, side: side),
                        idx(images: testImages, labels: nil, side: side), idx(images: nil, labels: testLabels, side: side)]
        for (name, bytes) in zip(NamedDataset.files, contents) {
            let url = folder.appendingPathComponent(compressed ? name + ".gz" : name)
            try Data(compressed ? GzipFixture.stored(bytes) : bytes).write(to: url)
        }
    }
}
