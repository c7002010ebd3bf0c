import Foundation

/// A network read from a file, in the precision the file names.
public enum AnyNetwork: Sendable {
    case float(Network<Float>)
    case double(Network<Double>)

    /// The precision the file names.
    public var precision: Precision {
        switch self {
        case .float: .float
        case .double: .double
        }
    }

    /// h_0, …, h_L.
    public var sizes: [Int] {
        switch self {
        case .float(let network): network.sizes
        case .double(let network): network.sizes
        }
    }
}
