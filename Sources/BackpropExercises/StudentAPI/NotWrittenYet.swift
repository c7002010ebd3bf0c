/// What an exercise's function throws until the student writes it: the checker reports it as "not written yet"
/// and names the exercise to start with.
public struct NotWrittenYet: Error, Sendable, CustomStringConvertible {
    /// The exercise's number (docs/exercises/).
    public var exercise: Int
    /// The step, as the checker names it: "forward", "hidden error", …
    public var step: String

    public init(exercise: Int, step: String) {
        self.exercise = exercise
        self.step = step
    }

    public var description: String { "\(step) is not written yet (exercise \(exercise))" }
}
