import Backprop

/// What the checker found for one step of a student's work (`StudentCheck`), for the report and the JSON.
public struct StepVerdict: Sendable {
    public enum Kind: String, Codable, Sendable {
        /// Every call gave the reference's bits: the same operations in the same order as the library's engines.
        case identical
        /// Every call within rounding of the reference (another order, or a multiply and an add rounded apart).
        case withinRounding = "within-rounding"
        /// A call gave a wrong shape or wrong values, or a different answer the second time.
        case wrong
        /// The student's code stopped the process (a trap: an index out of range, a failed precondition, …).
        case crashed
        /// A call did not finish within the time limit.
        case timedOut = "timed-out"
        /// The step still throws `NotWrittenYet`.
        case notWritten = "not-written"
        /// The step threw an error of its own.
        case threw
        /// Not checked, because a step it needs is not right yet.
        case skipped

        /// Whether the step is right.
        public var passed: Bool { self == .identical || self == .withinRounding }
    }

    public var step: StudentCheck.Step
    public var kind: Kind
    /// The largest ULP distance from the reference over all calls (within rounding).
    public var maximumULPs: UInt64?
    /// Where it went wrong: the scenario's name, and the quantity ("Z²", "∂W³", "the loss").
    public var scenario: String?
    public var quantity: String?
    /// The shapes of the call's inputs, and of the expected and the returned output.
    public var shapes: [String] = []
    public var expectedShape: String?
    public var gotShape: String?
    /// For wrong values: the largest |got − expected| and the first element that differs, as "[i, j]" or "[j]".
    public var maximumDifference: Double?
    public var firstIndex: String?
    /// A few entries, expected against got.
    public var samples: [String] = []
    /// What the checker concludes, most specific first.
    public var diagnosis: [String] = []
    /// The mistake of the catalogue (`Mistake`'s raw value) the checker reproduced, when it did.
    public var mistake: String?
    /// The first lines the student's code printed while the step ran, and how many it printed in all.
    public var printed: [String] = []
    public var printedLineCount = 0
    /// Whether the diagnosis already explains why the step is right for one example and wrong for several (a
    /// factor of m, a 1/m computed in integers): the cross-scenario reading would repeat it.
    var explainsExampleCount = false
    /// Whether the diagnosis names one slip in the step's loops that gives the student's answers on every call
    /// (`StudentCheck.slip`): a pattern across the scenarios would only restate it.
    var namesSlip = false
    /// The call that went wrong, when one did (the command runs it again alone, to tell state from a wrong formula).
    public internal(set) var call: StudentCheck.Call?
    /// For a crash: the runtime's message, and where in the student's code ("HiddenError.swift:23").
    public var message: String?
    public var location: String?
    /// The text of the student's line at `location`, as the file has it.
    public var sourceLine: String?

    public init(step: StudentCheck.Step, kind: Kind) {
        self.step = step
        self.kind = kind
    }
}
