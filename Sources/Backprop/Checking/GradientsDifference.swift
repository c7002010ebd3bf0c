/// How two engines' results differ: the loss and every ∂Wˡ, ∂bˡ, element by element.
public struct GradientsDifference: Equatable, Sendable {
    /// Whether the two losses have the same bits.
    public var lossIdentical: Bool
    /// The ULP distance between the losses.
    public var lossULPs: UInt64
    /// `layers[l − 1]`: the differences of ∂Wˡ and ∂bˡ.
    public var layers: [(weights: ElementwiseDifference, biases: ElementwiseDifference)]

    /// Whether everything is bitwise identical.
    public var isIdentical: Bool {
        lossIdentical && layers.allSatisfy { $0.weights.isIdentical && $0.biases.isIdentical }
    }

    /// The largest ULP distance anywhere (loss included).
    public var maximumULPs: UInt64 {
        layers.reduce(lossULPs) { max($0, $1.weights.maximumULPs, $1.biases.maximumULPs) }
    }

    /// Compares `a` with `b`.
    /// - Precondition: both have the same layer shapes.
    public init<T: BackpropScalar>(_ a: Gradients<T>, _ b: Gradients<T>) {
        precondition(a.layers.count == b.layers.count, "comparing gradients of different networks")
        lossIdentical = a.loss.bits == b.loss.bits
        lossULPs = ElementwiseDifference.ulpDistance(a.loss, b.loss)
        layers = zip(a.layers, b.layers).map {
            (ElementwiseDifference($0.weights.elements, $1.weights.elements), ElementwiseDifference($0.biases, $1.biases))
        }
    }

    public static func == (lhs: GradientsDifference, rhs: GradientsDifference) -> Bool {
        lhs.lossIdentical == rhs.lossIdentical && lhs.lossULPs == rhs.lossULPs && lhs.layers.count == rhs.layers.count
            && zip(lhs.layers, rhs.layers).allSatisfy { $0.weights == $1.weights && $0.biases == $1.biases }
    }
}
