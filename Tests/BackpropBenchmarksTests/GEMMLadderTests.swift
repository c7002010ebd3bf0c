import Testing
import Backprop
@testable import BackpropBenchmarks

/// Every rung of the teaching ladder computes each element as the one chain c ← fma(a_ik, b_kj, c), k in order
/// from +0, so all four agree with that chain, and with each other, to the last bit.
@Suite("GEMM ladder (bench-kernels)")
struct GEMMLadderTests {
    static let shapes: [(m: Int, n: Int, k: Int)] = [(1, 1, 1), (5, 7, 3), (70, 65, 300), (13, 130, 9)]

    @Test("each rung equals the reference chain, for every transposition", arguments: GEMMLadder.Rung.allCases)
    func rungs(_ rung: GEMMLadder.Rung) {
        check(rung, Double.self)
        check(rung, Float.self)
    }

    func check<T: BackpropScalar>(_ rung: GEMMLadder.Rung, _: T.Type) {
        var g = SplitMix64(seed: 3)
        let multiplier = MatrixMultiplier<T>()
        for (m, n, k) in Self.shapes {
            for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
                func random(_ rows: Int, _ columns: Int) -> Matrix<T> {
                    Matrix(rows: rows, columns: columns, elements: (0..<rows * columns).map { _ in T(g.nextUniform(in: -1, 1)) })
                }
                let a = ta ? random(k, m) : random(m, k), b = tb ? random(n, k) : random(k, n)
                var expected = [T](repeating: 0, count: m * n)
                for i in 0..<m {
                    for j in 0..<n {
                        var sum: T = 0
                        for p in 0..<k { sum = sum.addingProduct(ta ? a[p, i] : a[i, p], tb ? b[j, p] : b[p, j]) }
                        expected[i * n + j] = sum
                    }
                }
                var c = Matrix<T>(rows: 0, columns: 0)
                GEMMLadder.multiply(a, transposed: ta, b, transposed: tb, into: &c, rung: rung, multiplier: multiplier)
                #expect(c.rows == m && c.columns == n)
                #expect(c.elements.map(\.bits) == expected.map(\.bits),
                        "\(rung) \(T.self) [\(m), \(k)]\(ta ? "ᵀ" : "") · [\(k), \(n)]\(tb ? "ᵀ" : "")")
            }
        }
    }
}
