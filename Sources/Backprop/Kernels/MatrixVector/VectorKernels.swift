/// The loop engine's matrix–vector kernels, for one example (column vectors), on arrays, for the benchmark of the
/// kernels (`backprop bench-kernels`): not part of the library's API (`@_spi(Benchmarks) import Backprop`).
///
/// Each computes every output as one FMA chain in index order (the bitwise contract, docs/bitwise-identity.md).
@_spi(Benchmarks)
public enum VectorKernels {
    /// z = Wᵀ x + b: z[j] = b[j] + Σᵢ x[i] W[i, j], i in order.
    /// - Precondition: `x.count == w.rows`, `bias.count == w.columns`, `z.count == w.columns`.
    /// - Complexity: 2·rows·columns flops; W is read once.
    @inlinable
    public static func forward<T: BackpropScalar>(_ w: Matrix<T>, _ x: [T], bias: [T], into z: inout [T]) {
        precondition(x.count == w.rows && bias.count == w.columns && z.count == w.columns, "shapes disagree")
        affineForward(k: w.rows, n: w.columns, x: x, w: w.elements, bias: bias, z: &z)
    }

    /// s = W δ: s[j] = Σₖ W[j, k] δ[k], k in order (the hidden error before ∘ σ′).
    /// - Precondition: `delta.count == w.columns`, `s.count == w.rows`.
    @inlinable
    public static func backward<T: BackpropScalar>(_ w: Matrix<T>, _ delta: [T], into s: inout [T]) {
        precondition(delta.count == w.columns && s.count == w.rows, "shapes disagree")
        transposedProduct(rows: w.rows, n: w.columns, w: w.elements, delta: delta, s: &s)
    }

    /// G += a δᵀ: one example's term of ∂W.
    /// - Precondition: `a.count == g.rows`, `delta.count == g.columns`.
    @inlinable
    public static func addOuterProduct<T: BackpropScalar>(_ g: inout Matrix<T>, _ a: [T], _ delta: [T]) {
        precondition(a.count == g.rows && delta.count == g.columns, "shapes disagree")
        let (rows, columns) = (g.rows, g.columns)
        g.elements.withUnsafeMutableBufferPointer { buffer in
            rankOneUpdate(k: rows, n: columns, a: a, delta: delta, g: buffer.baseAddress!)
        }
    }
}
