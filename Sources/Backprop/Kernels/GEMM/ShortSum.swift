/// C[i, :] = Σₚ A[p, i] B[p, :] for p = 0…k−1 in order from +0, with k small (≤ 8): each row of C whole in
/// registers, one FMA per term, then × `scale` if given, stored once.
///
/// - Parameters: A is read transposed in place (`a[p · lda + i]`), B is `[k, n]` (row stride `ldb`), C `[m, n]`
///   (row stride `ldc`). This is the weight gradient (1/m) Aᵀ Δ of a batch of at most 8 examples.
@inlinable
func shortSum<T: BackpropScalar>(
    m: Int, n: Int, k: Int, a: UnsafePointer<T>, lda: Int, b: UnsafePointer<T>, ldb: Int,
    c: UnsafeMutablePointer<T>, ldc: Int, scale: T?
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
        case 0: shortSumBlock(NoVectors.self, m, column, end, k, a, lda, b, ldb, c, ldc, scale)
        case 1: shortSumBlock(OneVector.self, m, column, end, k, a, lda, b, ldb, c, ldc, scale)
        case 2: shortSumBlock(TwoVectors.self, m, column, end, k, a, lda, b, ldb, c, ldc, scale)
        case 3: shortSumBlock(ThreeVectors.self, m, column, end, k, a, lda, b, ldb, c, ldc, scale)
        case 4: shortSumBlock(FourVectors.self, m, column, end, k, a, lda, b, ldb, c, ldc, scale)
        case 5: shortSumBlock(FiveVectors.self, m, column, end, k, a, lda, b, ldb, c, ldc, scale)
        case 6: shortSumBlock(SixVectors.self, m, column, end, k, a, lda, b, ldb, c, ldc, scale)
        case 7: shortSumBlock(SevenVectors.self, m, column, end, k, a, lda, b, ldb, c, ldc, scale)
        default: shortSumBlock(EightVectors.self, m, column, end, k, a, lda, b, ldb, c, ldc, scale)
        }
        column = end
    } while column < n
}

/// Columns `column..<end` of every row: `Count` full vectors from `column`, then scalars up to `end`.
@inlinable @inline(__always)
func shortSumBlock<T: BackpropScalar, Count: VectorCount>(
    _: Count.Type, _ m: Int, _ column: Int, _ end: Int, _ k: Int, _ a: UnsafePointer<T>, _ lda: Int,
    _ b: UnsafePointer<T>, _ ldb: Int, _ c: UnsafeMutablePointer<T>, _ ldc: Int, _ scale: T?
) {
    typealias V = T.Vector
    let width = V.scalarCount
    let factor = V(repeating: scale ?? 1)
    let tailStart = column + Count.value * width
    let tail = end - tailStart  // < width
    precondition(k <= 8 && tail < width, "shortSum: k ≤ 8 and a tail narrower than a vector")
    // Each row's ragged tail is one more vector chain (lane j of a vector fma is the scalar fma of column j: the
    // same operations). After at least one full vector, the tail vector ends at the block's end and overlaps the
    // last full one: its overlapping lanes compute the same chains from +0, so they store the same values twice.
    // With no full vector, it is a zero-padded partial vector, whose k rows of B are gathered once for all the
    // rows of C.
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
        var sums = (V(), V(), V(), V(), V(), V(), V(), V())
        var t = V()
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
