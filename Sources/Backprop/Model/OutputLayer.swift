/// An output activation paired with a loss; together they fix the output error δᴸ = ∂ℓ/∂zᴸ.
///
/// | pairing | δᴸ |
/// |---|---|
/// | sigmoid + cross-entropy | aᴸ − y |
/// | softmax + cross-entropy | aᴸ − y |
/// | identity + squared error | aᴸ − y |
/// | sigmoid + squared error | (aᴸ − y) ∘ σ′(zᴸ), σ′ from aᴸ |
///
/// Softmax with squared error and identity with cross-entropy are refused: the first needs the softmax
/// Jacobian (not element-wise), the second takes the log of an unbounded output.
///
/// The row functions below work on one example's c outputs; both engines call them, row by row, so the output
/// activation, δᴸ and the loss are the same operations in both.
public struct OutputLayer: Hashable, Sendable {
    public let activation: OutputActivation
    public let loss: Loss

    public static let sigmoidCrossEntropy = OutputLayer(uncheckedActivation: .sigmoid, loss: .crossEntropy)
    public static let softmaxCrossEntropy = OutputLayer(uncheckedActivation: .softmax, loss: .crossEntropy)
    public static let identitySquaredError = OutputLayer(uncheckedActivation: .identity, loss: .squaredError)
    public static let sigmoidSquaredError = OutputLayer(uncheckedActivation: .sigmoid, loss: .squaredError)
    /// The four supported pairings.
    public static let all: [OutputLayer] = [
        .sigmoidCrossEntropy, .softmaxCrossEntropy, .identitySquaredError, .sigmoidSquaredError,
    ]

    init(uncheckedActivation activation: OutputActivation, loss: Loss) {
        self.activation = activation
        self.loss = loss
    }

    /// The pairing of `activation` and `loss`.
    /// - Throws: `BackpropError` for softmax + squared error and identity + cross-entropy.
    public init(activation: OutputActivation, loss: Loss) throws {
        switch (activation, loss) {
        case (.softmax, .squaredError):
            throw BackpropError(
                "softmax output with squared-error loss is not supported: pair softmax with cross-entropy")
        case (.identity, .crossEntropy):
            throw BackpropError(
                "identity output with cross-entropy loss is not supported: pair identity with squared-error")
        default:
            self.init(uncheckedActivation: activation, loss: loss)
        }
    }

    /// "softmax + cross-entropy".
    public var name: String { "\(activation.rawValue) + \(loss.rawValue)" }

    /// The output-error rule as the note writes it.
    public var errorRule: String {
        (activation, loss) == (.sigmoid, .squaredError) ? "δᴸ = (aᴸ − y) ∘ σ′(zᴸ)" : "δᴸ = aᴸ − y"
    }

    // MARK: One example as arrays (for engines of your own)

    /// aᴸ = σᴸ(zᴸ) for one example.
    public func activation<T: BackpropScalar>(_ z: [T]) -> [T] {
        var a = [T](repeating: 0, count: z.count)
        z.withUnsafeBufferPointer { zp in a.withUnsafeMutableBufferPointer { activate(zp.baseAddress!, into: $0.baseAddress!, count: z.count) } }
        return a
    }

    /// δᴸ for one example from its output activation and target.
    public func outputError<T: BackpropScalar>(activation a: [T], target y: [T]) -> [T] {
        var delta = [T](repeating: 0, count: a.count)
        a.withUnsafeBufferPointer { ap in
            y.withUnsafeBufferPointer { yp in
                delta.withUnsafeMutableBufferPointer { outputError(activation: ap.baseAddress!, target: yp.baseAddress!, into: $0.baseAddress!, count: a.count) }
            }
        }
        return delta
    }

    /// ℓ, one example's loss, from zᴸ, aᴸ and y.
    public func loss<T: BackpropScalar>(logits z: [T], activation a: [T], target y: [T]) -> T {
        z.withUnsafeBufferPointer { zp in
            a.withUnsafeBufferPointer { ap in
                y.withUnsafeBufferPointer { exampleLoss(logits: zp.baseAddress!, activation: ap.baseAddress!, target: $0.baseAddress!, count: z.count) }
            }
        }
    }

    // MARK: Row functions (one example's c outputs)

    /// aᴸ = σ(zᴸ) for one example. Softmax subtracts the row's maximum first, so z = ±1000 gives no NaN.
    @inlinable
    func activate<T: BackpropScalar>(_ z: UnsafePointer<T>, into a: UnsafeMutablePointer<T>, count c: Int) {
        switch activation {
        case .sigmoid:
            mapVectors(c, z, a) { T.sigmoid($0) }
        case .identity:
            a.update(from: z, count: c)
        case .softmax:
            var largest = z[0]
            for j in 1..<c where z[j] > largest || z[j].isNaN { largest = z[j] }
            let shift = T.Vector(repeating: largest)
            mapVectors(c, z, a) { T.exp($0 - shift) }
            var sum: T = 0
            for j in 0..<c { sum += a[j] }
            let divisor = T.Vector(repeating: sum)
            mapVectors(c, a, a) { $0 / divisor }
        }
    }

    /// δᴸ for one example from its activation aᴸ and target y.
    @inlinable
    func outputError<T: BackpropScalar>(
        activation a: UnsafePointer<T>, target y: UnsafePointer<T>, into delta: UnsafeMutablePointer<T>, count c: Int
    ) {
        if activation == .sigmoid && loss == .squaredError {
            mapVectors(c, a, y, delta) { a, y in (a - y) * SigmoidKernel<T>.derivative(a) }
        } else {
            mapVectors(c, a, y, delta) { a, y in a - y }
        }
    }

    /// ℓ for one example, from zᴸ (for the stable log-forms of cross-entropy) and aᴸ (for squared error).
    ///
    /// - sigmoid + cross-entropy: Σⱼ softplus(zⱼ) − yⱼ zⱼ (= −y ln σ(z) − (1 − y) ln(1 − σ(z)), never ln 0);
    /// - softmax + cross-entropy: Σⱼ yⱼ (lse − zⱼ) with lse = max z + ln Σⱼ e^(zⱼ − max z);
    /// - squared error: ½ Σⱼ (aⱼ − yⱼ)².
    /// Every sum runs over j in order.
    @inlinable
    func exampleLoss<T: BackpropScalar>(
        logits z: UnsafePointer<T>, activation a: UnsafePointer<T>, target y: UnsafePointer<T>, count c: Int
    ) -> T {
        var total: T = 0
        switch (activation, loss) {
        case (.sigmoid, .crossEntropy):
            // softplus a vector at a time; the sum still runs over j in order.
            let width = T.Vector.scalarCount
            var j = 0
            while j < c {
                let lanes = Swift.min(width, c - j)
                let softplus = T.softplus(lanes == width ? loadVector(z + j) : loadPartial(z + j, lanes))
                for lane in 0..<lanes { total += softplus[lane] - y[j + lane] * z[j + lane] }
                j += width
            }
        case (.softmax, .crossEntropy):
            var largest = z[0]
            for j in 1..<c where z[j] > largest || z[j].isNaN { largest = z[j] }
            var sum: T = 0
            for j in 0..<c { sum += T.exp(z[j] - largest) }
            let lse = largest + T.log(sum)
            for j in 0..<c { total += y[j] * (lse - z[j]) }
        default:
            for j in 0..<c {
                let d = a[j] - y[j]
                total += d * d
            }
            total *= 0.5
        }
        return total
    }
}
