import Foundation

/// Images and their labels as IDX files hold them (MNIST, Fashion-MNIST): unsigned bytes, one image after another,
/// each `pixelsPerImage` pixels row by row (0 the background), and one label byte per image.
///
/// Kept as bytes until the network's precision is known: the training set is then made in that precision directly
/// (`TrainingSet(images:normalization:classes:)`), with no copy in Double on the way.
public struct ImageSet: Sendable {
    public var count: Int
    public var pixelsPerImage: Int
    /// `count × pixelsPerImage` bytes.
    public var pixels: ArraySlice<UInt8>
    /// `count` labels.
    public var labels: ArraySlice<UInt8>

    /// The images at `range`, in order (no copy).
    /// - Precondition: `range` lies within 0..<count.
    public func images(_ range: Range<Int>) -> ImageSet {
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "images \(range) of \(count)")
        var part = self
        part.count = range.count
        part.pixels = pixels.dropFirst(range.lowerBound * pixelsPerImage).prefix(range.count * pixelsPerImage)
        part.labels = labels.dropFirst(range.lowerBound).prefix(range.count)
        return part
    }

    /// The scaling of image inputs to [0, 1]: x′ = (x − 0) / 255, as a saved network records it.
    public static func unitScaling(pixels: Int) -> Normalization {
        Normalization(mean: [Double](repeating: 0, count: pixels), scale: [Double](repeating: 255, count: pixels))
    }

    /// Standardisation from these images: z-scores per pixel (a constant pixel gets scale 1). The sums are of
    /// bytes, so they are exact in integers, and the mean and the variance are each rounded once.
    public func standardization() -> Normalization {
        let n = pixelsPerImage
        var sums = [UInt64](repeating: 0, count: n), squares = [UInt64](repeating: 0, count: n)
        pixels.withUnsafeBufferPointer { bytes in
            sums.withUnsafeMutableBufferPointer { sum in
                squares.withUnsafeMutableBufferPointer { square in
                    // Images in blocks whose sums fit 32 bits (255² · 16,384 < 2³²), added to the totals after each.
                    var blockSum = [UInt32](repeating: 0, count: n), blockSquare = [UInt32](repeating: 0, count: n)
                    var start = 0
                    while start < count {
                        let end = min(count, start + 16_384)
                        for j in 0..<n { blockSum[j] = 0; blockSquare[j] = 0 }
                        for i in start..<end {
                            let row = bytes.baseAddress! + i * n
                            for j in 0..<n {
                                let x = UInt32(row[j])
                                blockSum[j] &+= x
                                blockSquare[j] &+= x &* x
                            }
                        }
                        for j in 0..<n {
                            sum[j] += UInt64(blockSum[j])
                            square[j] += UInt64(blockSquare[j])
                        }
                        start = end
                    }
                }
            }
        }
        let m = UInt64(count)
        let mean = sums.map { Double($0) / Double(count) }
        // m²·variance = m·Σx² − (Σx)², exact in integers.
        let scale = (0..<n).map { j -> Double in
            let spread = m * squares[j] - sums[j] * sums[j]
            return spread > 0 ? (Double(spread) / Double(m * m)).squareRoot() : 1
        }
        return Normalization(mean: mean, scale: scale)
    }

    /// An image set from the bytes of its images file and its labels file.
    /// - Throws: `BackpropError` naming the file and the byte, if either is not a valid IDX file or they disagree.
    public init(images: [UInt8], labels: [UInt8], imagesName: String, labelsName: String) throws {
        let (imageDimensions, pixels) = try IDXReader.parse(images, expectingDimensions: 3, name: imagesName)
        let (labelDimensions, labelBytes) = try IDXReader.parse(labels, expectingDimensions: 1, name: labelsName)
        guard imageDimensions[0] == labelDimensions[0] else {
            throw BackpropError("\(imagesName) has \(imageDimensions[0]) images but \(labelsName) has \(labelDimensions[0]) labels")
        }
        count = imageDimensions[0]
        pixelsPerImage = imageDimensions[1] * imageDimensions[2]
        self.pixels = pixels
        self.labels = labelBytes
    }

    /// The classes the labels name: one more than the largest label (at least 2).
    public var classCount: Int { max(2, Int(labels.max() ?? 0) + 1) }

    /// The images as a data set of Double features 0…255 (for `evaluate`, which applies a saved normalisation).
    public func labeledData(classCount classes: Int? = nil) throws -> LabeledData {
        try LabeledData(features: Matrix(rows: count, columns: pixelsPerImage, elements: pixels.map { Double($0) }),
                        labels: labels.map { Int($0) }, classCount: classes ?? classCount)
    }
}

extension TrainingSet {
    /// The images in precision `Scalar`, pixel j of each as (x − meanⱼ) / scaleⱼ (the operations of
    /// `Normalization.apply` on the same values as Double features), with one-hot targets over `classes` outputs.
    /// - Precondition: every label is below `classes`; the normalisation has one mean and scale per pixel.
    @inlinable
    public init(images: ImageSet, normalization: Normalization, classes: Int) {
        let n = images.pixelsPerImage
        precondition(normalization.mean.count == n, "a normalisation of \(normalization.mean.count) features for \(n) pixels")
        // Written once, straight into uninitialised storage (a zero-filled matrix would touch its memory twice), the
        // images shared out between the machine's cores.
        let elements = [Scalar](unsafeUninitializedCapacity: images.count * n) { out, initialized in
            let parts = min(max(1, ProcessInfo.processInfo.activeProcessorCount), max(1, images.count / 1024))
            let output = UnsafeSendable(out.baseAddress!)
            images.pixels.withUnsafeBufferPointer { bytes in
                let input = UnsafeSendable(bytes.baseAddress!)
                normalization.mean.withUnsafeBufferPointer { mean in
                    normalization.scale.withUnsafeBufferPointer { scale in
                        let (means, scales) = (UnsafeSendable(mean.baseAddress!), UnsafeSendable(scale.baseAddress!))
                        DispatchQueue.concurrentPerform(iterations: parts) { part in
                            let (mean, scale) = (means.value, scales.value)
                            for i in images.count * part / parts..<images.count * (part + 1) / parts {
                                let row = input.value + i * n, target = output.value + i * n
                                for j in 0..<n { (target + j).initialize(to: Scalar((Double(row[j]) - mean[j]) / scale[j])) }
                            }
                        }
                    }
                }
            }
            initialized = images.count * n
        }
        let inputs = Matrix(rows: images.count, columns: n, elements: elements)
        var targets = Matrix<Scalar>(rows: images.count, columns: classes)
        var labels = [Int](repeating: 0, count: images.count)
        for (i, label) in images.labels.enumerated() {
            precondition(Int(label) < classes, "label \(label) of image \(i) is not below \(classes)")
            labels[i] = Int(label)
            targets.elements[i * classes + Int(label)] = 1
        }
        self.init(inputs: inputs, targets: targets, labels: labels)
    }
}

/// A pointer handed to the threads of `DispatchQueue.concurrentPerform`, each of which works on its own part.
@usableFromInline
struct UnsafeSendable<Pointer>: @unchecked Sendable {
    @usableFromInline let value: Pointer
    @inlinable init(_ value: Pointer) { self.value = value }
}
