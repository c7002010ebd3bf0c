import Testing
@testable import Backprop
import TestSupport

/// The 2-3-2 network of docs/one-to-m-examples.md, with given weights and a batch of three examples. The expected
/// gradients were computed independently, with mpmath at 50 significant digits (script in the doc), so they owe
/// nothing to this library.
@Suite("Hand-checkable 2-3-2 fixture")
struct HandFixtureTests {
    static func network<T: BackpropScalar>(_: T.Type) throws -> Network<T> {
        try Network(sizes: [2, 3, 2], hidden: .sigmoid, output: .softmaxCrossEntropy, layers: [
            LayerParameters(weights: Matrix([[0.1, -0.2, 0.3], [0.4, 0.5, -0.6]]), biases: [0.1, 0.0, -0.1]),
            LayerParameters(weights: Matrix([[0.7, -0.8], [0.9, 0.1], [-0.3, 0.2]]), biases: [0.05, -0.05]),
        ])
    }
    static let inputs: [[Double]] = [[1.0, 2.0], [0.5, -1.0], [-1.5, 0.25]]
    static let targets: [[Double]] = [[1, 0], [0, 1], [1, 0]]

    static let loss = 0.51965769658478432
    static let weights1: [[Double]] = [[0.068777839823044382, 0.033353523039192279, -0.020119277217865086],
                                       [-0.12249616063211312, -0.063591056842808278, 0.038234089561057114]]
    static let biases1 = [0.037014262500546196, 0.016545336008075435, -0.011110748424770634]
    static let weights2: [[Double]] = [[0.017484474763944001, -0.017484474763944001],
                                       [-0.0060935841023166314, 0.0060935841023166314],
                                       [0.10615236268964288, -0.10615236268964288]]
    static let biases2 = [0.09029553317719253, -0.09029553317719253]

    @Test("both engines reproduce the independently computed gradients", arguments: Precision.allCases)
    func gradients(_ precision: Precision) throws {
        switch precision {
        case .double: try check(Double.self, tolerance: 1e-14)
        case .float: try check(Float.self, tolerance: 1e-6)
        }
    }

    func check<T: BackpropScalar>(_: T.Type, tolerance: Double) throws {
        let network = try Self.network(T.self)
        let x = Matrix<T>(Self.inputs.map { $0.map { T($0) } })
        let y = Matrix<T>(Self.targets.map { $0.map { T($0) } })
        let loop = try LoopEngine<T>().gradients(of: network, inputs: x, targets: y)
        let batch = try BatchEngine<T>().gradients(of: network, inputs: x, targets: y)
        expectIdentical(loop, batch, "2-3-2 fixture")
        func near(_ got: T, _ expected: Double, _ what: String) {
            #expect(abs(Double(got) - expected) <= tolerance * max(abs(expected), 0.01), "\(what): \(got) vs \(expected)")
        }
        near(loop.loss, Self.loss, "loss")
        for (i, row) in Self.weights1.enumerated() { for (j, v) in row.enumerated() { near(loop.layers[0].weights[i, j], v, "∂W1[\(i),\(j)]") } }
        for (j, v) in Self.biases1.enumerated() { near(loop.layers[0].biases[j], v, "∂b1[\(j)]") }
        for (i, row) in Self.weights2.enumerated() { for (j, v) in row.enumerated() { near(loop.layers[1].weights[i, j], v, "∂W2[\(i),\(j)]") } }
        for (j, v) in Self.biases2.enumerated() { near(loop.layers[1].biases[j], v, "∂b2[\(j)]") }
    }
}
