/// The two precisions the library computes in, by name: what `--precision` and the JSON files say.
public enum Precision: String, CaseIterable, Codable, Sendable {
    case double, float

    /// The precision of `T`.
    @inlinable
    public init<T: BackpropScalar>(_: T.Type) { self = T.precision }

    /// The bytes of one scalar.
    public var byteCount: Int { self == .double ? 8 : 4 }

    /// Runs `work` specialised for this precision's scalar type: the one switch from a name to generic code.
    @inlinable
    public func dispatch<Work: PrecisionDispatch>(_ work: Work) throws -> Work.Result {
        switch self {
        case .double: try work.run(Double.self)
        case .float: try work.run(Float.self)
        }
    }
}

/// Work generic over the scalar type, chosen at run time by a `Precision` (`Precision.dispatch`).
public protocol PrecisionDispatch {
    associatedtype Result
    func run<T: BackpropScalar>(_: T.Type) throws -> Result
}
