import Foundation
import Testing
@testable import Backprop
import TestSupport

/// Both engines against the independent oracle: five-point central differences of the mean loss in Double.
@Suite("Finite-difference oracle")
struct GradientCheckTests {
    static let smooth: [NetworkCase] = [Activation.sigmoid, .tanh, .identity].flatMap { hidden in
        OutputLayer.all.map { NetworkCase(sizes: [3, 5, 4, 2], hidden: hidden, output: $0, examples: 7) }
    } + [NetworkCase(sizes: [4, 3], hidden: .sigmoid, output: .softmaxCrossEntropy, examples: 5),
         NetworkCase(sizes: [2, 6, 3, 5, 3], hidden: .tanh, output: .sigmoidCrossEntropy, examples: 3)]

    static let relu: [NetworkCase] = OutputLayer.all.map {
        NetworkCase(sizes: [3, 6, 5, 2], hidden: .relu, output: $0, examples: 7, seed: 3)
    }

    /// Relative error bound for Double engines on smooth networks (the bar).
    static let bound = 1e-7

    @Test("every parameter of smooth networks agrees within 1e-7", arguments: smooth)
    func smoothNetworks(_ testCase: NetworkCase) throws {
        try checkEveryParameter(testCase)
    }

    @Test("relu networks agree within 1e-7 away from kinks", arguments: relu)
    func reluNetworks(_ testCase: NetworkCase) throws {
        let skipped = try checkEveryParameter(testCase)
        let total = try testCase.network(Double.self).parameterCount
        #expect(skipped < total / 4, "only a few entries should straddle a kink (\(skipped) of \(total))")
    }

    @discardableResult
    func checkEveryParameter(_ testCase: NetworkCase, sourceLocation: SourceLocation = #_sourceLocation) throws -> Int {
        let network = try testCase.network(Double.self)
        let batch = testCase.batch(for: network)
        var skipped = 0
        for engine in [LoopEngine<Double>() as any BackpropEngine<Double>, BatchEngine<Double>()] {
            let gradients = try engine.gradients(of: network, inputs: batch.inputs, targets: batch.targets)
            let report = try GradientCheck(entriesPerParameter: nil)
                .check(gradients, network: network, inputs: batch.inputs, targets: batch.targets)
            for (l, layer) in report.enumerated() {
                for (name, entries) in [("W", layer.weights), ("b", layer.biases)] {
                    #expect(entries.maximumRelativeError < Self.bound,
                            "\(engine.name): ∂\(name)\(l + 1) relative error \(entries.maximumRelativeError) at \(entries.worstIndex ?? -1): \(entries.worstAnalytic) vs \(entries.worstNumeric)",
                            sourceLocation: sourceLocation)
                    #expect(entries.checked + entries.skippedAtKinks > 0, sourceLocation: sourceLocation)
                }
                skipped += layer.weights.skippedAtKinks + layer.biases.skippedAtKinks
            }
            // The loss itself: the engines' mean loss equals the oracle's forward pass.
            let reference = try Self.meanLoss(network, inputs: batch.inputs, targets: batch.targets)
            #expect(abs(gradients.loss - reference) <= 1e-14 * max(1, abs(reference)), sourceLocation: sourceLocation)
        }
        return skipped / 2
    }

    @Test("a wrong gradient fails the check by orders of magnitude")
    func catchesAPlantedBug() throws {
        let testCase = NetworkCase(sizes: [3, 5, 2], hidden: .sigmoid, output: .softmaxCrossEntropy, examples: 7)
        let network = try testCase.network(Double.self)
        let batch = testCase.batch(for: network)
        var gradients = try BatchEngine<Double>().gradients(of: network, inputs: batch.inputs, targets: batch.targets)
        gradients.layers[0].weights.elements[4] *= 1.001  // one entry off by 0.1 %
        let report = try GradientCheck(entriesPerParameter: nil)
            .check(gradients, network: network, inputs: batch.inputs, targets: batch.targets)
        #expect(report[0].weights.maximumRelativeError > 1e-4)
        #expect(report[0].weights.worstIndex == 4)
        #expect(report[1].weights.maximumRelativeError < Self.bound)
    }

    @Test("a Float engine agrees with the Double oracle to Float accuracy", arguments: smooth.prefix(4))
    func floatEngine(_ testCase: NetworkCase) throws {
        let network = try testCase.network(Float.self)
        let batch = testCase.batch(for: network)
        let gradients = try BatchEngine<Float>().gradients(of: network, inputs: batch.inputs, targets: batch.targets)
        let report = try GradientCheck(entriesPerParameter: nil)
            .check(gradients, network: network, inputs: batch.inputs, targets: batch.targets)
        for layer in report {
            for entries in [layer.weights, layer.biases] {
                // Float keeps about 7 digits; entries far smaller than the layer's largest lose more to rounding.
                let largest = entries.samples.map { abs($0.numeric) }.max() ?? 0
                for sample in entries.samples {
                    #expect(abs(sample.analytic - sample.numeric) <= 1e-4 * abs(sample.numeric) + 1e-6 * largest)
                }
            }
        }
    }

    @Test("large layers are checked on a seeded sample of entries")
    func sampling() throws {
        let network = try Network<Double>(sizes: [40, 30, 10], hidden: .sigmoid, output: .softmaxCrossEntropy, seed: 9)
        let batch = Batch.synthetic(for: network, examples: 4, seed: 10)
        let gradients = try BatchEngine<Double>().gradients(of: network, inputs: batch.inputs, targets: batch.targets)
        let check = GradientCheck(entriesPerParameter: 12, seed: 77)
        let first = try check.check(gradients, network: network, inputs: batch.inputs, targets: batch.targets)
        let again = try check.check(gradients, network: network, inputs: batch.inputs, targets: batch.targets)
        #expect(first == again)
        #expect(first[0].weights.checked == 12 && first[0].biases.checked == 12 && first[1].biases.checked == 10)
        #expect(first.allSatisfy { $0.weights.maximumRelativeError < Self.bound && $0.biases.maximumRelativeError < Self.bound })
    }

    @Test("saturated logits (in the thousands): the loss agrees with an independent formula, the oracle with the engines")
    func saturatedLogits() throws {
        let network = try Network<Double>(sizes: [200, 200, 200, 4], hidden: .relu, output: .softmaxCrossEntropy,
                                          initialization: .large, seed: 1)
        let batch = Batch.synthetic(for: network, examples: 8, seed: 2)
        let pass = MatrixForm.pass(network, inputs: batch.inputs, targets: batch.targets)
        let logits = pass.z[network.layerCount]
        #expect(logits.elements.map(abs).max()! > 1000, "the logits must saturate the softmax")
        // ℓ = log Σⱼ e^(zⱼ − z_y) written another way: (max − z_y) + log1p(Σ over the others of e^(zⱼ − max)).
        var total = 0.0
        for i in 0..<batch.count {
            let z = logits.row(i), y = batch.targets.row(i).firstIndex(of: 1)!
            let top = z.indices.max { z[$0] < z[$1] }!
            let rest = z.indices.filter { $0 != top }.map { exp(z[$0] - z[top]) }.reduce(0, +)
            total += (z[top] - z[y]) + log1p(rest)
        }
        let independent = total / Double(batch.count)
        #expect(abs(pass.gradients.loss - independent) <= 1e-12 * independent, "\(pass.gradients.loss) vs \(independent)")
        // Every softmax output is 0 or 1 here, so some gradients are exactly 0: the oracle's rounding noise must not
        // be read as a relative error of 1.
        let layers = try GradientCheck().check(pass.gradients, network: network, inputs: batch.inputs, targets: batch.targets)
        for (l, layer) in layers.enumerated() {
            #expect(layer.weights.maximumRelativeError < 1e-7 && layer.biases.maximumRelativeError < 1e-7, "layer \(l + 1)")
        }
        #expect(layers.contains { $0.weights.withinNoise + $0.biases.withinNoise > 0 }, "no entry needed the noise rule")
    }

    @Test("a difference no larger than the difference quotient's rounding counts as agreement, and is counted")
    func noiseFloor() throws {
        let network = try Network<Double>(sizes: [3, 2], hidden: .sigmoid, output: .softmaxCrossEntropy, seed: 3)
        let batch = Batch.synthetic(for: network, examples: 4, seed: 4)
        let numeric = try GradientCheck(entriesPerParameter: nil).numericGradients(network: network, inputs: batch.inputs,
                                                                                  targets: batch.targets)
        var gradients = try LoopEngine<Double>().gradients(of: network, inputs: batch.inputs, targets: batch.targets)
        // An analytic value off by a tenth of the noise agrees; one off by ten times the noise (and more than 1e-7
        // relative) does not.
        let entry = try #require(numeric[0].weights.first?.value)
        gradients.layers[0].weights.elements[0] = entry.value + entry.noise / 10
        #expect(GradientCheck(entriesPerParameter: nil).compare(gradients, with: numeric)[0].weights.maximumRelativeError < 1e-7)
        gradients.layers[0].weights.elements[0] = entry.value + max(10 * entry.noise, 1e-3 * abs(entry.value))
        #expect(GradientCheck(entriesPerParameter: nil).compare(gradients, with: numeric)[0].weights.maximumRelativeError > 1e-7)
    }

    @Test("relative error follows CS231n: |a − n| / max(|a|, |n|)")
    func relativeError() {
        #expect(GradientCheck.relativeError(1, 1) == 0)
        #expect(GradientCheck.relativeError(0, 0) == 0)
        #expect(GradientCheck.relativeError(2, 1) == 0.5)
        #expect(GradientCheck.relativeError(-1, 1) == 2)
    }

    /// The numeric mean loss of `network` on (X, Y), from the oracle's own forward pass.
    static func meanLoss<T: BackpropScalar>(_ network: Network<T>, inputs: Matrix<T>, targets: Matrix<T>) throws -> Double {
        ReferenceLoss(network: try network.converted(to: Double.self), inputs: inputs.converted(),
                      targets: targets.converted()).evaluate().loss
    }
}
