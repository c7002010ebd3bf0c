/// Matrix products C = op(A) · op(B) with the batch engine's GEMM, on `Matrix` values: the library's matrix
/// product for anyone who wants one, and the top rung of `backprop bench-kernels`' ladder.
///
///     op(A) [M, K] · op(B) [K, N] → C [M, N],   op(X) = X or Xᵀ (read in place, never materialised)
///
/// Every element is the chain c ← fma(a_ik, b_kj, c) for k in order from +0, whatever the threads.
public final class MatrixMultiplier<Scalar: BackpropScalar> {
    /// The threads a product may use.
    public let threads: Int
    @usableFromInline let pool: WorkerPool?
    @usableFromInline let workspaces: [GEMMWorkspace<Scalar>]

    /// This build's register tile for `Scalar`, e.g. "AVX2 tile 6 × 8" (`GEMMBlocking`): which one the package
    /// chose for the target CPU.
    public static var registerTile: String { GEMMBlocking<Scalar>.description }

    /// A multiplier whose products run on `pool`'s threads (the calling one included), or on the calling thread.
    public init(pool: WorkerPool?) {
        threads = pool?.threadCount ?? 1
        self.pool = pool
        workspaces = GEMMWorkspace.perThread(of: pool)
    }

    /// A multiplier with a pool of its own of `threads` threads.
    /// - Precondition: `threads ≥ 1`.
    public convenience init(threads: Int = 1) {
        self.init(pool: WorkerPool.forThreads(threads))
    }

    /// C = op(A) · op(B), written into `c` (reshaped, and reallocated, only if its shape is wrong).
    /// - Precondition: op(A)'s columns equal op(B)'s rows.
    /// - Complexity: 2·M·N·K flops.
    @inlinable
    public func multiply(
        _ a: Matrix<Scalar>, transposed aTransposed: Bool = false,
        _ b: Matrix<Scalar>, transposed bTransposed: Bool = false,
        into c: inout Matrix<Scalar>
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
                    gemm(m: m, n: n, k: k, a: opA, b: opB, c: cp.baseAddress!, ldc: n, start: .zero,
                         epilogue: NoEpilogue<Scalar>(), workspaces: workspaces, pool: pool)
                }
            }
        }
    }

    /// C = op(A) · op(B) in new storage.
    @inlinable
    public func product(
        _ a: Matrix<Scalar>, transposed aTransposed: Bool = false,
        _ b: Matrix<Scalar>, transposed bTransposed: Bool = false
    ) -> Matrix<Scalar> {
        var c = Matrix<Scalar>(rows: 0, columns: 0)
        multiply(a, transposed: aTransposed, b, transposed: bTransposed, into: &c)
        return c
    }
}
