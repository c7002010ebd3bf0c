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
