// The loop engine's kernels: one example, column vectors, matrix–vector products.
//
// Each one performs, for every output element, the same chain of operations as the corresponding GEMM
// (GEMM/): an accumulator that starts from the bias or +0 and takes one fused multiply-add per term of the
// sum, in index order. They are vectorised ACROSS output elements (j), never along the sum, which is what keeps
// the order.
//
//     forward        zⱼ = bⱼ + Σᵢ xᵢ Wᵢⱼ             i = 0…h_{l−1}−1 in order
//     hidden error   δⱼ = (Σₖ Wⱼₖ δ′ₖ) · σ′(aⱼ)       k = 0…h_{l+1}−1 in order, then one multiplication
//     rank-1 update  Gᵢⱼ ← fma(aᵢ, δⱼ, Gᵢⱼ)          one term of the sum over examples

/// z[0..<n] = b + Σᵢ x[i] · W[i, 0..<n] for i = 0…k−1 in order, for a column block of `Count` vectors starting at
/// column 0 of `w` (row stride `ldw`), whose last vector holds `lastLanes` (1…width) valid columns.
///
/// Rows before the last are read with full vectors even past the block's last valid column: those lanes read the
/// next row's first elements, which are valid memory and whose results are thrown away. The last row is read
/// with a partial load, so nothing past the matrix is touched.
@inlinable @inline(__always)
func forwardBlock<T: BackpropScalar, Count: VectorCount>(
    _: Count.Type, k: Int, x: UnsafePointer<T>, w: UnsafePointer<T>, ldw: Int, lastLanes: Int,
    bias: UnsafePointer<T>, z: UnsafeMutablePointer<T>
) {
    typealias V = T.Vector
    let width = V.scalarCount
    @inline(__always) func start(_ v: Int) -> V {
        v == Count.value - 1 ? loadPartial(bias + v * width, lastLanes) : loadVector(bias + v * width)
    }
    var a0 = start(0)
    var a1 = Count.value > 1 ? start(1) : V(), a2 = Count.value > 2 ? start(2) : V()
    var a3 = Count.value > 3 ? start(3) : V(), a4 = Count.value > 4 ? start(4) : V()
    var a5 = Count.value > 5 ? start(5) : V(), a6 = Count.value > 6 ? start(6) : V()
    var a7 = Count.value > 7 ? start(7) : V()
    // A full-width load of the block's last vector is safe on every row whose block end (rounded up to a vector)
    // stays inside the matrix: all rows but the last when the block is ragged.
    let fullRows = lastLanes == width ? k : k - 1
    var row = w
    for i in 0..<fullRows {
        let xi = V(repeating: x[i])
        a0 = a0.addingProduct(xi, loadVector(row))
        if Count.value > 1 { a1 = a1.addingProduct(xi, loadVector(row + width)) }
        if Count.value > 2 { a2 = a2.addingProduct(xi, loadVector(row + 2 * width)) }
        if Count.value > 3 { a3 = a3.addingProduct(xi, loadVector(row + 3 * width)) }
        if Count.value > 4 { a4 = a4.addingProduct(xi, loadVector(row + 4 * width)) }
        if Count.value > 5 { a5 = a5.addingProduct(xi, loadVector(row + 5 * width)) }
        if Count.value > 6 { a6 = a6.addingProduct(xi, loadVector(row + 6 * width)) }
        if Count.value > 7 { a7 = a7.addingProduct(xi, loadVector(row + 7 * width)) }
        row += ldw
    }
    if fullRows < k {
        let xi = V(repeating: x[k - 1])
        @inline(__always) func load(_ v: Int) -> V {
            v == Count.value - 1 ? loadPartial(row + v * width, lastLanes) : loadVector(row + v * width)
        }
        a0 = a0.addingProduct(xi, load(0))
        if Count.value > 1 { a1 = a1.addingProduct(xi, load(1)) }
        if Count.value > 2 { a2 = a2.addingProduct(xi, load(2)) }
        if Count.value > 3 { a3 = a3.addingProduct(xi, load(3)) }
        if Count.value > 4 { a4 = a4.addingProduct(xi, load(4)) }
        if Count.value > 5 { a5 = a5.addingProduct(xi, load(5)) }
        if Count.value > 6 { a6 = a6.addingProduct(xi, load(6)) }
        if Count.value > 7 { a7 = a7.addingProduct(xi, load(7)) }
    }
    @inline(__always) func store(_ a: V, _ v: Int) {
        if v == Count.value - 1 { storePartial(a, z + v * width, lastLanes) } else { storeVector(a, z + v * width) }
    }
    store(a0, 0)
    if Count.value > 1 { store(a1, 1) }
    if Count.value > 2 { store(a2, 2) }
    if Count.value > 3 { store(a3, 3) }
    if Count.value > 4 { store(a4, 4) }
    if Count.value > 5 { store(a5, 5) }
    if Count.value > 6 { store(a6, 6) }
    if Count.value > 7 { store(a7, 7) }
}

/// zˡ = (Wˡ)ᵀ x + bˡ for one example: z[j] = b[j] + Σᵢ x[i] W[i, j], i in order.
///
/// - Parameters: `x` has k = h_{l−1} entries, `w` is `[k, n]` row-major, `bias` and `z` have n = h_l entries.
/// - Complexity: 2kn flops, W read once. Rows of up to 8 vectors keep all of z in registers for one pass over
///   W; wider rows stream W row after row, four rows per step, with z in L1 (faster than several register-blocked
///   passes over the columns, which read W with a large stride).
@inlinable
func affineForward<T: BackpropScalar>(
    k: Int, n: Int, x: UnsafePointer<T>, w: UnsafePointer<T>, bias: UnsafePointer<T>, z: UnsafeMutablePointer<T>,
    ldw: Int? = nil
) {
    let width = T.Vector.scalarCount
    let vectors = (n + width - 1) / width
    let ldw = ldw ?? n
    guard vectors <= maximumBlockVectors else {
        streamingForward(k: k, n: n, x: x, w: w, bias: bias, z: z, ldw: ldw)
        return
    }
    let lastLanes = n - (vectors - 1) * width
    switch vectors {
    case 1: forwardBlock(OneVector.self, k: k, x: x, w: w, ldw: ldw, lastLanes: lastLanes, bias: bias, z: z)
    case 2: forwardBlock(TwoVectors.self, k: k, x: x, w: w, ldw: ldw, lastLanes: lastLanes, bias: bias, z: z)
    case 3: forwardBlock(ThreeVectors.self, k: k, x: x, w: w, ldw: ldw, lastLanes: lastLanes, bias: bias, z: z)
    case 4: forwardBlock(FourVectors.self, k: k, x: x, w: w, ldw: ldw, lastLanes: lastLanes, bias: bias, z: z)
    case 5: forwardBlock(FiveVectors.self, k: k, x: x, w: w, ldw: ldw, lastLanes: lastLanes, bias: bias, z: z)
    case 6: forwardBlock(SixVectors.self, k: k, x: x, w: w, ldw: ldw, lastLanes: lastLanes, bias: bias, z: z)
    case 7: forwardBlock(SevenVectors.self, k: k, x: x, w: w, ldw: ldw, lastLanes: lastLanes, bias: bias, z: z)
    default: forwardBlock(EightVectors.self, k: k, x: x, w: w, ldw: ldw, lastLanes: lastLanes, bias: bias, z: z)
    }
}

/// The wide-row forward: z = b, then for each step of four rows i…i+3,
/// z[j] ← fma(x[i+3], W[i+3, j], fma(x[i+2], …, fma(x[i], W[i, j], z[j]))) — the same chain, in the same order.
@inlinable
func streamingForward<T: BackpropScalar>(
    k: Int, n: Int, x: UnsafePointer<T>, w: UnsafePointer<T>, bias: UnsafePointer<T>, z: UnsafeMutablePointer<T>,
    ldw: Int
) {
    typealias V = T.Vector
    let width = V.scalarCount
    let full = n / width * width
    if UnsafePointer(z) != bias { z.update(from: bias, count: n) }
    var i = 0
    var row = w
    while i + 4 <= k {
        let s0 = x[i], s1 = x[i + 1], s2 = x[i + 2], s3 = x[i + 3]
        let x0 = V(repeating: s0), x1 = V(repeating: s1), x2 = V(repeating: s2), x3 = V(repeating: s3)
        let (r1, r2, r3) = (row + ldw, row + 2 * ldw, row + 3 * ldw)
        var j = 0
        while j < full {
            let sum = loadVector(z + j).addingProduct(x0, loadVector(row + j)).addingProduct(x1, loadVector(r1 + j))
                .addingProduct(x2, loadVector(r2 + j)).addingProduct(x3, loadVector(r3 + j))
            storeVector(sum, z + j)
            j += width
        }
        while j < n {
            z[j] = z[j].addingProduct(s0, row[j]).addingProduct(s1, r1[j]).addingProduct(s2, r2[j]).addingProduct(s3, r3[j])
            j += 1
        }
        i += 4
        row += 4 * ldw
    }
    while i < k {
        let s0 = x[i]
        let x0 = V(repeating: s0)
        var j = 0
        while j < full {
            storeVector(loadVector(z + j).addingProduct(x0, loadVector(row + j)), z + j)
            j += width
        }
        while j < n {
            z[j] = z[j].addingProduct(s0, row[j])
            j += 1
        }
        i += 1
        row += ldw
    }
}
