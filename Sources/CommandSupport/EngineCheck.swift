import Backprop
import Foundation

/// Engines run on one batch, compared with the first engine bit for bit and with finite differences.
///
/// `backprop check` prints it (EngineCheck+Report.swift in BackpropCommands): per layer, ∂W and ∂b compared bit for
/// bit with the first engine and against finite differences.
public struct EngineCheck<T: BackpropScalar> {
    public var names: [String]
    public var gradients: [Gradients<T>]
    /// `differences[i]`: engine i + 1 against engine 0.
    public var differences: [GradientsDifference]
    /// `oracle[i]`: engine i against finite differences.
    public var oracle: [[GradientCheck.Layer]]
    public var network: Network<T>
    /// What the finite differences cost: the entries differentiated (five evaluations of the mean loss each, a
    /// forward pass over the batch every one) and the seconds they took.
    public var oracleEntries = 0
    public var oracleSeconds = 0.0

    public static func run(network: Network<T>, batch: Batch<T>, engines: [AnyBackpropEngine<T>], samples: Int?) throws -> EngineCheck {
        let gradients = try engines.map { try $0.gradients(of: network, inputs: batch.inputs, targets: batch.targets) }
        return try compare(network: network, batch: batch, names: engines.map(\.name), gradients: gradients, samples: samples)
    }

    /// The same, for gradients already computed (each with the network's shapes) under `names`.
    /// - Precondition: every `gradients[i].hasShapes(of: network)`.
    public static func compare(network: Network<T>, batch: Batch<T>, names: [String], gradients: [Gradients<T>],
                               samples: Int?) throws -> EngineCheck {
        precondition(gradients.allSatisfy { $0.hasShapes(of: network) }, "gradients of another network's shapes")
        let checker = GradientCheck(entriesPerParameter: samples)
        let start = MonotonicClock.nanoseconds()
        let numeric = try checker.numericGradients(network: network, inputs: batch.inputs, targets: batch.targets)
        let seconds = MonotonicClock.seconds(since: start)
        var check = EngineCheck(
            names: names, gradients: gradients,
            differences: gradients.dropFirst().map { GradientsDifference($0, gradients[0]) },
            oracle: gradients.map { checker.compare($0, with: numeric) }, network: network)
        check.oracleEntries = numeric.reduce(0) { $0 + $1.weights.count + $1.biases.count }
        check.oracleSeconds = seconds
        return check
    }

    public var identical: Bool { differences.allSatisfy(\.isIdentical) }

    public func oraclePasses(tolerance: Double) -> Bool {
        oracle.allSatisfy { $0.allSatisfy { $0.weights.maximumRelativeError < tolerance && $0.biases.maximumRelativeError < tolerance } }
    }

    public func passes(tolerance: Double) -> Bool { identical && oraclePasses(tolerance: tolerance) }
}
