import Foundation
import Testing
@testable import Backprop

/// The project's own exp, expm1, tanh, sigmoid, log: accuracy against the C library, and the edge cases the
/// engines rely on (no NaN from finite input, saturation to exactly 0 and 1).
@Suite("Elementary functions")
struct BackpropScalarTests {
    /// Random arguments over `range`, from a seed.
    static func arguments(_ range: ClosedRange<Double>, count: Int = 20_000, seed: UInt64 = 1) -> [Double] {
        var g = SplitMix64(seed: seed)
        return (0..<count).map { _ in g.nextUniform(in: range.lowerBound, range.upperBound) }
    }

    func expectWithin<T: BackpropScalar>(
        _ got: T, _ expected: T, ulps: UInt64, _ what: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let distance = ElementwiseDifference.ulpDistance(got, expected)
        #expect(distance <= ulps, "\(what): got \(got), C library \(expected), \(distance) ULP apart",
                sourceLocation: sourceLocation)
    }

    @Test("exp within 1 ULP of glibc (Double)")
    func expDouble() {
        for x in Self.arguments(-745...709) + Self.arguments(-1...1, seed: 2) {
            expectWithin(Double.exp(x), Foundation.exp(x), ulps: 1, "exp(\(x))")
        }
    }

    @Test("exp within 1 ULP of glibc (Float)")
    func expFloat() {
        for x in Self.arguments(-103...88) + Self.arguments(-1...1, seed: 2) {
            let f = Float(x)
            expectWithin(Float.exp(f), Foundation.expf(f), ulps: 1, "expf(\(f))")
        }
    }

    @Test("expm1 within 2 ULP of glibc, also near zero", arguments: Precision.allCases)
    func expm1(_ precision: Precision) {
        for x in Self.arguments(-30...30) + Self.arguments(-1e-3...1e-3, seed: 3) + Self.arguments(-1e-12...1e-12, seed: 4) {
            switch precision {
            case .double: expectWithin(Double.expm1(x), Foundation.expm1(x), ulps: 2, "expm1(\(x))")
            case .float: expectWithin(Float.expm1(Float(x)), Foundation.expm1f(Float(x)), ulps: 2, "expm1f(\(Float(x)))")
            }
        }
    }

    @Test("tanh within 3 ULP of glibc, saturating to ±1", arguments: Precision.allCases)
    func tanh(_ precision: Precision) {
        for x in Self.arguments(-25...25) + Self.arguments(-1e-4...1e-4, seed: 5) {
            switch precision {
            case .double:
                expectWithin(Activation.tanh.value(x), Foundation.tanh(x), ulps: 3, "tanh(\(x))")
            case .float:
                expectWithin(Activation.tanh.value(Float(x)), Foundation.tanhf(Float(x)), ulps: 3, "tanhf(\(Float(x)))")
            }
        }
        #expect(Activation.tanh.value(1000.0) == 1 && Activation.tanh.value(-1000.0) == -1)
        #expect(Activation.tanh.value(Double.infinity) == 1 && Activation.tanh.value(-Float.infinity) == -1)
    }

    @Test("sigmoid is 1/(1 + e^−z) within 4 ULP (both sides round three times) and exactly 0 or 1 far out")
    func sigmoid() {
        for z in Self.arguments(-40...40) {
            expectWithin(Activation.sigmoid.value(z), 1 / (1 + Foundation.exp(-z)), ulps: 4, "σ(\(z))")
        }
        #expect(Activation.sigmoid.value(1000.0) == 1 && Activation.sigmoid.value(-1000.0) == 0)
        #expect(Activation.sigmoid.value(Float(1000)) == 1 && Activation.sigmoid.value(Float(-1000)) == 0)
        #expect(Activation.sigmoid.value(Double.nan).isNaN)
    }

    @Test("exp edge cases: overflow to +∞, underflow to 0, subnormals, NaN")
    func expEdges() {
        #expect(Double.exp(710) == .infinity && Double.exp(1000) == .infinity && Double.exp(.infinity) == .infinity)
        #expect(Double.exp(-746) == 0 && Double.exp(-1000) == 0 && Double.exp(-.infinity) == 0)
        #expect(Double.exp(-745) == Foundation.exp(-745.0))  // the smallest subnormal
        #expect(Double.exp(0) == 1 && Float.exp(0) == 1)
        #expect(Double.exp(.nan).isNaN && Float.exp(.nan).isNaN)
        #expect(Float.exp(89) == .infinity && Float.exp(-104) == 0)
    }

    @Test("log within 1 ULP of glibc", arguments: Precision.allCases)
    func log(_ precision: Precision) {
        var g = SplitMix64(seed: 6)
        for _ in 0..<20_000 {
            let x = Foundation.exp(g.nextUniform(in: -700, 700))
            switch precision {
            case .double: expectWithin(Double.log(x), Foundation.log(x), ulps: 1, "log(\(x))")
            case .float:
                let f = Float(Foundation.exp(g.nextUniform(in: -80, 80)))
                expectWithin(Float.log(f), Foundation.logf(f), ulps: 1, "logf(\(f))")
            }
        }
        #expect(Double.log(1) == 0 && Double.log(0) == -.infinity && Double.log(-1).isNaN)
        #expect(Double.log(.infinity) == .infinity && Double.log(5e-324) == Foundation.log(5e-324))
    }

    @Test("log1p and softplus are accurate for tiny and huge arguments")
    func softplus() {
        for y in Self.arguments(0...1) + Self.arguments(0...1e-10, seed: 8) {
            expectWithin(Double.log1p(y), Foundation.log1p(y), ulps: 3, "log1p(\(y))")
        }
        #expect(Double.softplus(1000) == 1000 && Double.softplus(-1000) == 0)
        #expect(Double.softplus(0) == Foundation.log(2.0))
        #expect(abs(Double.softplus(-30) - Foundation.exp(-30)) < 1e-25)
    }

    /// The vector softplus (what the loss uses) against the scalar formula max(z, 0) + log1p(e^−|z|) built from
    /// the scalar `log1p` and `log`: the same operations, so the same bits, on every lane.
    static func checkVectorSoftplus<T: BackpropScalar>(_: T.Type) {
        var g = SplitMix64(seed: 11)
        let special: [T] = [0, -0.0, 1, -1, 0.5, 1e-30, -1e-30, 30, -30, 80, -80, 1000, -1000, .infinity, -.infinity]
        let random = (0..<2000).map { _ in T(g.nextUniform(in: -40, 40)) }
        let values = special + random
        let width = T.Vector.scalarCount
        for start in stride(from: 0, to: values.count - width, by: width) {
            var z = T.Vector()
            for lane in 0..<width { z[lane] = values[start + lane] }
            let vector = T.softplus(z)
            for lane in 0..<width {
                let x = z[lane]
                let scalar = Swift.max(x, 0) + T.log1p(T.exp(-Swift.abs(x)))
                #expect(vector[lane].bits == scalar.bits, "\(T.self) softplus(\(x)): \(vector[lane]) vs \(scalar)")
            }
        }
        #expect(T.softplus(T.Vector(repeating: .nan))[0].isNaN)
    }

    @Test("the vector softplus is the scalar formula, bit for bit", arguments: Precision.allCases)
    func vectorSoftplus(precision: Precision) {
        switch precision {
        case .double: Self.checkVectorSoftplus(Double.self)
        case .float: Self.checkVectorSoftplus(Float.self)
        }
    }
}

/// `deinterleave`, the only lane shuffle the kernels use (the GEMM's transposed packing): checked lane by lane, and
/// that log₂(width) rounds of it transpose a square block of vectors.
@Suite("Vector deinterleave")
struct DeinterleaveTests {
    static func check<T: BackpropScalar>(_: T.Type) {
        let w = T.Vector.scalarCount
        var a = T.Vector(), b = T.Vector()
        for i in 0..<w { a[i] = T(i); b[i] = T(w + i) }
        let (even, odd) = T.deinterleave(a, b)
        for i in 0..<w {
            #expect(even[i] == T(2 * i), "\(T.self) even lane \(i)")
            #expect(odd[i] == T(2 * i + 1), "\(T.self) odd lane \(i)")
        }
        // Rows r: lane c holds r·w + c. After log₂ w rounds, row c lane r must hold r·w + c.
        var rows = (0..<w).map { r in
            var v = T.Vector()
            for c in 0..<w { v[c] = T(r * w + c) }
            return v
        }
        var round = 0
        while 1 << round < w {
            var next = rows
            for q in 0..<(w / 2) {
                (next[q], next[q + w / 2]) = T.deinterleave(rows[2 * q], rows[2 * q + 1])
            }
            rows = next
            round += 1
        }
        for c in 0..<w {
            for r in 0..<w { #expect(rows[c][r] == T(r * w + c), "\(T.self) transposed [\(c)][\(r)]") }
        }
    }

    @Test("even and odd lanes of a pair, and a transpose in log₂(width) rounds", arguments: Precision.allCases)
    func deinterleave(precision: Precision) {
        switch precision {
        case .double: Self.check(Double.self)
        case .float: Self.check(Float.self)
        }
    }
}
