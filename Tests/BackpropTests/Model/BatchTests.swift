import Testing
@testable import Backprop

@Suite("Synthetic batches")
struct BatchTests {
    @Test("targets fit the output: one-hot for classification, real values for regression", arguments: OutputLayer.all)
    func targets(_ output: OutputLayer) throws {
        let network = try Network<Double>(sizes: [4, 3], hidden: .sigmoid, output: output, seed: 1)
        let batch = Batch.synthetic(for: network, examples: 50, seed: 2)
        #expect(batch.inputs.elements.allSatisfy { $0 >= -1 && $0 < 1 })
        if output.loss == .crossEntropy {
            for i in 0..<50 { #expect(batch.targets.row(i).filter { $0 == 1 }.count == 1 && batch.targets.row(i).reduce(0, +) == 1) }
        } else {
            #expect(Set(batch.targets.elements).count > 100)
        }
        #expect(batch == Batch.synthetic(for: network, examples: 50, seed: 2))
    }
}
