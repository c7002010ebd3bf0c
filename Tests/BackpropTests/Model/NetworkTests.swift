import Testing
@testable import Backprop

@Suite("Network description")
struct NetworkTests {
    struct Invalid: Sendable, CustomTestStringConvertible {
        var sizes: [Int]
        var output: OutputLayer
        var message: String
        var testDescription: String { "\(sizes) → \(message)" }
    }

    static let invalid: [Invalid] = [
        Invalid(sizes: [784], output: .softmaxCrossEntropy, message: "at least an input size and an output size"),
        Invalid(sizes: [], output: .softmaxCrossEntropy, message: "at least an input size and an output size"),
        Invalid(sizes: [3, 0, 2], output: .softmaxCrossEntropy, message: "h_1 is 0"),
        Invalid(sizes: [-1, 2], output: .sigmoidCrossEntropy, message: "h_0 is -1"),
        Invalid(sizes: [3, 1], output: .softmaxCrossEntropy, message: "softmax output needs at least 2 classes"),
    ]

    @Test("invalid sizes are refused with a message naming the problem", arguments: invalid)
    func invalidSizes(_ case: Invalid) {
        #expect {
            _ = try Network<Double>(sizes: `case`.sizes, hidden: .sigmoid, output: `case`.output, seed: 1)
        } throws: { error in
            (error as? BackpropError)?.message.contains(`case`.message) == true
        }
    }

    @Test("unsupported output pairings are refused")
    func pairings() throws {
        #expect(throws: BackpropError.self) { try OutputLayer(activation: .softmax, loss: .squaredError) }
        #expect(throws: BackpropError.self) { try OutputLayer(activation: .identity, loss: .crossEntropy) }
        #expect(try OutputLayer(activation: .sigmoid, loss: .squaredError) == .sigmoidSquaredError)
        #expect(OutputLayer.sigmoidSquaredError.errorRule == "δᴸ = (aᴸ − y) ∘ σ′(zᴸ)")
        #expect(OutputLayer.softmaxCrossEntropy.errorRule == "δᴸ = aᴸ − y")
    }

    @Test("parameters must match the sizes and be finite")
    func parameterShapes() {
        let good = LayerParameters<Double>(inputs: 3, outputs: 2)
        #expect(throws: BackpropError.self) {
            try Network(sizes: [3, 4], hidden: .relu, output: .identitySquaredError, layers: [good])
        }
        #expect(throws: BackpropError.self) {
            try Network(sizes: [3, 2, 2], hidden: .relu, output: .identitySquaredError, layers: [good])
        }
        var bad = good
        bad.biases[1] = .infinity
        #expect(throws: BackpropError.self) {
            try Network(sizes: [3, 2], hidden: .relu, output: .identitySquaredError, layers: [bad])
        }
    }

    @Test("initialisation is seeded and has the scheme's spread", arguments: Initialization.allCases)
    func initialization(_ scheme: Initialization) throws {
        let a = try Network<Double>(sizes: [400, 300, 10], hidden: .sigmoid, output: .softmaxCrossEntropy,
                                    initialization: scheme, seed: 42)
        let b = try Network<Double>(sizes: [400, 300, 10], hidden: .sigmoid, output: .softmaxCrossEntropy,
                                    initialization: scheme, seed: 42)
        let c = try Network<Double>(sizes: [400, 300, 10], hidden: .sigmoid, output: .softmaxCrossEntropy,
                                    initialization: scheme, seed: 43)
        #expect(a == b && a != c)
        let w = a.layers[0].weights.elements
        let variance = w.map { $0 * $0 }.reduce(0, +) / Double(w.count)
        let expected = scheme.weightStandardDeviation(fanIn: 400, fanOut: 300)
        #expect(abs(variance.squareRoot() / expected - 1) < 0.02)
        let biases = a.layers[0].biases
        if scheme == .nielsen || scheme == .large {
            // Both of Nielsen's schemes draw the biases from N(0, 1).
            let spread = (biases.map { $0 * $0 }.reduce(0, +) / Double(biases.count)).squareRoot()
            #expect(abs(spread - 1) < 0.15)
        } else {
            #expect(biases.allSatisfy { $0 == 0 })
        }
    }

    @Test("a Float network is the Double one rounded once")
    func conversion() throws {
        let d = try Network<Double>(sizes: [5, 4, 3], hidden: .tanh, output: .sigmoidCrossEntropy, seed: 2)
        let f = try Network<Float>(sizes: [5, 4, 3], hidden: .tanh, output: .sigmoidCrossEntropy, seed: 2)
        #expect(try d.converted(to: Float.self) == f)
        #expect(d.parameterCount == 5 * 4 + 4 + 4 * 3 + 3)
        #expect(d.sizeDescription == "5-4-3")
    }

    @Test("a batch must fit the network")
    func batchShapes() throws {
        let network = try Network<Double>(sizes: [3, 2], hidden: .relu, output: .identitySquaredError, seed: 1)
        #expect(throws: BackpropError.self) { try network.validate(inputs: Matrix(rows: 0, columns: 3), targets: Matrix(rows: 0, columns: 2)) }
        #expect(throws: BackpropError.self) { try network.validate(inputs: Matrix(rows: 2, columns: 4), targets: Matrix(rows: 2, columns: 2)) }
        #expect(throws: BackpropError.self) { try network.validate(inputs: Matrix(rows: 2, columns: 3), targets: Matrix(rows: 3, columns: 2)) }
        #expect(throws: BackpropError.self) { try network.validate(inputs: Matrix(rows: 2, columns: 3), targets: Matrix(rows: 2, columns: 1)) }
        #expect(throws: BackpropError.self) {
            try LoopEngine<Double>().gradients(of: network, inputs: Matrix(rows: 2, columns: 4), targets: Matrix(rows: 2, columns: 2))
        }
    }
}
