/// The micro-kernel: a `Rows` × NR tile of C (Rows ≤ MR of `Tile`), c ← fma(a, b, c) for k = 0…kc−1 in order.
///
/// A's element (r, k) is at `a[r · aRow + k · aStep]` (a packed sliver: aRow = 1, aStep = MR; A read in place:
/// aRow = lda, aStep = 1). B's `Tile.vectors` vectors for step k are at `b + k · bStep` (packed: bStep = NR; read
/// in place: bStep = ldb). The accumulators start from C (`loadC`) or +0. Whatever the tile, each element of C is
/// one accumulator lane: the same chain of FMAs over k, in order. Inlined at each call, so constant strides fold.
@inlinable @inline(__always)
func microKernel<Tile: RegisterTile, Rows: VectorCount, Layout: OperandLayout>(
    _: Tile.Type, _: Rows.Type, _: Layout.Type, _ kc: Int, a: UnsafePointer<Tile.Scalar>, aRow: Int, aStep: Int,
    b: UnsafePointer<Tile.Scalar>, bStep: Int, c: UnsafeMutablePointer<Tile.Scalar>, ldc: Int, loadC: Bool,
    scale: Tile.Scalar? = nil
) {
    typealias V = Tile.Vector
    typealias Row = TileRow<V>
    let n = Tile.vectors
    // A packed operand's strides are constants: with them known, the broadcasts of a step address one pointer plus
    // fixed offsets, instead of a chain of additions of a stride held in a register.
    let aRow = Layout.aPacked ? 1 : aRow
    let aStep = Layout.aPacked ? Tile.mr : aStep
    let bStep = Layout.bPacked ? Tile.nr : bStep
    var c0 = Row(), c1 = Row(), c2 = Row(), c3 = Row(), c4 = Row(), c5 = Row()
    var c6 = Row(), c7 = Row(), c8 = Row(), c9 = Row(), c10 = Row(), c11 = Row()
    if loadC {
        c0 = Row(loading: c, vectors: n)
        if Rows.value > 1 { c1 = Row(loading: c + ldc, vectors: n) }
        if Rows.value > 2 { c2 = Row(loading: c + 2 * ldc, vectors: n) }
        if Rows.value > 3 { c3 = Row(loading: c + 3 * ldc, vectors: n) }
        if Rows.value > 4 { c4 = Row(loading: c + 4 * ldc, vectors: n) }
        if Rows.value > 5 { c5 = Row(loading: c + 5 * ldc, vectors: n) }
        if Rows.value > 6 { c6 = Row(loading: c + 6 * ldc, vectors: n) }
        if Rows.value > 7 { c7 = Row(loading: c + 7 * ldc, vectors: n) }
        if Rows.value > 8 { c8 = Row(loading: c + 8 * ldc, vectors: n) }
        if Rows.value > 9 { c9 = Row(loading: c + 9 * ldc, vectors: n) }
        if Rows.value > 10 { c10 = Row(loading: c + 10 * ldc, vectors: n) }
        if Rows.value > 11 { c11 = Row(loading: c + 11 * ldc, vectors: n) }
    }
    // One step k: the vectors of B, then each row's broadcast of A times all of them. The same chain per accumulator
    // whatever the unrolling: four steps per trip, then the rest one at a time.
    @inline(__always)
    func step(_ pa: UnsafePointer<Tile.Scalar>, _ pb: UnsafePointer<Tile.Scalar>) {
        let b = Row(loading: pb, vectors: n)
        c0.add(V(repeating: pa[0]), times: b, vectors: n)
        if Rows.value > 1 { c1.add(V(repeating: pa[aRow]), times: b, vectors: n) }
        if Rows.value > 2 { c2.add(V(repeating: pa[2 * aRow]), times: b, vectors: n) }
        if Rows.value > 3 { c3.add(V(repeating: pa[3 * aRow]), times: b, vectors: n) }
        if Rows.value > 4 { c4.add(V(repeating: pa[4 * aRow]), times: b, vectors: n) }
        if Rows.value > 5 { c5.add(V(repeating: pa[5 * aRow]), times: b, vectors: n) }
        if Rows.value > 6 { c6.add(V(repeating: pa[6 * aRow]), times: b, vectors: n) }
        if Rows.value > 7 { c7.add(V(repeating: pa[7 * aRow]), times: b, vectors: n) }
        if Rows.value > 8 { c8.add(V(repeating: pa[8 * aRow]), times: b, vectors: n) }
        if Rows.value > 9 { c9.add(V(repeating: pa[9 * aRow]), times: b, vectors: n) }
        if Rows.value > 10 { c10.add(V(repeating: pa[10 * aRow]), times: b, vectors: n) }
        if Rows.value > 11 { c11.add(V(repeating: pa[11 * aRow]), times: b, vectors: n) }
    }
    var pa = a
    var pb = b
    var remaining = kc
    while remaining >= 4 {
        step(pa, pb)
        step(pa + aStep, pb + bStep)
        step(pa + 2 * aStep, pb + 2 * bStep)
        step(pa + 3 * aStep, pb + 3 * bStep)
        pa += 4 * aStep
        pb += 4 * bStep
        remaining -= 4
    }
    while remaining > 0 {
        step(pa, pb)
        pa += aStep
        pb += bStep
        remaining -= 1
    }
    // A fused scale epilogue (1/m of the weight gradient): the same multiplication after the sum, done before the
    // store instead of in a second pass over the tile.
    if let scale {
        let f = V(repeating: scale)
        c0.scale(by: f, vectors: n)
        if Rows.value > 1 { c1.scale(by: f, vectors: n) }
        if Rows.value > 2 { c2.scale(by: f, vectors: n) }
        if Rows.value > 3 { c3.scale(by: f, vectors: n) }
        if Rows.value > 4 { c4.scale(by: f, vectors: n) }
        if Rows.value > 5 { c5.scale(by: f, vectors: n) }
        if Rows.value > 6 { c6.scale(by: f, vectors: n) }
        if Rows.value > 7 { c7.scale(by: f, vectors: n) }
        if Rows.value > 8 { c8.scale(by: f, vectors: n) }
        if Rows.value > 9 { c9.scale(by: f, vectors: n) }
        if Rows.value > 10 { c10.scale(by: f, vectors: n) }
        if Rows.value > 11 { c11.scale(by: f, vectors: n) }
    }
    c0.store(to: c, vectors: n)
    if Rows.value > 1 { c1.store(to: c + ldc, vectors: n) }
    if Rows.value > 2 { c2.store(to: c + 2 * ldc, vectors: n) }
    if Rows.value > 3 { c3.store(to: c + 3 * ldc, vectors: n) }
    if Rows.value > 4 { c4.store(to: c + 4 * ldc, vectors: n) }
    if Rows.value > 5 { c5.store(to: c + 5 * ldc, vectors: n) }
    if Rows.value > 6 { c6.store(to: c + 6 * ldc, vectors: n) }
    if Rows.value > 7 { c7.store(to: c + 7 * ldc, vectors: n) }
    if Rows.value > 8 { c8.store(to: c + 8 * ldc, vectors: n) }
    if Rows.value > 9 { c9.store(to: c + 9 * ldc, vectors: n) }
    if Rows.value > 10 { c10.store(to: c + 10 * ldc, vectors: n) }
    if Rows.value > 11 { c11.store(to: c + 11 * ldc, vectors: n) }
}

/// The micro-kernel for `rows` (1…MR) rows, dispatched to its static specialisation for that row count and
/// operand layout. Row counts above the tile's MR never occur, and their branches fold away.
@inlinable @inline(__always)
func microKernel<Tile: RegisterTile, Layout: OperandLayout>(
    _ tile: Tile.Type, rows: Int, _ layout: Layout.Type, _ kc: Int, a: UnsafePointer<Tile.Scalar>, aRow: Int,
    aStep: Int, b: UnsafePointer<Tile.Scalar>, bStep: Int, c: UnsafeMutablePointer<Tile.Scalar>, ldc: Int,
    loadC: Bool, scale: Tile.Scalar?
) {
    @inline(__always) func run<Rows: VectorCount>(_ count: Rows.Type) {
        microKernel(tile, count, layout, kc, a: a, aRow: aRow, aStep: aStep, b: b, bStep: bStep, c: c, ldc: ldc,
                    loadC: loadC, scale: scale)
    }
    switch min(rows, Tile.mr) {
    case 12: run(TwelveVectors.self)
    case 11: run(ElevenVectors.self)
    case 10: run(TenVectors.self)
    case 9: run(NineVectors.self)
    case 8: run(EightVectors.self)
    case 7: run(SevenVectors.self)
    case 6: run(SixVectors.self)
    case 5: run(FiveVectors.self)
    case 4: run(FourVectors.self)
    case 3: run(ThreeVectors.self)
    case 2: run(TwoVectors.self)
    default: run(OneVector.self)
    }
}
