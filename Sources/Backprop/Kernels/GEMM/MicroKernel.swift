/// The micro-kernel: a `Rows` × 2-vector tile of C (Rows ≤ 6), c ← fma(a, b, c) for k = 0…kc−1 in order.
///
/// A's element (r, k) is at `a[r · aRow + k · aStep]` (a packed sliver: aRow = 1, aStep = MR; A read in place:
/// aRow = lda, aStep = 1). B's two vectors for step k are at `b + k · bStep` (packed: bStep = NR; read in place:
/// bStep = ldb). The accumulators start from C (`loadC`) or +0. Inlined at each call, so constant strides fold.
@inlinable @inline(__always)
func microKernel<T: BackpropScalar, Rows: VectorCount, Layout: OperandLayout>(
    _: Rows.Type, _: Layout.Type, _ kc: Int, a: UnsafePointer<T>, aRow: Int, aStep: Int, b: UnsafePointer<T>,
    bStep: Int, c: UnsafeMutablePointer<T>, ldc: Int, loadC: Bool, scale: T? = nil
) {
    typealias V = T.Vector
    let w = V.scalarCount
    // A packed operand's strides are constants: with them known, the six broadcasts of a step address one
    // pointer plus fixed offsets, instead of a chain of additions of a stride held in a register.
    let aRow = Layout.aPacked ? 1 : aRow
    let aStep = Layout.aPacked ? GEMMBlocking<T>.mr : aStep
    let bStep = Layout.bPacked ? GEMMBlocking<T>.nr : bStep
    var c00 = V(), c01 = V(), c10 = V(), c11 = V(), c20 = V(), c21 = V()
    var c30 = V(), c31 = V(), c40 = V(), c41 = V(), c50 = V(), c51 = V()
    if loadC {
        c00 = loadVector(c); c01 = loadVector(c + w)
        if Rows.value > 1 { c10 = loadVector(c + ldc); c11 = loadVector(c + ldc + w) }
        if Rows.value > 2 { c20 = loadVector(c + 2 * ldc); c21 = loadVector(c + 2 * ldc + w) }
        if Rows.value > 3 { c30 = loadVector(c + 3 * ldc); c31 = loadVector(c + 3 * ldc + w) }
        if Rows.value > 4 { c40 = loadVector(c + 4 * ldc); c41 = loadVector(c + 4 * ldc + w) }
        if Rows.value > 5 { c50 = loadVector(c + 5 * ldc); c51 = loadVector(c + 5 * ldc + w) }
    }
    // One step k: two vectors of B, then each row's broadcast of A times both. The same chain per accumulator
    // whatever the unrolling: four steps per trip, then the rest one at a time.
    @inline(__always)
    func step(_ pa: UnsafePointer<T>, _ pb: UnsafePointer<T>) {
        let b0 = loadVector(pb)
        let b1 = loadVector(pb + w)
        var x = V(repeating: pa[0])
        c00 = c00.addingProduct(x, b0); c01 = c01.addingProduct(x, b1)
        if Rows.value > 1 {
            x = V(repeating: pa[aRow])
            c10 = c10.addingProduct(x, b0); c11 = c11.addingProduct(x, b1)
        }
        if Rows.value > 2 {
            x = V(repeating: pa[2 * aRow])
            c20 = c20.addingProduct(x, b0); c21 = c21.addingProduct(x, b1)
        }
        if Rows.value > 3 {
            x = V(repeating: pa[3 * aRow])
            c30 = c30.addingProduct(x, b0); c31 = c31.addingProduct(x, b1)
        }
        if Rows.value > 4 {
            x = V(repeating: pa[4 * aRow])
            c40 = c40.addingProduct(x, b0); c41 = c41.addingProduct(x, b1)
        }
        if Rows.value > 5 {
            x = V(repeating: pa[5 * aRow])
            c50 = c50.addingProduct(x, b0); c51 = c51.addingProduct(x, b1)
        }
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
        c00 *= f; c01 *= f
        if Rows.value > 1 { c10 *= f; c11 *= f }
        if Rows.value > 2 { c20 *= f; c21 *= f }
        if Rows.value > 3 { c30 *= f; c31 *= f }
        if Rows.value > 4 { c40 *= f; c41 *= f }
        if Rows.value > 5 { c50 *= f; c51 *= f }
    }
    storeVector(c00, c); storeVector(c01, c + w)
    if Rows.value > 1 { storeVector(c10, c + ldc); storeVector(c11, c + ldc + w) }
    if Rows.value > 2 { storeVector(c20, c + 2 * ldc); storeVector(c21, c + 2 * ldc + w) }
    if Rows.value > 3 { storeVector(c30, c + 3 * ldc); storeVector(c31, c + 3 * ldc + w) }
    if Rows.value > 4 { storeVector(c40, c + 4 * ldc); storeVector(c41, c + 4 * ldc + w) }
    if Rows.value > 5 { storeVector(c50, c + 5 * ldc); storeVector(c51, c + 5 * ldc + w) }
}

/// The micro-kernel for `rows` (1…6) rows, dispatched to its static specialisation for that row count and
/// operand layout.
@inlinable @inline(__always)
func microKernel<T: BackpropScalar, Layout: OperandLayout>(
    rows: Int, _ layout: Layout.Type, _ kc: Int, a: UnsafePointer<T>, aRow: Int, aStep: Int, b: UnsafePointer<T>,
    bStep: Int, c: UnsafeMutablePointer<T>, ldc: Int, loadC: Bool, scale: T?
) {
    switch rows {
    case 6: microKernel(SixVectors.self, layout, kc, a: a, aRow: aRow, aStep: aStep, b: b, bStep: bStep, c: c, ldc: ldc, loadC: loadC, scale: scale)
    case 5: microKernel(FiveVectors.self, layout, kc, a: a, aRow: aRow, aStep: aStep, b: b, bStep: bStep, c: c, ldc: ldc, loadC: loadC, scale: scale)
    case 4: microKernel(FourVectors.self, layout, kc, a: a, aRow: aRow, aStep: aStep, b: b, bStep: bStep, c: c, ldc: ldc, loadC: loadC, scale: scale)
    case 3: microKernel(ThreeVectors.self, layout, kc, a: a, aRow: aRow, aStep: aStep, b: b, bStep: bStep, c: c, ldc: ldc, loadC: loadC, scale: scale)
    case 2: microKernel(TwoVectors.self, layout, kc, a: a, aRow: aRow, aStep: aStep, b: b, bStep: bStep, c: c, ldc: ldc, loadC: loadC, scale: scale)
    default: microKernel(OneVector.self, layout, kc, a: a, aRow: aRow, aStep: aStep, b: b, bStep: bStep, c: c, ldc: ldc, loadC: loadC, scale: scale)
    }
}
