import Testing
@testable import Backprop
import TestSupport

/// The design contract: the readable forms (`OneExample`, `MatrixForm`) are the specification, and LoopEngine and
/// BatchEngine perform the same floating-point operations in the same order for every gradient element, so all four
/// give gradients and losses equal to the last bit (docs/bitwise-identity.md).
@Suite("The readable forms and both engines are bitwise identical")
struct EngineEquivalenceTests {
    /// Every hidden activation with every output pairing.
    static let pairings: [NetworkCase] = Activation.allCases.flatMap { hidden in
        OutputLayer.all.map { NetworkCase(sizes: [7, 33, 3], hidden: hidden, output: $0, examples: 33) }
    }

    /// Depths 1 to 4 with awkward widths.
    static let depths: [NetworkCase] = [
        NetworkCase(sizes: [5, 3], hidden: .sigmoid, output: .softmaxCrossEntropy, examples: 7),
        NetworkCase(sizes: [1, 1], hidden: .tanh, output: .identitySquaredError, examples: 1),
        NetworkCase(sizes: [3, 7, 2], hidden: .tanh, output: .sigmoidCrossEntropy, examples: 3),
        NetworkCase(sizes: [7, 3, 33, 4], hidden: .relu, output: .softmaxCrossEntropy, examples: 7),
        NetworkCase(sizes: [1, 7, 3, 7, 3], hidden: .sigmoid, output: .sigmoidSquaredError, examples: 33),
        NetworkCase(sizes: [33, 1, 7, 1, 2], hidden: .identity, output: .identitySquaredError, examples: 3),
    ]

    /// Hidden widths × batch sizes 1, 3, 7, 33, 257 (none a multiple of a SIMD width), and wide inputs; and
    /// Nielsen's 784-100-10 at small batches: a weight gradient of at most 8 examples over 100 columns is a short
    /// sum whose row spans more than one block of eight vectors (this once trapped, for any width of more than
    /// eight full vectors that is not a multiple of eight of them: 100 or 200 units, not 257 in Float or Double).
    static let widths: [NetworkCase] = [1, 3, 7, 33, 257].flatMap { width in
        [1, 3, 7, 33, 257].map { m in
            NetworkCase(sizes: [7, width, 3], hidden: .sigmoid, output: .softmaxCrossEntropy, examples: m)
        }
    } + [NetworkCase(sizes: [257, 7, 33], hidden: .tanh, output: .sigmoidCrossEntropy, examples: 33)]
      + [2, 4, 8].map { NetworkCase(sizes: [784, 100, 10], hidden: .sigmoid, output: .sigmoidCrossEntropy, examples: $0) }

    /// Random shapes, activations, pairings and batch sizes, from seeds.
    static let random: [NetworkCase] = (UInt64(1)...12).map { seed in
        var g = SplitMix64(seed: seed)
        let depth = 1 + g.nextInt(below: 4)
        let sizes = (0...depth).map { _ in 1 + g.nextInt(below: 40) }
        let output = OutputLayer.all[g.nextInt(below: 4)]
        let fixed = output.activation == .softmax ? sizes.dropLast() + [max(2, sizes.last!)] : sizes
        return NetworkCase(sizes: Array(fixed), hidden: Activation.allCases[g.nextInt(below: 4)], output: output,
                           examples: 1 + g.nextInt(below: 60), seed: seed)
    }

    /// Every activation and output pairing, depths 1 to 4, awkward widths and batch sizes, and random networks from
    /// seeds (each case named by its network and batch).
    @Test("both engines and the readable forms agree bit for bit", arguments: pairings + depths + widths + random, Precision.allCases)
    func agree(_ testCase: NetworkCase, _ precision: Precision) throws {
        try compare(testCase, precision)
    }

    @Test("two threads give the same bits as one", arguments: widths.filter { $0.examples >= 33 }, Precision.allCases)
    func threads(_ testCase: NetworkCase, _ precision: Precision) throws {
        try compare(testCase, precision, threads: 2)
    }

    /// Batches large enough to run as tasks (`BatchEngine.Schedule`): at least `rowSplitMinimumRows` examples per
    /// thread, a last row chunk that is not a whole register tile (m = 301, 146, 200), K of 1 to 9 and more than one
    /// K-block (257 and 300 inputs) in the packed weights, every hidden activation.
    static let rowSplit: [NetworkCase] = [
        NetworkCase(sizes: [300, 65, 33, 10], hidden: .tanh, output: .softmaxCrossEntropy, examples: 301),
        NetworkCase(sizes: [257, 7, 33], hidden: .sigmoid, output: .sigmoidCrossEntropy, examples: 146),
        NetworkCase(sizes: [33, 8, 9, 3], hidden: .relu, output: .identitySquaredError, examples: 150),
        NetworkCase(sizes: [20, 40, 1], hidden: .identity, output: .sigmoidSquaredError, examples: 200, seed: 5),
    ]

    @Test("2 and 3 threads splitting the examples give the same bits as the loop engine",
          arguments: rowSplit, [2, 3])
    func rowSplitThreads(_ testCase: NetworkCase, _ threads: Int) throws {
        #expect(testCase.examples >= threads * BatchEngine<Double>.rowSplitMinimumRows,  // one share per thread
                "the case must take the row-split path")
        try compare(testCase, Float.self, threads: threads)
        try compare(testCase, Double.self, threads: threads)
    }

    @Test("one threaded engine, calls that alternate between the row split and the per-product split")
    func alternatingSplits() throws {
        let engine = BatchEngine<Float>(threads: 2), loop = LoopEngine<Float>()
        let small = BatchEngine<Float>.rowSplitMinimumRows * 2 - 1
        var gradients = Gradients<Float>(loss: 0, layers: [])
        for (index, testCase) in (Self.rowSplit + Self.rowSplit).enumerated() {
            var alternated = testCase
            if index % 2 == 1 { alternated.examples = small }  // below the row split: each product split
            let network = try alternated.network(Float.self)
            let batch = alternated.batch(for: network)
            try engine.computeGradients(of: network, inputs: batch.inputs, targets: batch.targets, into: &gradients)
            let expected = try loop.gradients(of: network, inputs: batch.inputs, targets: batch.targets)
            expectIdentical(gradients, expected, "call \(index), \(alternated.testDescription)")
        }
    }

    @Test("the row chunks cover the batch in order, in whole register tiles, shrinking towards the end",
          arguments: [1, 2, 3, 4, 7], [1, 7, 96, 97, 257, 1024])
    func rowChunks(_ parts: Int, _ m: Int) {
        typealias Pass = BatchEngine<Double>
        let mr = GEMMBlocking<Double>.mr, minimum = Pass.minimumChunkRows
        let count = Pass.chunkCount(examples: m, parts: parts)
        let chunks = (0..<count).map { Pass.rows(chunk: $0, examples: m, parts: parts) }
        #expect(chunks.first?.lowerBound == 0)
        #expect(chunks.last?.upperBound == m)
        for (a, b) in zip(chunks, chunks.dropFirst()) {
            #expect(a.upperBound == b.lowerBound)
            #expect(a.count % mr == 0 && a.count >= minimum, "a chunk of \(a.count) rows before the last")
            // No chunk is larger than an earlier one, but for the last, which may take a few rows more.
            #expect(b.count <= a.count || b == chunks.last, "chunk sizes \(chunks.map(\.count))")
        }
        #expect(chunks.last!.count < minimum + mr, "the last chunk has \(chunks.last!.count) rows")
        // Never more than half of an equal share at once, so that every thread gets several chunks.
        #expect(chunks.allSatisfy { $0.count <= max(m / (2 * parts), minimum + mr - 1) }, "\(chunks.map(\.count))")
        // The AVX2 tile's chunks (MR = 6); the AVX-512 tile's are [64, 48, 32, 32, 32, 32, 17].
        if m == 257 && parts == 2 && mr == 6 { #expect(chunks.map(\.count) == [60, 48, 36, 24, 24, 24, 24, 17]) }
    }

    @Test("the bias sums' column shares cover the layer in order, cut at whole vectors",
          arguments: [1, 2, 3], [1, 3, 10, 30, 33, 128, 257])
    func columnShares(_ parts: Int, _ width: Int) {
        func check<T: BackpropScalar>(_: T.Type) {
            let shares = (0..<parts).map {
                BatchEngine<T>.columns(part: $0, of: parts, width: width)
            }
            let lanes = T.Vector.scalarCount
            #expect(shares.first?.lowerBound == 0)
            #expect(shares.last?.upperBound == width)
            for (a, b) in zip(shares, shares.dropFirst()) {
                #expect(a.upperBound == b.lowerBound)
                #expect(a.upperBound % lanes == 0, "\(T.self): share ends at \(a.upperBound), inside a vector")
            }
            // No share is more than a vector short of an equal one.
            #expect(shares.allSatisfy { $0.count >= width / parts - lanes }, "\(T.self): \(shares)")
        }
        check(Float.self)
        check(Double.self)
    }

    @Test("a reused engine and gradients give the same bits as fresh ones")
    func reuse() throws {
        let engine = BatchEngine<Double>(), loop = LoopEngine<Double>()
        var reused = Gradients<Double>(loss: 0, layers: [])
        for testCase in Self.widths.prefix(6) + Self.depths {
            let network = try testCase.network(Double.self)
            let batch = testCase.batch(for: network)
            let fresh = try BatchEngine<Double>().gradients(of: network, inputs: batch.inputs, targets: batch.targets)
            try engine.computeGradients(of: network, inputs: batch.inputs, targets: batch.targets, into: &reused)
            expectIdentical(reused, fresh, "reused batch engine, \(testCase.testDescription)")
            try loop.computeGradients(of: network, inputs: batch.inputs, targets: batch.targets, into: &reused)
            expectIdentical(reused, fresh, "reused loop engine, \(testCase.testDescription)")
        }
    }

    func compare(_ testCase: NetworkCase, _ precision: Precision, threads: Int = 1) throws {
        switch precision {
        case .float: try compare(testCase, Float.self, threads: threads)
        case .double: try compare(testCase, Double.self, threads: threads)
        }
    }

    func compare<T: BackpropScalar>(_ testCase: NetworkCase, _: T.Type, threads: Int) throws {
        let network = try testCase.network(T.self)
        let batch = testCase.batch(for: network)
        let loop = try LoopEngine<T>().gradients(of: network, inputs: batch.inputs, targets: batch.targets)
        let matrix = try BatchEngine<T>(threads: threads)
            .gradients(of: network, inputs: batch.inputs, targets: batch.targets)
        #expect(loop.loss.isFinite)
        #expect(loop.flattened.allSatisfy { $0.isFinite })
        expectIdentical(loop, matrix, "loop vs batch(\(threads) threads)")
        // The readable forms, the specification, where they take less than a few milliseconds in a debug build.
        guard network.parameterCount * testCase.examples <= 200_000 else { return }
        let readable = MatrixForm.pass(network, inputs: batch.inputs, targets: batch.targets).gradients
        expectIdentical(readable, loop, "MatrixForm vs loop engine")
        let perExample = OneExample.gradients(of: network, inputs: batch.inputs, targets: batch.targets)
        expectIdentical(perExample, loop, "OneExample vs loop engine")
    }
}
