import Backprop

/// Matrix products C = op(A) · op(B), five ways: the teaching ladder of `backprop bench-kernels`.
///
///     op(A) [M, K] · op(B) [K, N] → C [M, N],   op(X) = X or Xᵀ (read in place, never materialised)
///
/// | rung | what it adds | where the speed comes from |
/// |---|---|---|
/// | `naive` | i-j-k loops, a dot product per element | nothing: B is read down a column, one cache line per element |
/// | `unit-stride` | the same i-j-k dot products, on a copy of op(B) stored by columns | memory order alone: every cache line is used whole, but each element is still one serial chain of FMAs |
/// | `reordered` | i-k-j loops | independent elements in the inner loop: many chains at once, which the compiler vectorises |
/// | `blocked` | i-k-j on 64 × 256 × 64 blocks | the blocks of B and C stay in cache while they are reused |
/// | `packed` | the library's GEMM (`MatrixMultiplier`): BLIS-style packing, a 6 × 2-vector SIMD micro-kernel | operands copied to contiguous slivers, 12 accumulators in registers; threads |
///
/// All five compute every element as the same chain, c ← fma(a_ik, b_kj, c) for k in order from +0, so they
/// agree to the last bit: the ladder changes only the speed (GEMMLadderTests).
public enum GEMMLadder {
    public enum Rung: String, CaseIterable, Sendable {
        case naive
        case unitStride = "unit-stride"
        case reordered, blocked, packed
    }

    /// C = op(A) · op(B) by `rung` into `c` (reshaped if its shape is wrong); `packed` runs on `multiplier`.
    /// - Precondition: op(A)'s columns equal op(B)'s rows.
    /// - Complexity: 2·M·N·K flops.
    public static func multiply<T: BackpropScalar>(
        _ a: Matrix<T>, transposed aTransposed: Bool, _ b: Matrix<T>, transposed bTransposed: Bool,
        into c: inout Matrix<T>, rung: Rung, multiplier: MatrixMultiplier<T>
    ) {
        if rung == .packed {
            multiplier.multiply(a, transposed: aTransposed, b, transposed: bTransposed, into: &c)
            return
        }
        let opA = Strided(a, transposed: aTransposed), opB = Strided(b, transposed: bTransposed)
        precondition(opA.columns == opB.rows, "op(A) is [\(opA.rows), \(opA.columns)] but op(B) is [\(opB.rows), \(opB.columns)]")
        let (m, n, k) = (opA.rows, opB.columns, opA.columns)
        if c.rows != m || c.columns != n { c = Matrix(rows: m, columns: n) }
        a.elements.withUnsafeBufferPointer { ap in
            b.elements.withUnsafeBufferPointer { bp in
                c.elements.withUnsafeMutableBufferPointer { cp in
                    let (x, y, out) = (ap.baseAddress!, bp.baseAddress!, cp.baseAddress!)
                    switch rung {
                    case .naive: naive(m, n, k, opA, x, opB, y, out)
                    case .unitStride: unitStride(m, n, k, opA, x, opB, y, out)
                    case .reordered: blocked(m, n, k, opA, x, opB, y, out, blocks: (m, max(k, 1), n))
                    default: blocked(m, n, k, opA, x, opB, y, out, blocks: (64, 256, 64))
                    }
                }
            }
        }
    }

    /// op(X) as strides over X's elements: op(X)[i, j] = base[i · rowStep + j · columnStep].
    struct Strided {
        let rows: Int, columns: Int, rowStep: Int, columnStep: Int
        init<T>(_ x: Matrix<T>, transposed: Bool) {
            rows = transposed ? x.columns : x.rows
            columns = transposed ? x.rows : x.columns
            rowStep = transposed ? 1 : x.columns
            columnStep = transposed ? x.columns : 1
        }
        @inline(__always) func index(_ i: Int, _ j: Int) -> Int { i * rowStep + j * columnStep }
    }

    /// Rung 1: for i, for j, c = Σₖ a_ik b_kj.
    static func naive<T: BackpropScalar>(
        _ m: Int, _ n: Int, _ k: Int, _ a: Strided, _ x: UnsafePointer<T>, _ b: Strided, _ y: UnsafePointer<T>,
        _ c: UnsafeMutablePointer<T>
    ) {
        for i in 0..<m {
            for j in 0..<n {
                var sum: T = 0
                for p in 0..<k { sum = sum.addingProduct(x[a.index(i, p)], y[b.index(p, j)]) }
                c[i * n + j] = sum
            }
        }
    }

    /// Rung 2: rung 1's loops and chains, on op(A) copied by rows and op(B) copied by columns, so that both dot
    /// products' operands are read at unit stride. The copies are timed too; they move M·K + K·N elements, against
    /// the loops' 2·M·N·K flops.
    static func unitStride<T: BackpropScalar>(
        _ m: Int, _ n: Int, _ k: Int, _ a: Strided, _ x: UnsafePointer<T>, _ b: Strided, _ y: UnsafePointer<T>,
        _ c: UnsafeMutablePointer<T>
    ) {
        let rowsOfA = UnsafeMutablePointer<T>.allocate(capacity: max(m * k, 1))
        let columnsOfB = UnsafeMutablePointer<T>.allocate(capacity: max(k * n, 1))
        defer { rowsOfA.deallocate(); columnsOfB.deallocate() }
        for i in 0..<m { for p in 0..<k { rowsOfA[i * k + p] = x[a.index(i, p)] } }
        for j in 0..<n { for p in 0..<k { columnsOfB[j * k + p] = y[b.index(p, j)] } }
        for i in 0..<m {
            let row = rowsOfA + i * k
            for j in 0..<n {
                let column = columnsOfB + j * k
                var sum: T = 0
                for p in 0..<k { sum = sum.addingProduct(row[p], column[p]) }
                c[i * n + j] = sum
            }
        }
    }

    /// Rungs 3 and 4: for i, for k, c[i, :] += a_ik b[k, :] (unit stride through B's and C's rows when B is not
    /// transposed), on blocks of `blocks` (rows, k, columns) so that a block of B and of C is reused from cache.
    /// The k-blocks run in order, so each element's chain is the naive one.
    static func blocked<T: BackpropScalar>(
        _ m: Int, _ n: Int, _ k: Int, _ a: Strided, _ x: UnsafePointer<T>, _ b: Strided, _ y: UnsafePointer<T>,
        _ c: UnsafeMutablePointer<T>, blocks: (rows: Int, depth: Int, columns: Int)
    ) {
        c.update(repeating: 0, count: m * n)
        for j0 in stride(from: 0, to: n, by: max(blocks.columns, 1)) {
            let j1 = min(n, j0 + blocks.columns)
            for p0 in stride(from: 0, to: k, by: blocks.depth) {
                let p1 = min(k, p0 + blocks.depth)
                for i0 in stride(from: 0, to: m, by: max(blocks.rows, 1)) {
                    for i in i0..<min(m, i0 + blocks.rows) {
                        let row = c + i * n
                        for p in p0..<p1 {
                            let aip = x[a.index(i, p)]
                            if b.columnStep == 1 {
                                let bRow = y + p * b.rowStep
                                for j in j0..<j1 { row[j] = row[j].addingProduct(aip, bRow[j]) }
                            } else {
                                for j in j0..<j1 { row[j] = row[j].addingProduct(aip, y[b.index(p, j)]) }
                            }
                        }
                    }
                }
            }
        }
    }
}
