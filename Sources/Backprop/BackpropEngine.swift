/// A way to compute the gradients of a network's mean loss over a batch.
///
/// Given a network, inputs X `[m, h_0]` (one example per row) and targets Y `[m, h_L]` (one-hot or real), an
/// engine computes the mean loss L = (1/m) Σᵢ ℓ(aᴸᵢ, yᵢ) and ∂L/∂Wˡ, ∂L/∂bˡ for every layer.
///
/// The library has two: `LoopEngine`, one example at a time with column vectors, and `BatchEngine`, all m at
/// once with matrix products. They are bitwise identical by design (docs/bitwise-identity.md). A student's
/// engine conforms too, and `backprop check --engine student` compares it with both (docs/exercises/).
///
/// Write the gradients into `gradients`, reusing its storage: call `gradients.prepare(for: network)` first.
public protocol BackpropEngine<Scalar> {
    associatedtype Scalar: BackpropScalar

    /// A short name for tables and messages: "loop", "batch".
    var name: String { get }

    /// Computes L and every ∂L/∂Wˡ, ∂L/∂bˡ for the batch (X, Y) into `gradients`.
    /// - Throws: `BackpropError` if X or Y does not fit the network (see `Network.validate(inputs:targets:)`).
    func computeGradients(
        of network: Network<Scalar>, inputs: Matrix<Scalar>, targets: Matrix<Scalar>,
        into gradients: inout Gradients<Scalar>
    ) throws
}

extension BackpropEngine {
    /// L and every ∂L/∂Wˡ, ∂L/∂bˡ for the batch (X, Y), in new storage.
    public func gradients(
        of network: Network<Scalar>, inputs: Matrix<Scalar>, targets: Matrix<Scalar>
    ) throws -> Gradients<Scalar> {
        var result = Gradients(zeroFor: network)
        try computeGradients(of: network, inputs: inputs, targets: targets, into: &result)
        return result
    }
}

/// Where an engine's time went on its last call, in seconds, when it was asked to record phases.
///
/// The phases are the note's steps: the forward pass (every Zˡ and Aˡ), the output error Δᴸ (and the loss),
/// the hidden errors Δˡ for l = L−1…1, the weight gradients ∂L/∂Wˡ, and the bias gradients ∂L/∂bˡ.
public struct PhaseTimes: Equatable, Sendable {
    public var forward: Double = 0
    public var outputError: Double = 0
    public var hiddenErrors: Double = 0
    public var weightGradients: Double = 0
    public var biasGradients: Double = 0

    public init() {}

    /// The sum of the phases.
    public var total: Double { forward + outputError + hiddenErrors + weightGradients + biasGradients }

    /// The phases as (name, seconds), in the order they run.
    public var named: [(name: String, seconds: Double)] {
        [("forward", forward), ("output error", outputError), ("hidden errors", hiddenErrors),
         ("weight gradients", weightGradients), ("bias gradients", biasGradients)]
    }

    public static func + (lhs: PhaseTimes, rhs: PhaseTimes) -> PhaseTimes {
        var sum = lhs
        sum.forward += rhs.forward
        sum.outputError += rhs.outputError
        sum.hiddenErrors += rhs.hiddenErrors
        sum.weightGradients += rhs.weightGradients
        sum.biasGradients += rhs.biasGradients
        return sum
    }
}

/// An engine that can record where its time goes (both library engines can; a student's need not).
public protocol RecordsPhases: AnyObject {
    /// When true, every call records `phaseTimes`.
    var recordsPhases: Bool { get set }
    /// The phase times of the last call.
    var phaseTimes: PhaseTimes { get }
}

extension LoopEngine: RecordsPhases {}
extension BatchEngine: RecordsPhases {}
