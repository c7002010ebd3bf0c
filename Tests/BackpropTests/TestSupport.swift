import Foundation
import Testing
@testable import Backprop

/// The two precisions, as a test argument.
extension Precision: CustomTestStringConvertible {
    public var testDescription: String { rawValue }
}

/// A network shape, its activations and a batch size: one case of an engine test.
struct NetworkCase: Sendable, CustomTestStringConvertible {
    var sizes: [Int]
    var hidden: Activation
    var output: OutputLayer
    var examples: Int
    var seed: UInt64 = 1

    var testDescription: String {
        "\(Network<Double>.describe(sizes)) \(hidden.rawValue) → \(output.name), m=\(examples), seed \(seed)"
    }

    func network<T: BackpropScalar>(_: T.Type) throws -> Network<T> {
        try Network<T>(sizes: sizes, hidden: hidden, output: output, initialization: .nielsen, seed: seed)
    }

    func batch<T: BackpropScalar>(for network: Network<T>) -> Batch<T> {
        Batch.synthetic(for: network, examples: examples, seed: seed &+ 1000)
    }
}

/// Expects two gradient sets to be bitwise identical, element by element (`==` and the same bits), naming the first
/// difference; the failure points at the caller.
func expectIdentical<T: BackpropScalar>(
    _ a: Gradients<T>, _ b: Gradients<T>, _ label: String, sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(a.loss.bits == b.loss.bits, "\(label): loss \(a.loss) vs \(b.loss)", sourceLocation: sourceLocation)
    #expect(a.layers.count == b.layers.count, "\(label): layer count", sourceLocation: sourceLocation)
    for (l, (x, y)) in zip(a.layers, b.layers).enumerated() {
        let w = ElementwiseDifference(x.weights.elements, y.weights.elements)
        #expect(w.isIdentical && x.weights.elements == y.weights.elements,
                "\(label): ∂W\(l + 1) differs in \(w.differing) of \(w.count), first at \(w.firstDifference ?? -1), up to \(w.maximumULPs) ULP",
                sourceLocation: sourceLocation)
        let bias = ElementwiseDifference(x.biases, y.biases)
        #expect(bias.isIdentical && x.biases == y.biases,
                "\(label): ∂b\(l + 1) differs in \(bias.differing) of \(bias.count), up to \(bias.maximumULPs) ULP",
                sourceLocation: sourceLocation)
    }
}

extension Tag {
    /// Tests that take more than a few seconds in a debug build.
    @Tag static var slow: Self
}

/// A scratch directory for a test's files.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("backprop-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
