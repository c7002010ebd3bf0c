import Backprop
import BackpropExercises

/// Submissions made for one mechanism of the checker each, beside the catalogues of slips: a step right on every
/// scenario that traps on the engine table's wider network, and a hidden error whose zeros have the other sign.
public enum MechanismSubmissions {
    /// Every step right, but the forward step traps on an input of more than 8 features: only the end-to-end run
    /// of the engine with the student's own steps (10-8-8-4 by default) meets it.
    public static let trapsOnWideInputs: StudentSubmission = {
        var submission = Solutions.submission
        submission.steps.forward = { input, weights, bias in
            precondition(input.columns <= 8, "my forward only handles 8 features")
            return try Solutions.forward(input, weights, bias)
        }
        return submission
    }()

    /// The bitwise solution with a hidden error that writes +0 where σ′ is 0 (a ReLU that is off), where the
    /// library's sum × 0 keeps the sum's sign (−0 for a negative sum): every bit right but a zero's sign.
    public static let plusZeroWhereReLUIsOff: StudentSubmission = {
        var submission = Bitwise.submission()
        let hidden = submission.steps.hiddenError
        submission.steps.hiddenError = { deltaAbove, weightsAbove, activations, activation in
            let delta = try hidden(deltaAbove, weightsAbove, activations, activation)
            return delta.map { $0 == 0 ? 0.0 : $0 }
        }
        return submission
    }()

    /// These by name: "traps-on-wide-inputs", "plus-zero-where-relu-is-off".
    public static func named(_ name: String) -> StudentSubmission? {
        switch name {
        case "traps-on-wide-inputs": trapsOnWideInputs
        case "plus-zero-where-relu-is-off": plusZeroWhereReLUIsOff
        default: nil
        }
    }
}
