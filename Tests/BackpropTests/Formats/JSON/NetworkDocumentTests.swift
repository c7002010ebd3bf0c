import Foundation
import Testing
@testable import Backprop
import TestSupport

@Suite("Network JSON format")
struct NetworkDocumentTests {
    @Test("write then read gives the identical network and identical gradients", arguments: Precision.allCases)
    func roundTrip(_ precision: Precision) throws {
        switch precision {
        case .float: try roundTrip(Float.self)
        case .double: try roundTrip(Double.self)
        }
    }

    func roundTrip<T: BackpropScalar>(_: T.Type) throws {
        for output in OutputLayer.all {
            let network = try Network<T>(sizes: [7, 33, 3], hidden: .tanh, output: output, seed: 11)
            let data = try network.jsonData()
            let back = try Network<T>(jsonData: data)
            #expect(back == network)
            #expect(zip(back.layers, network.layers).allSatisfy {
                ElementwiseDifference($0.weights.elements, $1.weights.elements).isIdentical
            })
            let batch = Batch.synthetic(for: network, examples: 5, seed: 3)
            expectIdentical(try BatchEngine<T>().gradients(of: back, inputs: batch.inputs, targets: batch.targets),
                            try BatchEngine<T>().gradients(of: network, inputs: batch.inputs, targets: batch.targets),
                            "after a round trip")
        }
    }

    @Test("the documented example reads as NumPy would shape it")
    func documentedExample() throws {
        let text = """
        {"format": "backprop-network", "version": 1, "precision": "double",
         "sizes": [2, 3, 2], "hidden": "sigmoid", "output": "softmax", "loss": "cross-entropy",
         "layers": [{"weights": [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]], "biases": [0.1, 0.2, 0.3]},
                    {"weights": [[0.7, 0.8], [0.9, 1.0], [1.1, 1.2]], "biases": [0.4, 0.5]}]}
        """
        let network = try Network<Double>(jsonData: Data(text.utf8))
        #expect(network.layers[0].weights.shapeDescription == "[2, 3]")
        #expect(network.layers[0].weights[1, 2] == 0.6)
        #expect(network.output == .softmaxCrossEntropy)
        guard case .double = try AnyNetwork(jsonData: Data(text.utf8)) else {
            Issue.record("expected a double network")
            return
        }
        #expect(throws: BackpropError.self) { try Network<Float>(jsonData: Data(text.utf8)) }
    }

    struct Malformed: Sendable, CustomTestStringConvertible {
        var name: String
        var text: String
        var message: String
        var testDescription: String { name }
    }

    static let valid = #"{"format": "backprop-network", "version": 1, "precision": "double", "sizes": [1, 2], "hidden": "relu", "output": "softmax", "loss": "cross-entropy", "layers": [{"weights": [[0.5, 0.25]], "biases": [0, 1]}]}"#

    static let malformed: [Malformed] = [
        Malformed(name: "empty", text: "", message: "line 1, column 1: the file is empty"),
        Malformed(name: "truncated", text: String(valid.prefix(60)), message: "line 1, column 59: unterminated string"),
        Malformed(name: "truncated after a value", text: String(valid.prefix(44)), message: "line 1, column 45: unexpected end of file; expected a key in double quotes"),
        Malformed(name: "duplicate key", text: valid.replacingOccurrences(of: #""version": 1"#, with: #""version": 1, "version": 2"#), message: "duplicate key \"version\""),
        Malformed(name: "missing key", text: valid.replacingOccurrences(of: #""hidden": "relu", "#, with: ""), message: "missing key \"hidden\""),
        Malformed(name: "unknown key", text: valid.replacingOccurrences(of: #""hidden""#, with: #""hiden""#), message: "unknown key \"hiden\""),
        Malformed(name: "string for a number", text: valid.replacingOccurrences(of: "0.25", with: "\"x\""), message: "layers[0].weights[0][1]: expected a number"),
        Malformed(name: "ragged weights", text: valid.replacingOccurrences(of: "[[0.5, 0.25]]", with: "[[0.5]]"), message: "layers[0].weights[0] has 1 numbers"),
        Malformed(name: "too few biases", text: valid.replacingOccurrences(of: "[0, 1]", with: "[0]"), message: "layers[0].biases has 1 numbers"),
        Malformed(name: "unknown activation", text: valid.replacingOccurrences(of: "relu", with: "swish"), message: "\"hidden\" is \"swish\""),
        Malformed(name: "bad pairing", text: valid.replacingOccurrences(of: "cross-entropy", with: "squared-error"), message: "softmax output with squared-error"),
        Malformed(name: "wrong format", text: valid.replacingOccurrences(of: "backprop-network", with: "keras"), message: "\"format\" is \"keras\""),
        Malformed(name: "trailing garbage", text: valid + " x", message: "after the end of the JSON value"),
        Malformed(name: "float out of range", text: valid.replacingOccurrences(of: "double", with: "float").replacingOccurrences(of: "0.25", with: "1e300"), message: "out of range for float"),
        Malformed(name: "deep nesting", text: String(repeating: "[", count: 100), message: "nested deeper than 64"),
        Malformed(name: "negative size", text: valid.replacingOccurrences(of: "[1, 2]", with: "[-1, 2]"), message: "h_0 is -1"),
    ]

    @Test("malformed files give one-line errors that name the place", arguments: malformed)
    func errors(_ bad: Malformed) {
        #expect {
            _ = try AnyNetwork(jsonData: Data(bad.text.utf8))
        } throws: { error in
            guard let error = error as? BackpropError else { return false }
            return error.message.contains(bad.message) && !error.message.contains("\n")
        }
    }
}
