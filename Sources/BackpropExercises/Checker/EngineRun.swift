import Backprop
import CommandSupport

/// The student's engine run end to end with the student's OWN steps, on the network and batch of the command's
/// flags, against the loop engine and finite differences: what exercise 7's row (the composition, graded with the
/// library's steps) cannot say about the student's code as a whole.
public struct EngineRun {
    /// How the run ended.
    public enum Outcome {
        /// It returned gradients of the network's shapes: compared with the loop engine and finite differences.
        case compared(EngineCheck<Double>)
        /// The engine (or a step it called) is not written yet: nothing to run.
        case notWritten
        /// It returned gradients of other shapes.
        case wrongShapes
        /// It threw an error (its message).
        case threw(String)
        /// The program stopped in it (a crash, `exit`, a time limit): why.
        case stopped(String)
    }

    /// The network and batch, described ("10-8-8-4, sigmoid → softmax + cross-entropy, …, m = 8").
    public var network: String
    public var outcome: Outcome
    /// What the student's code printed during the run, and how many lines in all.
    public var printed: [String]
    public var printedLineCount: Int

    public init(network: String, outcome: Outcome, printed: [String]) {
        self.network = network
        self.outcome = outcome
        self.printed = Array(printed.prefix(6))
        printedLineCount = printed.count
    }

    /// Whether the run counts as right: it returned the loop engine's loss and gradients within `tolerance` of
    /// finite differences (a run that could not be made, an engine not written yet, does not).
    public func passed(tolerance: Double) -> Bool {
        switch outcome {
        case .compared(let check): check.oraclePasses(tolerance: tolerance) && lossAgrees(check)
        case .notWritten, .wrongShapes, .threw, .stopped: false
        }
    }

    /// Whether the student's loss is the loop engine's to rounding (the finite differences check the gradients, not
    /// the loss itself).
    func lossAgrees(_ check: EngineCheck<Double>) -> Bool {
        let (loop, student) = (check.gradients[0].loss, check.gradients[1].loss)
        return abs(student - loop) <= 1e-9 * abs(loop)
    }

    /// Whether the student's gradients are the loop engine's to the last bit.
    public var identical: Bool {
        if case .compared(let check) = outcome { return check.identical }
        return false
    }

    /// "status" in the JSON: compared, not-written, wrong-shapes, threw, stopped.
    var status: String {
        switch outcome {
        case .compared: "compared"
        case .notWritten: "not-written"
        case .wrongShapes: "wrong-shapes"
        case .threw: "threw"
        case .stopped: "stopped"
        }
    }

    /// One line on what went wrong, when the run did not return gradients to compare.
    var problem: String? {
        switch outcome {
        case .compared(let check):
            lossAgrees(check) ? nil : "Your engine's loss on \(network) is \(check.gradients[1].loss), the loop engine's \(check.gradients[0].loss)" + (check.oraclePasses(tolerance: 1e-7)
                ? ": the gradients agree with finite differences, so the error is in the loss alone."
                : ", and its gradients are off from finite differences too (the table).")
        case .notWritten: nil
        case .wrongShapes: "Your engine's gradients on \(network) do not have the network's shapes."
        case .threw(let message): "Your engine threw on \(network): \(message)"
        case .stopped(let why): "Your engine, with your own steps, did not finish on \(network): \(why)."
        }
    }
}
