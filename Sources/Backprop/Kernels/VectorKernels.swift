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
@usableFromInline enum NoVectors: VectorCount { @inlinable static var value: Int { 0 } }
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

/// How a rank-one update starts and ends: from the stored G or from +0 (the first example, which saves zeroing
/// G first), and with or without a final multiplication by 1/m (the last example, which saves a pass scaling G
/// afterwards). Either way each element's chain is +0, fma, fma, …, fma, × 1/m: the bitwise contract's.
@usableFromInline protocol RankOneMode {
    static var startsFromZero: Bool { get }
    static var scales: Bool { get }
}
@usableFromInline enum AccumulateMode: RankOneMode {
    @inlinable static var startsFromZero: Bool { false }
    @inlinable static var scales: Bool { false }
}
@usableFromInline enum FirstExampleMode: RankOneMode {
    @inlinable static var startsFromZero: Bool { true }
    @inlinable static var scales: Bool { false }
}
@usableFromInline enum LastExampleMode: RankOneMode {
    @inlinable static var startsFromZero: Bool { false }
    @inlinable static var scales: Bool { true }
}
@usableFromInline enum OnlyExampleMode: RankOneMode {
    @inlinable static var startsFromZero: Bool { true }
    @inlinable static var scales: Bool { true }
}

/// G[i, 0..<n] ← fma(a[i], δ[0..<n], G[i, 0..<n]) for every row i: one example's term of ∂W = Σ aˡ⁻¹ δˡᵀ.
///
/// - Parameters: `a` has k = h_{l−1} entries, `delta` n = h_l, `g` is `[k, n]` row-major; with `first`, G's old
///   contents are ignored (the chain starts from +0); with `scale`, every element is then multiplied by it.
/// - Complexity: 2kn flops; G read and written once, row after row. Rows of up to 8 full vectors hold δ in
///   registers; wider rows read it from L1. The columns past the last full vector are updated in the same pass
///   over the row: by one more vector overlapping the last full one when there is one (rows of up to 8
///   vectors), else one scalar at a time (a full-width store past the row's end would write into the next row).
@inlinable
func rankOneUpdate<T: BackpropScalar>(
    k: Int, n: Int, a: UnsafePointer<T>, delta: UnsafePointer<T>, g: UnsafeMutablePointer<T>,
    first: Bool = false, scale: T? = nil, ldg: Int? = nil
) {
    let ldg = ldg ?? n
    switch (first, scale) {
    case (false, nil): rankOneUpdate(AccumulateMode.self, k: k, n: n, a: a, delta: delta, g: g, ldg: ldg, scale: 1)
    case (true, nil): rankOneUpdate(FirstExampleMode.self, k: k, n: n, a: a, delta: delta, g: g, ldg: ldg, scale: 1)
    case (false, let factor?): rankOneUpdate(LastExampleMode.self, k: k, n: n, a: a, delta: delta, g: g, ldg: ldg, scale: factor)
    case (true, let factor?): rankOneUpdate(OnlyExampleMode.self, k: k, n: n, a: a, delta: delta, g: g, ldg: ldg, scale: factor)
    }
}

@inlinable @inline(__always)
func rankOneUpdate<T: BackpropScalar, Mode: RankOneMode>(
    _: Mode.Type, k: Int, n: Int, a: UnsafePointer<T>, delta: UnsafePointer<T>, g: UnsafeMutablePointer<T>, ldg: Int,
    scale: T
) {
    let fullVectors = n / T.Vector.scalarCount
    switch fullVectors {
    case 0: rankOneBlock(NoVectors.self, Mode.self, k: k, n: n, a: a, delta: delta, g: g, ldg: ldg, scale: scale)
    case 1: rankOneBlock(OneVector.self, Mode.self, k: k, n: n, a: a, delta: delta, g: g, ldg: ldg, scale: scale)
    case 2: rankOneBlock(TwoVectors.self, Mode.self, k: k, n: n, a: a, delta: delta, g: g, ldg: ldg, scale: scale)
    case 3: rankOneBlock(ThreeVectors.self, Mode.self, k: k, n: n, a: a, delta: delta, g: g, ldg: ldg, scale: scale)
    case 4: rankOneBlock(FourVectors.self, Mode.self, k: k, n: n, a: a, delta: delta, g: g, ldg: ldg, scale: scale)
    case 5: rankOneBlock(FiveVectors.self, Mode.self, k: k, n: n, a: a, delta: delta, g: g, ldg: ldg, scale: scale)
    case 6: rankOneBlock(SixVectors.self, Mode.self, k: k, n: n, a: a, delta: delta, g: g, ldg: ldg, scale: scale)
    case 7: rankOneBlock(SevenVectors.self, Mode.self, k: k, n: n, a: a, delta: delta, g: g, ldg: ldg, scale: scale)
    case 8: rankOneBlock(EightVectors.self, Mode.self, k: k, n: n, a: a, delta: delta, g: g, ldg: ldg, scale: scale)
    default: streamingRankOne(Mode.self, k: k, n: n, a: a, delta: delta, g: g, ldg: ldg, scale: scale)
    }
}

/// One element (or vector) of the update: start (stored or +0), fma, then × scale when the mode scales.
@inlinable @inline(__always)
func rankOneStep<V: SIMD, Mode: RankOneMode>(_: Mode.Type, _ stored: @autoclosure () -> V, _ a: V, _ d: V, _ scale: V) -> V
where V.Scalar: FloatingPoint {
    let sum = (Mode.startsFromZero ? V() : stored()).addingProduct(a, d)
    return Mode.scales ? sum * scale : sum
}

/// The rank-one update of rows with `Count` full vectors (δ in registers) and a scalar tail.
@inlinable @inline(__always)
func rankOneBlock<T: BackpropScalar, Count: VectorCount, Mode: RankOneMode>(
    _: Count.Type, _: Mode.Type, k: Int, n: Int, a: UnsafePointer<T>, delta: UnsafePointer<T>,
    g: UnsafeMutablePointer<T>, ldg: Int, scale: T
) {
    typealias V = T.Vector
    let width = V.scalarCount
    @inline(__always) func d(_ v: Int) -> V { Count.value > v ? loadVector(delta + v * width) : V() }
    let d0 = d(0), d1 = d(1), d2 = d(2), d3 = d(3), d4 = d(4), d5 = d(5), d6 = d(6), d7 = d(7)
    let factor = V(repeating: scale)
    let tailStart = Count.value * width
    // A ragged tail after at least one full vector is done as one more full vector ending at the row's end,
    // overlapping the last full one. It is computed from G's values before any store, so the overlapping lanes
    // get the same value twice (the same fma of the same operands), never a second fma.
    let overlapping = Count.value > 0 && tailStart < n
    let tailOffset = n - width
    let dTail = overlapping ? loadVector(delta + tailOffset) : V()
    var row = g
    for i in 0..<k {
        let s = a[i]
        let ai = V(repeating: s)
        let tail = overlapping ? rankOneStep(Mode.self, loadVector(row + tailOffset), ai, dTail, factor) : V()
        @inline(__always) func update(_ v: Int, _ dv: V) {
            let p = row + v * width
            storeVector(rankOneStep(Mode.self, loadVector(p), ai, dv, factor), p)
        }
        if Count.value > 0 { update(0, d0) }
        if Count.value > 1 { update(1, d1) }
        if Count.value > 2 { update(2, d2) }
        if Count.value > 3 { update(3, d3) }
        if Count.value > 4 { update(4, d4) }
        if Count.value > 5 { update(5, d5) }
        if Count.value > 6 { update(6, d6) }
        if Count.value > 7 { update(7, d7) }
        if overlapping {
            storeVector(tail, row + tailOffset)
        } else {
            var j = tailStart
            while j < n {
                let sum = (Mode.startsFromZero ? 0 : row[j]).addingProduct(s, delta[j])
                row[j] = Mode.scales ? sum * scale : sum
                j += 1
            }
        }
        row += ldg
    }
}

/// The rank-one update of wide rows: row after row, two vectors per step, δ read from L1.
@inlinable
func streamingRankOne<T: BackpropScalar, Mode: RankOneMode>(
    _: Mode.Type, k: Int, n: Int, a: UnsafePointer<T>, delta: UnsafePointer<T>, g: UnsafeMutablePointer<T>, ldg: Int,
    scale: T
) {
    typealias V = T.Vector
    let width = V.scalarCount
    let full = n / width * width
    let factor = V(repeating: scale)
    var row = g
    for i in 0..<k {
        let s = a[i]
        let ai = V(repeating: s)
        var j = 0
        while j + 2 * width <= full {
            storeVector(rankOneStep(Mode.self, loadVector(row + j), ai, loadVector(delta + j), factor), row + j)
            storeVector(rankOneStep(Mode.self, loadVector(row + j + width), ai, loadVector(delta + j + width), factor),
                        row + j + width)
            j += 2 * width
        }
        if j < full {
            storeVector(rankOneStep(Mode.self, loadVector(row + j), ai, loadVector(delta + j), factor), row + j)
            j += width
        }
        while j < n {
            let sum = (Mode.startsFromZero ? 0 : row[j]).addingProduct(s, delta[j])
            row[j] = Mode.scales ? sum * scale : sum
            j += 1
        }
        row += ldg
    }
}

/// C[i, :] = start + Σₚ A[p, i] B[p, :] for p = 0…k−1 in order, with k small (≤ 8): each row of C whole in
/// registers (start +0, or C's values), one FMA per term, then × `scale` if given, stored once.
///
/// - Parameters: A is read transposed in place (`a[p · lda + i]`), B is `[k, n]` (row stride `ldb`), C `[m, n]`
///   (row stride `ldc`). This is the weight gradient (1/m) Aᵀ Δ of a batch of at most 8 examples.
@inlinable
func shortSum<T: BackpropScalar>(
    m: Int, n: Int, k: Int, a: UnsafePointer<T>, lda: Int, b: UnsafePointer<T>, ldb: Int,
    c: UnsafeMutablePointer<T>, ldc: Int, fromZero: Bool, scale: T?
) {
    let fullVectors = n / T.Vector.scalarCount
    var column = 0
    // Blocks of up to 8 full vectors, then the scalar tail in the last block's pass: the block after which no
    // full vector is left (the tail, narrower than a vector, joins it).
    repeat {
        let vectors = min(maximumBlockVectors, fullVectors - column / T.Vector.scalarCount)
        let last = column + (vectors + 1) * T.Vector.scalarCount > n
        let end = last ? n : column + vectors * T.Vector.scalarCount
        switch vectors {
        case 0: shortSumBlock(NoVectors.self, m, column, end, k, a, lda, b, ldb, c, ldc, fromZero, scale)
        case 1: shortSumBlock(OneVector.self, m, column, end, k, a, lda, b, ldb, c, ldc, fromZero, scale)
        case 2: shortSumBlock(TwoVectors.self, m, column, end, k, a, lda, b, ldb, c, ldc, fromZero, scale)
        case 3: shortSumBlock(ThreeVectors.self, m, column, end, k, a, lda, b, ldb, c, ldc, fromZero, scale)
        case 4: shortSumBlock(FourVectors.self, m, column, end, k, a, lda, b, ldb, c, ldc, fromZero, scale)
        case 5: shortSumBlock(FiveVectors.self, m, column, end, k, a, lda, b, ldb, c, ldc, fromZero, scale)
        case 6: shortSumBlock(SixVectors.self, m, column, end, k, a, lda, b, ldb, c, ldc, fromZero, scale)
        case 7: shortSumBlock(SevenVectors.self, m, column, end, k, a, lda, b, ldb, c, ldc, fromZero, scale)
        default: shortSumBlock(EightVectors.self, m, column, end, k, a, lda, b, ldb, c, ldc, fromZero, scale)
        }
        column = end
    } while column < n
}

/// Columns `column..<end` of every row: `Count` full vectors from `column`, then scalars up to `end`.
@inlinable @inline(__always)
func shortSumBlock<T: BackpropScalar, Count: VectorCount>(
    _: Count.Type, _ m: Int, _ column: Int, _ end: Int, _ k: Int, _ a: UnsafePointer<T>, _ lda: Int,
    _ b: UnsafePointer<T>, _ ldb: Int, _ c: UnsafeMutablePointer<T>, _ ldc: Int, _ fromZero: Bool, _ scale: T?
) {
    typealias V = T.Vector
    let width = V.scalarCount
    let factor = V(repeating: scale ?? 1)
    let tailStart = column + Count.value * width
    let tail = end - tailStart  // < width
    precondition(k <= 8 && tail < width, "shortSum: k ≤ 8 and a tail narrower than a vector")
    // Each row's ragged tail is one more vector chain (lane j of a vector fma is the scalar fma of column j: the
    // same operations). After at least one full vector, the tail vector ends at the block's end and overlaps the
    // last full one: it is computed from C's values before any store, so the overlapping lanes get the same value
    // twice, never a second fma. With no full vector, it is a zero-padded partial vector, whose k rows of B are
    // gathered once for all the rows of C.
    let overlapping = Count.value > 0 && tail > 0
    let tailOffset = overlapping ? end - width : tailStart
    var b0 = V(), b1 = V(), b2 = V(), b3 = V(), b4 = V(), b5 = V(), b6 = V(), b7 = V()
    if tail > 0 && !overlapping {
        @inline(__always) func gather(_ p: Int) -> V {
            p < k ? loadPartial(b + p * ldb + tailOffset, tail) : V()
        }
        b0 = gather(0); b1 = gather(1); b2 = gather(2); b3 = gather(3)
        b4 = gather(4); b5 = gather(5); b6 = gather(6); b7 = gather(7)
    }
    for i in 0..<m {
        let row = c + i * ldc + column
        let target = c + i * ldc + tailOffset
        @inline(__always) func start(_ v: Int) -> V { fromZero || Count.value <= v ? V() : loadVector(row + v * width) }
        var sums = (start(0), start(1), start(2), start(3), start(4), start(5), start(6), start(7))
        // The tail starts from C's values before any store of this row (the overlapping lanes included).
        var t = V()
        if tail > 0 && !fromZero { t = overlapping ? loadVector(target) : loadPartial(UnsafePointer(target), tail) }
        // Term p: A[p, i] (down A's column i, one broadcast for the whole row) times B's row p. An overlapping
        // tail is one more vector of the same row of B, read with the others: two loops, with and without it, so
        // that neither tests for it at every term.
        var bRow = b + column
        var aTerm = a + i
        if overlapping {
            let tailColumn = tailOffset - column
            for _ in 0..<k {
                let x = V(repeating: aTerm.pointee)
                addTerm(Count.self, x, bRow, &sums)
                t = t.addingProduct(x, loadVector(bRow + tailColumn))
                bRow += ldb
                aTerm += lda
            }
        } else {
            for _ in 0..<k {
                addTerm(Count.self, V(repeating: aTerm.pointee), bRow, &sums)
                bRow += ldb
                aTerm += lda
            }
        }
        let (c0, c1, c2, c3, c4, c5, c6, c7) = sums
        @inline(__always) func finish(_ v: V) -> V { scale == nil ? v : v * factor }
        if tail > 0 {
            if !overlapping {
                // A partial tail (no full vector before it), from B's gathered rows.
                @inline(__always) func step(_ p: Int, _ bp: V) {
                    if p < k { t = t.addingProduct(V(repeating: a[p * lda + i]), bp) }
                }
                step(0, b0); step(1, b1); step(2, b2); step(3, b3); step(4, b4); step(5, b5); step(6, b6); step(7, b7)
            }
            t = finish(t)
        }
        if Count.value > 0 { storeVector(finish(c0), row) }
        if Count.value > 1 { storeVector(finish(c1), row + width) }
        if Count.value > 2 { storeVector(finish(c2), row + 2 * width) }
        if Count.value > 3 { storeVector(finish(c3), row + 3 * width) }
        if Count.value > 4 { storeVector(finish(c4), row + 4 * width) }
        if Count.value > 5 { storeVector(finish(c5), row + 5 * width) }
        if Count.value > 6 { storeVector(finish(c6), row + 6 * width) }
        if Count.value > 7 { storeVector(finish(c7), row + 7 * width) }
        if tail > 0 {
            if overlapping { storeVector(t, target) } else { storePartial(t, target, tail) }
        }
    }
}

/// One term of a short sum's row: sums[v] += x · B[p, v-th vector] for the first `Count` vectors of B's row p.
@inlinable @inline(__always)
func addTerm<T: BackpropScalar, Count: VectorCount>(
    _: Count.Type, _ x: T.Vector, _ bRow: UnsafePointer<T>,
    _ sums: inout (T.Vector, T.Vector, T.Vector, T.Vector, T.Vector, T.Vector, T.Vector, T.Vector)
) {
    let width = T.Vector.scalarCount
    if Count.value > 0 { sums.0 = sums.0.addingProduct(x, loadVector(bRow)) }
    if Count.value > 1 { sums.1 = sums.1.addingProduct(x, loadVector(bRow + width)) }
    if Count.value > 2 { sums.2 = sums.2.addingProduct(x, loadVector(bRow + 2 * width)) }
    if Count.value > 3 { sums.3 = sums.3.addingProduct(x, loadVector(bRow + 3 * width)) }
    if Count.value > 4 { sums.4 = sums.4.addingProduct(x, loadVector(bRow + 4 * width)) }
    if Count.value > 5 { sums.5 = sums.5.addingProduct(x, loadVector(bRow + 5 * width)) }
    if Count.value > 6 { sums.6 = sums.6.addingProduct(x, loadVector(bRow + 6 * width)) }
    if Count.value > 7 { sums.7 = sums.7.addingProduct(x, loadVector(bRow + 7 * width)) }
}

/// s[j] = Σₖ W[j, k] · δ′[k] for k = 0…n−1 in order: the (Wˡ⁺¹ δˡ⁺¹) of the hidden error, before ∘ σ′.
///
/// - Parameters: `w` is `[rows, n]` row-major (Wˡ⁺¹, h_l × h_{l+1}), `delta` has n entries, `s` has `rows`.
/// - Complexity: 2·rows·n flops. The sum runs along W's rows, but the order forbids splitting it across vector
///   lanes, so lanes hold different j: each vector is gathered from `width` rows, four vectors at a time so that
///   four independent chains hide the FMA latency.
@inlinable
func transposedProduct<T: BackpropScalar>(
    rows: Int, n: Int, w: UnsafePointer<T>, delta: UnsafePointer<T>, s: UnsafeMutablePointer<T>, ldw: Int? = nil
) {
    typealias V = T.Vector
    let width = V.scalarCount
    let ldw = ldw ?? n
    @inline(__always) func gather(_ p: UnsafePointer<T>, _ lanes: Int) -> V {
        var v = V()
        for lane in 0..<lanes { v[lane] = p[lane * ldw] }
        return v
    }
    var j = 0
    // Four full vectors (4·width rows) at a time.
    while j + 4 * width <= rows {
        var s0 = V(), s1 = V(), s2 = V(), s3 = V()
        let base = w + j * ldw
        for k in 0..<n {
            let d = V(repeating: delta[k])
            s0 = s0.addingProduct(gather(base + k, width), d)
            s1 = s1.addingProduct(gather(base + width * ldw + k, width), d)
            s2 = s2.addingProduct(gather(base + 2 * width * ldw + k, width), d)
            s3 = s3.addingProduct(gather(base + 3 * width * ldw + k, width), d)
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
        let base = w + j * ldw
        for k in 0..<n {
            acc = acc.addingProduct(gather(base + k, lanes), V(repeating: delta[k]))
        }
        storePartial(acc, s + j, lanes)
        j += lanes
    }
}
