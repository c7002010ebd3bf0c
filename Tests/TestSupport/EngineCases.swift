import Foundation
import Testing
import Backprop

/// The two precisions, as a test argument.
extension Precision: CustomTestStringConvertible {
    public var testDescription: String { rawValue }
}

/// A network shape, its activations and a batch size: one case of an engine test.
public struct NetworkCase: Sendable, CustomTestStringConvertible {
    public var sizes: [Int]
    public var hidden: Activation
    public var output: OutputLayer
    public var examples: Int
    public var seed: UInt64 = 1

    public init(sizes: [Int], hidden: Activation, output: OutputLayer, examples: Int, seed: UInt64 = 1) {
        self.sizes = sizes
        self.hidden = hidden
        self.output = output
        self.examples = examples
        self.seed = seed
    }

    public var testDescription: String {
        "\(Network<Double>.describe(sizes)) \(hidden.rawValue) → \(output.name), m=\(examples), seed \(seed)"
    }

    public func network<T: BackpropScalar>(_: T.Type) throws -> Network<T> {
        try Network<T>(sizes: sizes, hidden: hidden, output: output, initialization: .nielsen, seed: seed)
    }

    public func batch<T: BackpropScalar>(for network: Network<T>) -> Batch<T> {
        Batch.synthetic(for: network, examples: examples, seed: seed &+ 1000)
    }
}

/// Expects two gradient sets to be bitwise identical, element by element (`==` and the same bits), naming the first
/// difference; the failure points at the caller.
public func expectIdentical<T: BackpropScalar>(
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
    @Tag public static var slow: Self
}

/// The one folder of a test process's scratch files, removed when the process exits.
private let scratchRoot: URL = {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("backprop-tests-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    atexit { try? FileManager.default.removeItem(at: scratchRoot) }
    return url
}()

/// A scratch directory for a test's files, inside the process's scratch folder (removed at exit).
public func temporaryDirectory() throws -> URL {
    let url = scratchRoot.appendingPathComponent(UUID().uuidString)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
