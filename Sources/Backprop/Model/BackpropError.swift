/// An error in data given to the library: a network that does not hold together, a batch whose shape does not
/// fit the network, a file that cannot be read. Its message is one line, meant to be shown to a person as it is;
/// callers that know more (a file name, a flag) prefix it.
///
/// Programmer errors inside the library (an index out of range in a kernel) are preconditions, not this.
public struct BackpropError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What is wrong, in one line.
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    /// The same error with `context` in front, e.g. `"net.json: "`.
    public func prefixed(_ context: String) -> BackpropError {
        BackpropError(context + message)
    }

    public var description: String { message }
}
