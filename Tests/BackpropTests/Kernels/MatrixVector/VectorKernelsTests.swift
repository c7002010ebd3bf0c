import Testing
@testable import Backprop

/// The loop engine's matrix–vector kernels against the same contract: one scalar FMA chain per output, in order.
@Suite("Loop-engine vector kernels keep the per-element FMA chain")
struct VectorKernelsTests {
    /// Widths on both sides of every vector boundary and of the 8-vector register block (32 Doubles, 64 Floats).
    static let widths = [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 30, 31, 32, 33, 63, 64, 65, 100, 129, 257]

    static func random<T: BackpropScalar>(_ count: Int, _ g: inout SplitMix64) -> [T] {
        (0..<count).map { _ in T(g.nextUniform(in: -1, 1)) }
    }

    @Test("forward z = b + Σᵢ xᵢ W[i, :]", arguments: widths, Precision.allCases)
    func forward(_ n: Int, _ precision: Precision) {
        precision == .float ? forward(n, Float.self) : forward(n, Double.self)
    }

    func forward<T: BackpropScalar>(_ n: Int, _: T.Type) {
        for k in [1, 3, 30] {
            var g = SplitMix64(seed: UInt64(n * 100 + k))
            let x: [T] = Self.random(k, &g), w: [T] = Self.random(k * n, &g), b: [T] = Self.random(n, &g)
            var expected = b
            for j in 0..<n { for i in 0..<k { expected[j] = expected[j].addingProduct(x[i], w[i * n + j]) } }
            var z = [T](repeating: .nan, count: n)
            affineForward(k: k, n: n, x: x, w: w, bias: b, z: &z)
            #expect(ElementwiseDifference(z, expected).isIdentical, "n = \(n), k = \(k)")
        }
    }

    @Test("rank-one update G += a δᵀ", arguments: widths, Precision.allCases)
    func rankOne(_ n: Int, _ precision: Precision) {
        precision == .float ? rankOne(n, Float.self) : rankOne(n, Double.self)
    }

    func rankOne<T: BackpropScalar>(_ n: Int, _: T.Type) {
        for k in [1, 4, 11] {
            var g = SplitMix64(seed: UInt64(n * 7 + k))
            let a: [T] = Self.random(k, &g), d: [T] = Self.random(n, &g)
            var gradient: [T] = Self.random(k * n, &g)
            var expected = gradient
            for i in 0..<k { for j in 0..<n { expected[i * n + j] = expected[i * n + j].addingProduct(a[i], d[j]) } }
            rankOneUpdate(k: k, n: n, a: a, delta: d, g: &gradient)
            #expect(ElementwiseDifference(gradient, expected).isIdentical, "n = \(n), k = \(k)")
        }
    }

    @Test("rank-one update from +0 (first example) and × 1/m (last example)", arguments: widths)
    func rankOneModes(_ n: Int) {
        var g = SplitMix64(seed: UInt64(n))
        let k = 9, scale = 1.0 / 7
        let a: [Double] = Self.random(k, &g), d: [Double] = Self.random(n, &g), stored: [Double] = Self.random(k * n, &g)
        for (first, factor) in [(true, nil), (false, scale), (true, scale)] as [(Bool, Double?)] {
            var expected = stored
            for i in 0..<k {
                for j in 0..<n {
                    let sum = (first ? 0.0 : stored[i * n + j]).addingProduct(a[i], d[j])
                    expected[i * n + j] = factor.map { sum * $0 } ?? sum
                }
            }
            var gradient = stored
            rankOneUpdate(k: k, n: n, a: a, delta: d, g: &gradient, first: first, scale: factor)
            #expect(ElementwiseDifference(gradient, expected).isIdentical, "n = \(n), first \(first), scale \(String(describing: factor))")
        }
    }

    @Test("hidden-error product s = W δ′, summed in order", arguments: widths, Precision.allCases)
    func transposed(_ rows: Int, _ precision: Precision) {
        precision == .float ? transposed(rows, Float.self) : transposed(rows, Double.self)
    }

    func transposed<T: BackpropScalar>(_ rows: Int, _: T.Type) {
        for n in [1, 10, 33] {
            var g = SplitMix64(seed: UInt64(rows * 13 + n))
            let w: [T] = Self.random(rows * n, &g), d: [T] = Self.random(n, &g)
            var expected = [T](repeating: 0, count: rows)
            for j in 0..<rows { for k in 0..<n { expected[j] = expected[j].addingProduct(w[j * n + k], d[k]) } }
            var s = [T](repeating: .nan, count: rows)
            transposedProduct(rows: rows, n: n, w: w, delta: d, s: &s)
            #expect(ElementwiseDifference(s, expected).isIdentical, "rows = \(rows), n = \(n)")
        }
    }
}
