// The bias gradient's reduction: the sums down the columns of Δ, each column's chain in row order.

/// s[j] = (+0 + A[0, j] + A[1, j] + … + A[m−1, j]) × scale for j in 0..<n: the column sums of an `[m, n]` block of
/// a row-major matrix (row stride `stride`), each added row after row from +0 and then multiplied once by `scale`.
///
///     ∂bˡ = (1/m) Σᵢ Δˡ[i, :]        [h_l] from [m, h_l]
///
/// These are exactly the operations of the loop engine's `∂bˡ ← ∂bˡ + δˡᵢ` for i = 0…m−1 from a zeroed ∂bˡ,
/// then `× 1/m`, so the bits are the same. The order of work is not: a block of eight vectors of columns keeps
/// its eight running sums in registers while it walks down all m rows, then the next block does the same.
/// Adding row after row into a sum in memory would store and reload every sum once per row.
///
/// - Precondition: `stride ≥ n`; `a` holds m rows of `stride`, `s` has room for n.
/// - Complexity: mn additions and n multiplications; A read once, s written once.
@inlinable
func columnSums<T: BackpropScalar>(
    rows m: Int, columns n: Int, _ a: UnsafePointer<T>, stride: Int, scale: T, into s: UnsafeMutablePointer<T>
) {
    let w = T.Vector.scalarCount
    let factor = T.Vector(repeating: scale)
    var j = 0
    // Eight vectors of columns at a time: eight independent chains hide the addition's latency.
    while j + 8 * w <= n {
        var s0 = T.Vector(), s1 = T.Vector(), s2 = T.Vector(), s3 = T.Vector()
        var s4 = T.Vector(), s5 = T.Vector(), s6 = T.Vector(), s7 = T.Vector()
        var p = a + j
        for _ in 0..<m {
            s0 = s0 + loadVector(p)
            s1 = s1 + loadVector(p + w)
            s2 = s2 + loadVector(p + 2 * w)
            s3 = s3 + loadVector(p + 3 * w)
            s4 = s4 + loadVector(p + 4 * w)
            s5 = s5 + loadVector(p + 5 * w)
            s6 = s6 + loadVector(p + 6 * w)
            s7 = s7 + loadVector(p + 7 * w)
            p += stride
        }
        storeVector(s0 * factor, s + j)
        storeVector(s1 * factor, s + j + w)
        storeVector(s2 * factor, s + j + 2 * w)
        storeVector(s3 * factor, s + j + 3 * w)
        storeVector(s4 * factor, s + j + 4 * w)
        storeVector(s5 * factor, s + j + 5 * w)
        storeVector(s6 * factor, s + j + 6 * w)
        storeVector(s7 * factor, s + j + 7 * w)
        j += 8 * w
    }
    // Then one vector at a time.
    while j + w <= n {
        var sum = T.Vector()
        var p = a + j
        for _ in 0..<m {
            sum = sum + loadVector(p)
            p += stride
        }
        storeVector(sum * factor, s + j)
        j += w
    }
    // The last few columns in the low lanes of a zero-padded vector: nothing past column n is read or written.
    if j < n {
        let rest = n - j
        var sum = T.Vector()
        var p = a + j
        for _ in 0..<m {
            sum = sum + loadPartial(p, rest)
            p += stride
        }
        storePartial(sum * factor, s + j, rest)
    }
}
