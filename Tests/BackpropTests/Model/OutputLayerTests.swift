import Foundation
import Testing
@testable import Backprop

@Suite("Output layer: activations, errors and losses")
struct OutputLayerTests {
    func run(_ output: OutputLayer, z: [Double], y: [Double]) -> (a: [Double], delta: [Double], loss: Double) {
        var a = [Double](repeating: 0, count: z.count), d = a
        output.activate(z, into: &a, count: z.count)
        output.outputError(activation: a, target: y, into: &d, count: z.count)
        return (a, d, output.exampleLoss(logits: z, activation: a, target: y, count: z.count))
    }

    @Test("softmax + cross-entropy matches the textbook formulas")
    func softmax() {
        let (a, d, loss) = run(.softmaxCrossEntropy, z: [1, 2, 3], y: [0, 0, 1])
        let e = [1.0, 2, 3].map { Foundation.exp($0) }, s = e.reduce(0, +)
        for j in 0..<3 { #expect(abs(a[j] - e[j] / s) < 1e-15) }
        #expect(abs(loss - -Foundation.log(e[2] / s)) < 1e-15)
        #expect(d == [a[0], a[1], a[2] - 1])
    }

    @Test("sigmoid + cross-entropy matches −y ln a − (1 − y) ln(1 − a)")
    func sigmoidCrossEntropy() {
        let (a, _, loss) = run(.sigmoidCrossEntropy, z: [0.3, -1.2], y: [1, 0])
        let expected = -Foundation.log(a[0]) - Foundation.log(1 - a[1])
        #expect(abs(loss - expected) < 1e-14)
    }

    @Test("squared error is ½ Σ (a − y)², and sigmoid output multiplies δ by σ′")
    func squaredError() {
        let (_, d, loss) = run(.identitySquaredError, z: [1, -2], y: [0.5, 0])
        #expect(loss == 0.5 * (0.25 + 4) && d == [0.5, -2])
        let (a, d2, _) = run(.sigmoidSquaredError, z: [0.4], y: [1])
        #expect(d2[0] == (a[0] - 1) * (a[0] * (1 - a[0])))
    }

    @Test("no NaN or ∞ at z = ±1000", arguments: OutputLayer.all)
    func stability(_ output: OutputLayer) {
        let (a, d, loss) = run(output, z: [1000, -1000, 0], y: [0, 1, 0])
        #expect(a.allSatisfy(\.isFinite) && d.allSatisfy(\.isFinite) && loss.isFinite)
        if output.loss == .crossEntropy { #expect(abs(loss - 2000) < 1e-9 || abs(loss - 2000 - Foundation.log(2)) < 2) }
    }
}
