import Testing
@testable import Backprop
@testable import BackpropBenchmarks

@Suite("Flop count (the GFLOP/s formula)")
struct FlopCountTests {
    @Test("the flop count matches a hand count for 2-3-2")
    func flopCount() {
        // Forward 2·(2·3 + 3·2) = 24; output error 2 (a − y); hidden errors 2·(3·2) + 3·(1 + 2) = 21;
        // weight gradients 2·12 + 12 = 36; bias gradients (3 + 2) + (3 + 2) = 10. Total 93 for one example.
        let one = FlopCount(sizes: [2, 3, 2], examples: 1, hidden: .sigmoid, output: .softmaxCrossEntropy)
        #expect([one.forward, one.outputError, one.hiddenErrors, one.weightGradients, one.biasGradients] == [24, 2, 21, 36, 10])
        #expect(one.total == 93)
        // Three examples: the per-example terms triple, the per-batch 1/m scalings (12 + 5) do not.
        #expect(FlopCount(sizes: [2, 3, 2], examples: 3, hidden: .sigmoid, output: .softmaxCrossEntropy).total == 3 * (93 - 17) + 17)
        // relu's σ′ costs no flops; sigmoid + squared error's δᴸ costs 4 per output.
        let relu = FlopCount(sizes: [2, 3, 2], examples: 1, hidden: .relu, output: .sigmoidSquaredError)
        #expect(relu.hiddenErrors == 12 + 3 && relu.outputError == 8)
    }
}
