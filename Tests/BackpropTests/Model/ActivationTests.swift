import Testing
@testable import Backprop

/// σ′ from the activation: the formulas, against the slope of σ itself, and the edges the engines rely on.
/// (σ's own accuracy is in BackpropScalarTests.)
@Suite("Hidden activations and their derivatives")
struct ActivationTests {
    /// Arguments from the steep middle to deep saturation, both signs.
    static let arguments: [Double] = [-30, -8, -3, -1, -0.25, -1e-3, 1e-3, 0.25, 1, 3, 8, 30]

    @Test("σ′(z), computed from a = σ(z), matches the central difference of σ in Double", arguments: Activation.allCases)
    func derivativeIsTheSlope(_ activation: Activation) {
        for z in Self.arguments {
            let h = 1e-6
            let slope = (activation.value(z + h) - activation.value(z - h)) / (2 * h)
            let derivative = activation.derivative(fromActivation: activation.value(z))
            // Relative to the larger of the two and a floor: at z = ±30 a sigmoid's slope is ~1e-13.
            #expect(abs(derivative - slope) <= 1e-6 * max(abs(slope), 1e-3), "\(activation) at z = \(z): σ′ \(derivative), slope \(slope)")
        }
    }

    @Test("the formulas of the contract, to the bit; saturation gives σ′ = 0, never NaN; ReLU keeps NaN",
          arguments: Precision.allCases)
    func formulasAndEdges(_ precision: Precision) {
        switch precision {
        case .double: checkFormulas(Double.self); checkEdges(Double.self)
        case .float: checkFormulas(Float.self); checkEdges(Float.self)
        }
    }

    func checkFormulas<T: BackpropScalar>(_: T.Type, sourceLocation: SourceLocation = #_sourceLocation) {
        for z in Self.arguments.map({ T($0) }) {
            let a = Activation.sigmoid.value(z)
            #expect(Activation.sigmoid.derivative(fromActivation: a) == a * (1 - a), sourceLocation: sourceLocation)
            let t = Activation.tanh.value(z)
            // 1 − t², one rounding (a fused multiply-add).
            #expect(Activation.tanh.derivative(fromActivation: t) == T(1).addingProduct(-t, t), sourceLocation: sourceLocation)
            #expect(Activation.relu.derivative(fromActivation: Activation.relu.value(z)) == (z > 0 ? 1 : 0),
                    sourceLocation: sourceLocation)
            #expect(Activation.identity.value(z) == z && Activation.identity.derivative(fromActivation: z) == 1,
                    sourceLocation: sourceLocation)
        }
    }

    /// Saturation gives σ′ = 0, never NaN; ReLU keeps NaN, so that a diverging network shows.
    func checkEdges<T: BackpropScalar>(_: T.Type, sourceLocation: SourceLocation = #_sourceLocation) {
        for activation in [Activation.sigmoid, .tanh] {
            for z in [T(-1000), T(1000), -T.infinity, T.infinity] {
                let d = activation.derivative(fromActivation: activation.value(z))
                #expect(d == 0, "\(activation) at \(z): σ′ = \(d)", sourceLocation: sourceLocation)
            }
        }
        #expect(Activation.sigmoid.value(T(0)) == 0.5, sourceLocation: sourceLocation)
        #expect(Activation.relu.value(T(-2)) == 0 && Activation.relu.value(T(2)) == 2, sourceLocation: sourceLocation)
        #expect(Activation.relu.value(T.nan).isNaN, sourceLocation: sourceLocation)
        // ReLU's derivative at 0 is taken as 0 (the documented choice).
        #expect(Activation.relu.derivative(fromActivation: T(0)) == 0, sourceLocation: sourceLocation)
    }

    @Test("a vector kernel's lanes are independent: each equals the scalar function", arguments: Activation.allCases)
    func lanes(_ activation: Activation) {
        let lanes = Double.Vector.scalarCount
        var z = Double.Vector()
        for i in 0..<lanes { z[i] = Self.arguments[i * 3 % Self.arguments.count] }
        let (a, d) = vectorized(activation, z)
        for i in 0..<lanes {
            #expect(a[i] == activation.value(z[i]))
            #expect(d[i] == activation.derivative(fromActivation: a[i]))
        }
    }

    func vectorized(_ activation: Activation, _ z: Double.Vector) -> (Double.Vector, Double.Vector) {
        func run<K: ActivationKernel>(_: K.Type) -> (Double.Vector, Double.Vector) where K.Scalar == Double {
            let a = K.value(z)
            return (a, K.derivative(a))
        }
        switch activation {
        case .sigmoid: return run(SigmoidKernel<Double>.self)
        case .tanh: return run(TanhKernel<Double>.self)
        case .relu: return run(ReluKernel<Double>.self)
        case .identity: return run(IdentityKernel<Double>.self)
        }
    }
}
