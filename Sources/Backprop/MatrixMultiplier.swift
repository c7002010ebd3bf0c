/// Matrix products C = op(A) · op(B), four ways: the teaching ladder of `backprop bench --kernels`.
///
///     op(A) [M, K] · op(B) [K, N] → C [M, N],   op(X) = X or Xᵀ (read in place, never materialised)
///
/// | variant | what it adds | where the speed comes from |
/// |---|---|---|
/// | `naive` | i-j-k loops, a dot product per element | nothing: B is read down a column, one cache line per element |
/// | `reordered` | i-k-j loops | B and C are read along rows: unit stride, the compiler vectorises the inner loop |
/// | `blocked` | i-k-j on 64 × 256 × 64 blocks | the blocks of B and C stay in cache while they are reused |
/// | `packed` | BLIS-style packing and a 6 × 2-vector SIMD micro-kernel | operands copied to contiguous slivers, 12 accumulators in registers; threads |
///
/// All four compute every element as the same chain, c ← fma(a_ik, b_kj, c) for k in order from +0, so they
/// agree to the last bit: the ladder changes only the speed. (The tests check it.)
public final class MatrixMultiplier<Scalar: BackpropScalar> {
    /// How to multiply.
    public enum Variant: String, CaseIterable, Sendable {
        case naive, reordered, blocked, packed
    }

    /// The threads the packed variant may use (the others use one).
    public let threads: Int
    @usableFromInline let pool: WorkerPool?
    @usableFromInline let workspaces: [GEMMWorkspace<Scalar>]

    /// A multiplier whose packed variant uses `threads` threads.
    /// - Precondition: `threads ≥ 1`.
    public init(threads: Int = 1) {
        precondition(threads >= 1, "a multiplier needs at least one thread")
        self.threads = threads
        pool = threads > 1 ? WorkerPool(threadCount: threads) : nil
        workspaces = (0..<threads).map { _ in GEMMWorkspace<Scalar>() }
    }

    /// C = op(A) · op(B), written into `c` (reshaped, and reallocated, only if its shape is wrong).
    /// - Precondition: op(A)'s columns equal op(B)'s rows.
    /// - Complexity: 2·M·N·K flops.
    @inlinable
    public func multiply(
        _ a: Matrix<Scalar>, transposed aTransposed: Bool = false,
        _ b: Matrix<Scalar>, transposed bTransposed: Bool = false,
        into c: inout Matrix<Scalar>, variant: Variant = .packed
    ) {
        let m = aTransposed ? a.columns : a.rows, k = aTransposed ? a.rows : a.columns
        let kb = bTransposed ? b.columns : b.rows, n = bTransposed ? b.rows : b.columns
        precondition(k == kb, "op(A) is [\(m), \(k)] but op(B) is [\(kb), \(n)]")
        if c.rows != m || c.columns != n { c = Matrix(rows: m, columns: n) }
        a.elements.withUnsafeBufferPointer { ap in
            b.elements.withUnsafeBufferPointer { bp in
                c.elements.withUnsafeMutableBufferPointer { cp in
                    let opA = Operand(ap.baseAddress!, stride: a.columns, transposed: aTransposed)
                    let opB = Operand(bp.baseAddress!, stride: b.columns, transposed: bTransposed)
                    let out = cp.baseAddress!
                    switch variant {
                    case .naive: naiveProduct(m: m, n: n, k: k, a: opA, b: opB, c: out)
                    case .reordered: reorderedProduct(m: m, n: n, k: k, a: opA, b: opB, c: out)
                    case .blocked: blockedProduct(m: m, n: n, k: k, a: opA, b: opB, c: out)
                    case .packed:
                        gemm(m: m, n: n, k: k, a: opA, b: opB, c: out, ldc: n, start: .zero,
                             epilogue: NoEpilogue<Scalar>(), workspaces: workspaces, pool: pool)
                    }
                }
            }
        }
    }

    /// C = op(A) · op(B) in new storage.
    @inlinable
    public func product(
        _ a: Matrix<Scalar>, transposed aTransposed: Bool = false,
        _ b: Matrix<Scalar>, transposed bTransposed: Bool = false, variant: Variant = .packed
    ) -> Matrix<Scalar> {
        var c = Matrix<Scalar>(rows: 0, columns: 0)
        multiply(a, transposed: aTransposed, b, transposed: bTransposed, into: &c, variant: variant)
        return c
    }
}

@inlinable
func element<T: BackpropScalar>(_ x: Operand<T>, _ i: Int, _ j: Int) -> T {
    x.transposed ? x.base[j * x.stride + i] : x.base[i * x.stride + j]
}

/// Rung 1: for i, for j, c = Σₖ a_ik b_kj.
@inlinable
func naiveProduct<T: BackpropScalar>(m: Int, n: Int, k: Int, a: Operand<T>, b: Operand<T>, c: UnsafeMutablePointer<T>) {
    for i in 0..<m {
        for j in 0..<n {
            var sum: T = 0
            for p in 0..<k { sum = sum.addingProduct(element(a, i, p), element(b, p, j)) }
            c[i * n + j] = sum
        }
    }
}

/// Rung 2: for i, for k, c[i, :] += a_ik b[k, :] (unit stride through B's and C's rows when B is not transposed).
@inlinable
func reorderedProduct<T: BackpropScalar>(m: Int, n: Int, k: Int, a: Operand<T>, b: Operand<T>, c: UnsafeMutablePointer<T>) {
    c.update(repeating: 0, count: m * n)
    for i in 0..<m {
        let row = c + i * n
        for p in 0..<k {
            let aip = element(a, i, p)
            if b.transposed {
                for j in 0..<n { row[j] = row[j].addingProduct(aip, b.base[j * b.stride + p]) }
            } else {
                let bRow = b.base + p * b.stride
                for j in 0..<n { row[j] = row[j].addingProduct(aip, bRow[j]) }
            }
        }
    }
}

/// Rung 3: rung 2 on blocks of 64 rows × 256 (k) × 64 columns, so that a block of B and of C is reused from
/// cache; the k-blocks run in order, so each element's chain is unchanged.
@inlinable
func blockedProduct<T: BackpropScalar>(m: Int, n: Int, k: Int, a: Operand<T>, b: Operand<T>, c: UnsafeMutablePointer<T>) {
    let (mb, kb, nb) = (64, 256, 64)
    c.update(repeating: 0, count: m * n)
    for j0 in stride(from: 0, to: n, by: nb) {
        let j1 = min(n, j0 + nb)
        for p0 in stride(from: 0, to: k, by: kb) {
            let p1 = min(k, p0 + kb)
            for i0 in stride(from: 0, to: m, by: mb) {
                for i in i0..<min(m, i0 + mb) {
                    let row = c + i * n
                    for p in p0..<p1 {
                        let aip = element(a, i, p)
                        if b.transposed {
                            for j in j0..<j1 { row[j] = row[j].addingProduct(aip, b.base[j * b.stride + p]) }
                        } else {
                            let bRow = b.base + p * b.stride
                            for j in j0..<j1 { row[j] = row[j].addingProduct(aip, bRow[j]) }
                        }
                    }
                }
            }
        }
    }
}
