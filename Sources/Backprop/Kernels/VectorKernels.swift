// The loop engine's kernels: one example, column vectors, matrix–vector products.
//
// Each one performs, for every output element, the same chain of operations as the corresponding GEMM
// (GEMM.swift): an accumulator that starts from the bias or +0 and takes one fused multiply-add per term of the
// sum, in index order. They are vectorised ACROSS output elements (j), never along the sum, which is what keeps
// the order.
//
//     forward        zⱼ = bⱼ + Σᵢ xᵢ Wᵢⱼ             i = 0…h_{l−1}−1 in order
//     hidden error   δⱼ = (Σₖ Wⱼₖ δ′ₖ) · σ′(aⱼ)       k = 0…h_{l+1}−1 in order, then one multiplication
//     rank-1 update  Gᵢⱼ ← fma(aᵢ, δⱼ, Gᵢⱼ)          one term of the sum over examples

/// A vector count known at compile time, so that a kernel specialised on it keeps exactly that many
/// accumulators in registers (the `if Count.value > v` tests fold away).
@usableFromInline protocol VectorCount { static var value: Int { get } }
@usableFromInline enum OneVector: VectorCount { @inlinable static var value: Int { 1 } }
@usableFromInline enum TwoVectors: VectorCount { @inlinable static var value: Int { 2 } }
@usableFromInline enum ThreeVectors: VectorCount { @inlinable static var value: Int { 3 } }
@usableFromInline enum FourVectors: VectorCount { @inlinable static var value: Int { 4 } }
@usableFromInline enum FiveVectors: VectorCount { @inlinable static var value: Int { 5 } }
@usableFromInline enum SixVectors: VectorCount { @inlinable static var value: Int { 6 } }
@usableFromInline enum SevenVectors: VectorCount { @inlinable static var value: Int { 7 } }
@usableFromInline enum EightVectors: VectorCount { @inlinable static var value: Int { 8 } }

/// The widest register block the row kernels use: 8 vectors (32 Doubles, 64 Floats).
@usableFromInline let maximumBlockVectors = 8

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
/// - Complexity: 2kn flops, W read once (in column blocks of up to 8 vectors held in registers).
@inlinable
func affineForward<T: BackpropScalar>(
    k: Int, n: Int, x: UnsafePointer<T>, w: UnsafePointer<T>, bias: UnsafePointer<T>, z: UnsafeMutablePointer<T>
) {
    let width = T.Vector.scalarCount
    let blockColumns = maximumBlockVectors * width
    var j = 0
    while j < n {
        let columns = min(blockColumns, n - j)
        let vectors = (columns + width - 1) / width
        let lastLanes = columns - (vectors - 1) * width
        let (bj, wj, zj) = (bias + j, w + j, z + j)
        switch vectors {
        case 1: forwardBlock(OneVector.self, k: k, x: x, w: wj, ldw: n, lastLanes: lastLanes, bias: bj, z: zj)
        case 2: forwardBlock(TwoVectors.self, k: k, x: x, w: wj, ldw: n, lastLanes: lastLanes, bias: bj, z: zj)
        case 3: forwardBlock(ThreeVectors.self, k: k, x: x, w: wj, ldw: n, lastLanes: lastLanes, bias: bj, z: zj)
        case 4: forwardBlock(FourVectors.self, k: k, x: x, w: wj, ldw: n, lastLanes: lastLanes, bias: bj, z: zj)
        case 5: forwardBlock(FiveVectors.self, k: k, x: x, w: wj, ldw: n, lastLanes: lastLanes, bias: bj, z: zj)
        case 6: forwardBlock(SixVectors.self, k: k, x: x, w: wj, ldw: n, lastLanes: lastLanes, bias: bj, z: zj)
        case 7: forwardBlock(SevenVectors.self, k: k, x: x, w: wj, ldw: n, lastLanes: lastLanes, bias: bj, z: zj)
        default: forwardBlock(EightVectors.self, k: k, x: x, w: wj, ldw: n, lastLanes: lastLanes, bias: bj, z: zj)
        }
        j += columns
    }
}

/// G[i, 0..<n] ← fma(a[i], δ[0..<n], G[i, 0..<n]) for every row i: one example's term of ∂W = Σ aˡ⁻¹ δˡᵀ.
///
/// - Parameters: `a` has k = h_{l−1} entries, `delta` n = h_l, `g` is `[k, n]` row-major.
/// - Complexity: 2kn flops; G read and written once. δ is held in registers, a block of up to 8 vectors at a
///   time; the columns past the last full vector are updated one scalar at a time (a full-width store there
///   would write into the next row).
@inlinable
func rankOneUpdate<T: BackpropScalar>(
    k: Int, n: Int, a: UnsafePointer<T>, delta: UnsafePointer<T>, g: UnsafeMutablePointer<T>
) {
    typealias V = T.Vector
    let width = V.scalarCount
    let fullVectors = n / width
    var v0 = 0
    while v0 < fullVectors {
        let count = min(maximumBlockVectors, fullVectors - v0)
        let d = delta + v0 * width
        let d0 = loadVector(d)
        let d1 = count > 1 ? loadVector(d + width) : V(), d2 = count > 2 ? loadVector(d + 2 * width) : V()
        let d3 = count > 3 ? loadVector(d + 3 * width) : V(), d4 = count > 4 ? loadVector(d + 4 * width) : V()
        let d5 = count > 5 ? loadVector(d + 5 * width) : V(), d6 = count > 6 ? loadVector(d + 6 * width) : V()
        let d7 = count > 7 ? loadVector(d + 7 * width) : V()
        var row = g + v0 * width
        for i in 0..<k {
            let ai = V(repeating: a[i])
            storeVector(loadVector(row).addingProduct(ai, d0), row)
            if count > 1 { storeVector(loadVector(row + width).addingProduct(ai, d1), row + width) }
            if count > 2 { storeVector(loadVector(row + 2 * width).addingProduct(ai, d2), row + 2 * width) }
            if count > 3 { storeVector(loadVector(row + 3 * width).addingProduct(ai, d3), row + 3 * width) }
            if count > 4 { storeVector(loadVector(row + 4 * width).addingProduct(ai, d4), row + 4 * width) }
            if count > 5 { storeVector(loadVector(row + 5 * width).addingProduct(ai, d5), row + 5 * width) }
            if count > 6 { storeVector(loadVector(row + 6 * width).addingProduct(ai, d6), row + 6 * width) }
            if count > 7 { storeVector(loadVector(row + 7 * width).addingProduct(ai, d7), row + 7 * width) }
            row += n
        }
        v0 += count
    }
    let tailStart = fullVectors * width
    if tailStart < n {
        var row = g + tailStart
        for i in 0..<k {
            let ai = a[i]
            for j in 0..<(n - tailStart) { row[j] = row[j].addingProduct(ai, delta[tailStart + j]) }
            row += n
        }
    }
}

/// s[j] = Σₖ W[j, k] · δ′[k] for k = 0…n−1 in order: the (Wˡ⁺¹ δˡ⁺¹) of the hidden error, before ∘ σ′.
///
/// - Parameters: `w` is `[rows, n]` row-major (Wˡ⁺¹, h_l × h_{l+1}), `delta` has n entries, `s` has `rows`.
/// - Complexity: 2·rows·n flops. The sum runs along W's rows, but the order forbids splitting it across vector
///   lanes, so lanes hold different j: each vector is gathered from `width` rows, four vectors at a time so that
///   four independent chains hide the FMA latency.
@inlinable
func transposedProduct<T: BackpropScalar>(
    rows: Int, n: Int, w: UnsafePointer<T>, delta: UnsafePointer<T>, s: UnsafeMutablePointer<T>
) {
    typealias V = T.Vector
    let width = V.scalarCount
    @inline(__always) func gather(_ p: UnsafePointer<T>, _ lanes: Int) -> V {
        var v = V()
        for lane in 0..<lanes { v[lane] = p[lane * n] }
        return v
    }
    var j = 0
    // Four full vectors (4·width rows) at a time.
    while j + 4 * width <= rows {
        var s0 = V(), s1 = V(), s2 = V(), s3 = V()
        let base = w + j * n
        for k in 0..<n {
            let d = V(repeating: delta[k])
            s0 = s0.addingProduct(gather(base + k, width), d)
            s1 = s1.addingProduct(gather(base + width * n + k, width), d)
            s2 = s2.addingProduct(gather(base + 2 * width * n + k, width), d)
            s3 = s3.addingProduct(gather(base + 3 * width * n + k, width), d)
        }
        storeVector(s0, s + j)
        storeVector(s1, s + j + width)
        storeVector(s2, s + j + 2 * width)
        storeVector(s3, s + j + 3 * width)
        j += 4 * width
    }
    // The rest, one (possibly partial) vector at a time.
    while j < rows {
        let lanes = min(width, rows - j)
        var acc = V()
        let base = w + j * n
        for k in 0..<n {
            acc = acc.addingProduct(gather(base + k, lanes), V(repeating: delta[k]))
        }
        storePartial(acc, s + j, lanes)
        j += lanes
    }
}
