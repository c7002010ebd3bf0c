/// The products too small for tiles, computed with the loop engine's kernels (the same chain per element):
///
/// - no sum (K = 0): C is its start value;
/// - one or two rows of C: a matrix–vector product per row (the forward kernel, or the hidden-error kernel for a
///   transposed B from +0), since a tile would hold only two accumulator chains per row and wait on the FMA latency;
/// - a short sum (K ≤ 8) with A read transposed: the weight gradient of a batch of at most 8 examples, each row of C
///   whole in registers with the 1/m fused; for K = 1 it is exactly the loop engine's rank-one update.
///
/// Returns false, having done nothing, when the product is none of these.
/// - Complexity: 2·m·n·k flops.
@inlinable @inline(__always)
func smallProduct<T: BackpropScalar, E: TileEpilogue>(
    m: Int, n: Int, k: Int, a: Operand<T>, b: Operand<T>, c: UnsafeMutablePointer<T>, ldc: Int,
    start: GEMMStart<T>, epilogue: E, rowOffset: Int, columnOffset: Int
) -> Bool where E.Scalar == T {
    if k == 0 {
        for i in 0..<m {
            let row = c + i * ldc
            if let bias = start.bias { row.update(from: bias, count: n) } else { row.update(repeating: 0, count: n) }
        }
        epilogue.finish(c, ldc, row: rowOffset, column: columnOffset, rows: m, columns: n)
        return true
    }
    if m <= 2 && !a.transposed && (!b.transposed || start.bias == nil) {
        for i in 0..<m {
            let row = c + i * ldc
            let x = a.base + i * a.stride
            if b.transposed {
                // C[i, j] = Σₖ A[i, k] B[j, k] from +0: the hidden-error kernel.
                transposedProduct(rows: n, n: k, w: b.base, delta: x, s: row, ldw: b.stride)
            } else if let bias = start.bias {
                // C[i, :] = b + Σₖ A[i, k] B[k, :]: the forward kernel.
                affineForward(k: k, n: n, x: x, w: b.base, bias: bias, z: row, ldw: b.stride)
            } else {
                row.update(repeating: 0, count: n)
                affineForward(k: k, n: n, x: x, w: b.base, bias: row, z: row, ldw: b.stride)
            }
        }
        epilogue.finish(c, ldc, row: rowOffset, column: columnOffset, rows: m, columns: n)
        return true
    }
    if k <= 8 && a.transposed && !b.transposed && start.bias == nil {
        let scale = epilogue.fusedScale
        if k == 1 {
            // C = a bᵀ: a = op(A)'s only column (contiguous in the stored row), b = B's only row.
            rankOneUpdate(k: m, n: n, a: a.base, delta: b.base, g: c, first: true, scale: scale, ldg: ldc)
        } else {
            shortSum(m: m, n: n, k: k, a: a.base, lda: a.stride, b: b.base, ldb: b.stride, c: c, ldc: ldc, scale: scale)
        }
        if scale == nil { epilogue.finish(c, ldc, row: rowOffset, column: columnOffset, rows: m, columns: n) }
        return true
    }
    return false
}
