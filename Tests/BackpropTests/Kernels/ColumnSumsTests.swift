import Testing
@testable import Backprop

/// The bias gradient's column sums against the loop engine's arithmetic: +0, then + A[i, j] row after row, × scale.
@Suite("Column sums keep each column's chain in row order")
struct ColumnSumsTests {
    /// Widths on both sides of a vector (4 Doubles, 8 Floats) and of the 8-vector block (32 Doubles, 64 Floats).
    static let widths = [1, 3, 4, 7, 8, 9, 30, 31, 32, 33, 63, 64, 65, 129, 257]

    /// What the loop engine does for ∂b: zero, add each example's δ in order, multiply by 1/m.
    static func expected<T: BackpropScalar>(_ a: [T], rows m: Int, stride: Int, from j0: Int, columns n: Int,
                                            scale: T) -> [T] {
        (0..<n).map { j in
            var sum: T = 0
            for i in 0..<m { sum = sum + a[i * stride + j0 + j] }
            return sum * scale
        }
    }

    @Test("sums of every column, for awkward row counts", arguments: widths, Precision.allCases)
    func wholeRows(_ n: Int, _ precision: Precision) {
        precision == .float ? wholeRows(n, Float.self) : wholeRows(n, Double.self)
    }

    func wholeRows<T: BackpropScalar>(_ n: Int, _: T.Type) {
        for m in [1, 3, 7, 33, 257] {
            var g = SplitMix64(seed: UInt64(n * 1000 + m))
            let a = (0..<(m * n)).map { _ in T(g.nextUniform(in: -1, 1)) }
            let scale = 1 / T(m)
            // One guard element past the end: the kernel must leave it alone.
            var sums = [T](repeating: .nan, count: n + 1)
            sums[n] = 42
            a.withUnsafeBufferPointer { pa in
                sums.withUnsafeMutableBufferPointer { ps in
                    columnSums(rows: m, columns: n, pa.baseAddress!, stride: n, scale: scale, into: ps.baseAddress!)
                }
            }
            let want = Self.expected(a, rows: m, stride: n, from: 0, columns: n, scale: scale)
            #expect(ElementwiseDifference(Array(sums[..<n]), want).isIdentical, "m = \(m), n = \(n)")
            #expect(sums[n] == 42, "m = \(m), n = \(n): wrote past the last column")
        }
    }

    @Test("a run of columns inside wider rows, as one thread's share", arguments: [(64, 5, 33), (256, 128, 128), (10, 4, 6)])
    func share(_ width: Int, _ start: Int, _ count: Int) {
        let m = 33
        var g = SplitMix64(seed: UInt64(width))
        let a = (0..<(m * width)).map { _ in g.nextUniform(in: -1, 1) }
        var sums = [Double](repeating: .nan, count: width)
        a.withUnsafeBufferPointer { pa in
            sums.withUnsafeMutableBufferPointer { ps in
                columnSums(rows: m, columns: count, pa.baseAddress! + start, stride: width, scale: 0.25,
                           into: ps.baseAddress! + start)
            }
        }
        let want = Self.expected(a, rows: m, stride: width, from: start, columns: count, scale: 0.25)
        #expect(ElementwiseDifference(Array(sums[start..<(start + count)]), want).isIdentical)
        // Columns outside the share are untouched.
        #expect(sums[..<start].allSatisfy(\.isNaN) && sums[(start + count)...].allSatisfy(\.isNaN))
    }

    @Test("a column of −0 sums to +0, as +0 + (−0) does")
    func signedZero() {
        let a: [Double] = [-0.0, -0.0, -0.0, -0.0, 1, -0.0]  // two rows of three columns
        var sums = [Double](repeating: .nan, count: 3)
        a.withUnsafeBufferPointer { pa in
            sums.withUnsafeMutableBufferPointer { ps in
                columnSums(rows: 2, columns: 3, pa.baseAddress!, stride: 3, scale: 0.5, into: ps.baseAddress!)
            }
        }
        #expect(sums[0] == 0 && sums[0].sign == .plus)
        #expect(sums[1] == 0.5)
        #expect(sums[2] == 0 && sums[2].sign == .plus)
    }
}
