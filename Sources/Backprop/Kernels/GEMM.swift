// The matrix product the batch engine is made of: C = op(A) · op(B), packed and cache-blocked as in BLIS
// (Van Zee and van de Geijn, 2015), with a register-blocked SIMD micro-kernel, for Float and Double.
//
//     op(A) [M, K] · op(B) [K, N] → C [M, N]
//
// The three products of backpropagation are the three ways of reading the operands in place:
//
//     forward          Zˡ  = Aˡ⁻¹ · Wˡ + bˡ      op(A) = Aˡ⁻¹            op(B) = Wˡ
//     hidden errors    Δˡ  = (Δˡ⁺¹ · Wˡ⁺¹ᵀ) ∘ σ′   op(A) = Δˡ⁺¹            op(B) = (Wˡ⁺¹)ᵀ, read transposed
//     weight gradient  ∂Wˡ = (1/m) Aˡ⁻¹ᵀ · Δˡ     op(A) = (Aˡ⁻¹)ᵀ, read transposed   op(B) = Δˡ
//
// THE BITWISE CONTRACT (docs/bitwise-identity.md). For every element C[i, j] the kernel performs exactly
//
//     c ← start;   for k = 0, 1, …, K−1 in order:  c ← fma(op(A)[i, k], op(B)[k, j], c);   c ← epilogue(c)
//
// where `start` is +0, the bias bⱼ, or the value already in C. Blocking over K stores c and loads it back
// between blocks (exact); packing only copies; threads split C's rows or columns, never K. So the result does not
// depend on the block sizes, the vector width, the tile an element falls in, or the number of threads, and it is
// the same chain of operations the loop engine performs one example at a time.

/// A matrix operand read in place, as stored or transposed:
/// op(X)[i, j] = `transposed` ? base[j · stride + i] : base[i · stride + j].
@usableFromInline
struct Operand<Scalar: BackpropScalar> {
    @usableFromInline let base: UnsafePointer<Scalar>
    /// The row stride of the stored matrix.
    @usableFromInline let stride: Int
    @usableFromInline let transposed: Bool

    @inlinable
    init(_ base: UnsafePointer<Scalar>, stride: Int, transposed: Bool = false) {
        self.base = base
        self.stride = stride
        self.transposed = transposed
    }

    /// op(X) without its first `row` rows and `column` columns.
    @inlinable
    func offset(row: Int, column: Int) -> Operand {
        Operand(base + (transposed ? column * stride + row : row * stride + column), stride: stride,
                transposed: transposed)
    }
}

/// What each accumulator starts from.
@usableFromInline
enum GEMMStart<Scalar: BackpropScalar> {
    /// +0: C = op(A) op(B).
    case zero
    /// The value already in C: C += op(A) op(B).
    case accumulate
    /// bⱼ for every row: C = op(A) op(B) + b, with `bias` holding N scalars.
    case bias(UnsafePointer<Scalar>)
}

/// Work applied to a tile of C once its last K-block is done, while the tile is still in L1.
@usableFromInline
protocol TileEpilogue {
    associatedtype Scalar: BackpropScalar
    /// Finishes the `rows × columns` outputs at C[row, column], which `c` points to (row stride `ldc`).
    func finish(_ c: UnsafeMutablePointer<Scalar>, _ ldc: Int, row: Int, column: Int, rows: Int, columns: Int)
    /// When the epilogue is only a multiplication by a factor (1/m), the factor, so that a kernel that can fuse it
    /// into its last pass does (a multiplication after the sum either way: the same operation).
    var fusedScale: Scalar? { get }
}

extension TileEpilogue {
    @inlinable public var fusedScale: Scalar? { nil }
}

/// Leaves C as the product.
@usableFromInline
struct NoEpilogue<Scalar: BackpropScalar>: TileEpilogue {
    @inlinable init() {}
    @inlinable @inline(__always)
    func finish(_ c: UnsafeMutablePointer<Scalar>, _ ldc: Int, row: Int, column: Int, rows: Int, columns: Int) {}
}

/// The register and cache blocking of the GEMM for one scalar type.
///
/// - MR × NR: the register tile, 6 rows × 2 vectors (6 × 8 Doubles, 6 × 16 Floats): 12 accumulators, two
///   vectors of B and one broadcast of A, 15 of the 16 AVX2 registers.
/// - KC: the depth of a packed block: a 6 × KC sliver of A and a KC × NR sliver of B stay in L1.
/// - MC: the rows of A packed at once: an MC × KC block (96 KiB) stays in L2 with room to spare. Measured on Zen 3
///   (interleaved medians): 48/96 beat BLIS's usual 72/144, which crowd the 512 KiB L2 shared with C and B.
/// - NC: the columns of B packed at once (an L3-sized panel).
@usableFromInline
enum GEMMBlocking<Scalar: BackpropScalar> {
    @inlinable static var mr: Int { 6 }
    @inlinable static var nr: Int { 2 * Scalar.Vector.scalarCount }
    @inlinable static var kc: Int { 256 }
    @inlinable static var mc: Int { MemoryLayout<Scalar>.size == 8 ? 48 : 96 }
    @inlinable static var nc: Int { 3072 }
    /// The shallowest K-block whose tiles ask for the next tile of C while they compute (see `gemmSingleThread`).
    @inlinable static var prefetchDepth: Int { 32 }

    /// The depth of K's blocks for a sum of `k` products: K in equal blocks of at most KC, rounded up to a
    /// multiple of 8 (784 → 200 + 200 + 200 + 184).
    @inlinable static func kBlockDepth(_ k: Int) -> Int {
        let blocks = (k + kc - 1) / kc
        return min(kc, ((k + blocks - 1) / blocks + 7) / 8 * 8)
    }

    /// The packed blocks of B that one product of C [·, n] over a sum of `k` uses, one per (NC panel, K block):
    /// the packing steps of a shared B (`SharedPackedB`), the packing tasks of a prepacked one (`PrepackedB`).
    @inlinable static func packedBlockCount(n: Int, k: Int) -> Int {
        let depth = kBlockDepth(k)
        return (n + nc - 1) / nc * ((k + depth - 1) / depth)
    }

    /// The scalars one packed block of B takes for a product of C [·, n] over a sum of `k` products.
    @inlinable static func packedBlockCapacity(n: Int, k: Int) -> Int {
        min(kc, k) * min(nc, (n + nr - 1) / nr * nr)
    }
}

@inlinable @inline(__always)
func startsWithBias<T>(_ start: GEMMStart<T>) -> Bool {
    if case .bias = start { return true }
    return false
}

/// The packing buffers and the edge tile of one thread, reused across calls.
@usableFromInline
final class GEMMWorkspace<Scalar: BackpropScalar> {
    @usableFromInline let packedA = AlignedBuffer<Scalar>()
    @usableFromInline let packedB = AlignedBuffer<Scalar>()
    /// The packed B panel the threads of a row-split product fill together (kept by the first thread's workspace).
    @usableFromInline let sharedB = AlignedBuffer<Scalar>()
    @usableFromInline let edgeTile = AlignedBuffer<Scalar>(
        capacity: GEMMBlocking<Scalar>.mr * GEMMBlocking<Scalar>.nr)
    /// The parallel jobs made so far, one per type (see `gemm`): kept by the first thread's workspace.
    @usableFromInline var parallelJobs: [ObjectIdentifier: AnyObject] = [:]
    @usableFromInline init() {}

    /// The job of type `Job`, made by `make` the first time.
    @inlinable
    func parallelJob<Job: AnyObject>(_ type: Job.Type, make: () -> Job) -> Job {
        if let job = parallelJobs[ObjectIdentifier(type)] { return unsafeDowncast(job, to: Job.self) }
        let job = make()
        parallelJobs[ObjectIdentifier(type)] = job
        return job
    }
}

/// Copies op(A)[0..<mc, 0..<kc] into MR-row slivers: sliver p holds, for each k in order, the MR values
/// op(A)[p·MR + r, k], r = 0…MR−1. Rows past mc are zero.
@inlinable
func packA<T: BackpropScalar>(_ a: Operand<T>, mc: Int, kc: Int, into packed: UnsafeMutablePointer<T>) {
    let mr = GEMMBlocking<T>.mr
    if a.transposed {
        // op(A)[i, k] = base[k · stride + i]: for each k, the mc scalars of one stored row are contiguous.
        // - Going sliver by sliver over all of K would jump a whole stored row per scalar (with m = 1024 examples
        //   that pass was a seventh of the batch engine's time); going row by row over all slivers writes each
        //   row's scalars 6 · KC apart, one per sliver, and in Double that stride is exactly three pages: every
        //   store of a row lands in the same L1 set. So: 8 stored rows at a time (read once, 8 × mc scalars in
        //   L1), each sliver's 8 · MR packed scalars written together (six whole cache lines in Double).
        // - A full sliver's MR = 6 scalars are moved as two overlapping runs of four, [0, 4) and [2, 6): two loads
        //   and two stores instead of six of each (a whole 8-Float vector would run into the next k's scalars).
        //   The middle two are written twice with the same values.
        precondition(mr == 6, "the transposed packing moves six scalars as two overlapping runs of four")
        let fullSlivers = mc / mr
        let rest = mc - fullSlivers * mr
        let rowsAtOnce = 8
        var k0 = 0
        while k0 < kc {
            let k1 = min(k0 + rowsAtOnce, kc)
            for sliver in 0..<fullSlivers {
                var from = UnsafeRawPointer(a.base + k0 * a.stride + sliver * mr)
                var to = UnsafeMutableRawPointer(packed + sliver * mr * kc + k0 * mr)
                for _ in k0..<k1 {
                    let low = from.loadUnaligned(as: SIMD4<T>.self)
                    let high = from.loadUnaligned(fromByteOffset: 2 * MemoryLayout<T>.stride, as: SIMD4<T>.self)
                    to.storeBytes(of: low, as: SIMD4<T>.self)
                    to.storeBytes(of: high, toByteOffset: 2 * MemoryLayout<T>.stride, as: SIMD4<T>.self)
                    from += a.stride * MemoryLayout<T>.stride
                    to += mr * MemoryLayout<T>.stride
                }
            }
            if rest > 0 {
                for k in k0..<k1 {
                    let from = a.base + k * a.stride + fullSlivers * mr
                    let out = packed + fullSlivers * mr * kc + k * mr
                    for r in 0..<rest { out[r] = from[r] }
                    for r in rest..<mr { out[r] = 0 }
                }
            }
            k0 = k1
        }
        return
    }
    var sliver = 0
    var dst = packed
    while sliver < mc {
        let rows = min(mr, mc - sliver)
        if rows == mr {
            // op(A)[i, k] = base[i · stride + k]: six rows read side by side, the sliver written in order.
            let r0 = a.base + sliver * a.stride, r1 = r0 + a.stride, r2 = r1 + a.stride
            let r3 = r2 + a.stride, r4 = r3 + a.stride, r5 = r4 + a.stride
            var out = dst
            for k in 0..<kc {
                out[0] = r0[k]; out[1] = r1[k]; out[2] = r2[k]; out[3] = r3[k]; out[4] = r4[k]; out[5] = r5[k]
                out += mr
            }
        } else {
            for k in 0..<kc {
                for r in 0..<rows { dst[k * mr + r] = a.base[(sliver + r) * a.stride + k] }
                for r in rows..<mr { dst[k * mr + r] = 0 }
            }
        }
        sliver += mr
        dst += mr * kc
    }
}

/// Copies op(B)[0..<kc, 0..<nc] into NR-column slivers: sliver q holds, for each k in order, the NR values
/// op(B)[k, q·NR + c], c = 0…NR−1. Columns past nc are zero.
@inlinable
func packB<T: BackpropScalar>(_ b: Operand<T>, kc: Int, nc: Int, into packed: UnsafeMutablePointer<T>) {
    let nr = GEMMBlocking<T>.nr
    let width = T.Vector.scalarCount
    var sliver = 0
    var dst = packed
    while sliver < nc {
        let columns = min(nr, nc - sliver)
        if b.transposed && columns == nr {
            // op(B)[k, j] = base[j · stride + k]: the sliver's NR stored rows, transposed a square block of
            // vectors at a time.
            packTransposedSliver(b.base + sliver * b.stride, stride: b.stride, kc: kc, into: dst)
        } else if b.transposed {
            // A ragged last sliver read transposed: NR stored rows read side by side, scalar by scalar.
            let first = b.base + sliver * b.stride
            var out = dst
            for k in 0..<kc {
                for c in 0..<columns { out[c] = first[c * b.stride + k] }
                for c in columns..<nr { out[c] = 0 }
                out += nr
            }
        } else if columns == nr {
            // op(B)[k, j] = base[k · stride + j]: two vectors per k.
            for k in 0..<kc {
                let src = b.base + k * b.stride + sliver
                storeVector(loadVector(src), dst + k * nr)
                storeVector(loadVector(src + width), dst + k * nr + width)
            }
        } else {
            // A ragged last sliver (a 30-unit layer: 14 of 16 Float columns). Rows are read with two full vectors
            // whose lanes past the sliver (the next row's first values) are zeroed with a mask, as long as the
            // second vector ends within the block's last needed element; the rows after that are copied lane by
            // lane, so nothing past the matrix is touched. The same values as a scalar copy, far fewer steps.
            typealias V = T.Vector
            var lanes = V()
            for lane in 0..<width { lanes[lane] = T(lane) }
            let keep0 = lanes .< V(repeating: T(min(columns, width)))
            let keep1 = lanes .< V(repeating: T(max(columns - width, 0)))
            // Row k's second vector ends at k·stride + sliver + 2·width; the last needed element is at
            // (kc − 1)·stride + sliver + columns.
            let room = (kc - 1) * b.stride + columns - 2 * width
            let vectorRows = room < 0 ? 0 : min(kc, room / b.stride + 1)
            for k in 0..<vectorRows {
                let src = b.base + k * b.stride + sliver
                storeVector(V().replacing(with: loadVector(src), where: keep0), dst + k * nr)
                storeVector(V().replacing(with: loadVector(src + width), where: keep1), dst + k * nr + width)
            }
            for k in vectorRows..<kc {
                let src = b.base + k * b.stride + sliver
                for c in 0..<columns { dst[k * nr + c] = src[c] }
                for c in columns..<nr { dst[k * nr + c] = 0 }
            }
        }
        sliver += nr
        dst += nr * kc
    }
}

/// Packs one full B sliver read transposed: out[k · NR + c] = first[c · stride + k] for k < kc, c < NR.
///
/// The NR stored rows are contiguous along k, the packed sliver along c, so each w × w block (w = the vector
/// width) is loaded as w vectors of stored rows and stored as w vectors of packed rows, transposed in registers by
/// log₂ w rounds of `deinterleave` (each round rotates the block's index bits by one: three rounds for 8 × 8, two
/// for 4 × 4). It was a scalar gather, and a sixth of the hidden-error product. Values are only moved.
@inlinable
func packTransposedSliver<T: BackpropScalar>(
    _ first: UnsafePointer<T>, stride: Int, kc: Int, into out: UnsafeMutablePointer<T>
) {
    typealias V = T.Vector
    let w = V.scalarCount, nr = GEMMBlocking<T>.nr
    let fullK = kc / w * w
    for half in 0..<(nr / w) {
        let rows = first + half * w * stride
        let column = out + half * w
        var k = 0
        while k < fullK {
            let src = rows + k, dst = column + k * nr
            if w == 8 {
                var r0 = loadVector(src), r1 = loadVector(src + stride)
                var r2 = loadVector(src + 2 * stride), r3 = loadVector(src + 3 * stride)
                var r4 = loadVector(src + 4 * stride), r5 = loadVector(src + 5 * stride)
                var r6 = loadVector(src + 6 * stride), r7 = loadVector(src + 7 * stride)
                for _ in 0..<3 {
                    let (n0, n4) = T.deinterleave(r0, r1), (n1, n5) = T.deinterleave(r2, r3)
                    let (n2, n6) = T.deinterleave(r4, r5), (n3, n7) = T.deinterleave(r6, r7)
                    (r0, r1, r2, r3, r4, r5, r6, r7) = (n0, n1, n2, n3, n4, n5, n6, n7)
                }
                storeVector(r0, dst); storeVector(r1, dst + nr); storeVector(r2, dst + 2 * nr)
                storeVector(r3, dst + 3 * nr); storeVector(r4, dst + 4 * nr); storeVector(r5, dst + 5 * nr)
                storeVector(r6, dst + 6 * nr); storeVector(r7, dst + 7 * nr)
            } else if w == 4 {
                var r0 = loadVector(src), r1 = loadVector(src + stride)
                var r2 = loadVector(src + 2 * stride), r3 = loadVector(src + 3 * stride)
                for _ in 0..<2 {
                    let (n0, n2) = T.deinterleave(r0, r1), (n1, n3) = T.deinterleave(r2, r3)
                    (r0, r1, r2, r3) = (n0, n1, n2, n3)
                }
                storeVector(r0, dst); storeVector(r1, dst + nr); storeVector(r2, dst + 2 * nr)
                storeVector(r3, dst + 3 * nr)
            } else {
                for t in 0..<w { for c in 0..<w { dst[t * nr + c] = src[c * stride + t] } }
            }
            k += w
        }
        for k in fullK..<kc {
            for c in 0..<w { column[k * nr + c] = rows[c * stride + k] }
        }
    }
}

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
    // A fused scale epilogue (1/m of the weight gradient): the same multiplication after the sum, before the store
    // instead of in a second pass over the tile (a third of the product's time when K = 16).
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

/// How the micro-kernel reads its operands: a packed sliver (constant strides) or in place (strides given).
@usableFromInline protocol OperandLayout {
    static var aPacked: Bool { get }
    static var bPacked: Bool { get }
}
@usableFromInline enum PackedAPackedB: OperandLayout {
    @inlinable static var aPacked: Bool { true }
    @inlinable static var bPacked: Bool { true }
}
@usableFromInline enum PackedAInPlaceB: OperandLayout {
    @inlinable static var aPacked: Bool { true }
    @inlinable static var bPacked: Bool { false }
}
@usableFromInline enum InPlaceAPackedB: OperandLayout {
    @inlinable static var aPacked: Bool { false }
    @inlinable static var bPacked: Bool { true }
}
@usableFromInline enum InPlaceAInPlaceB: OperandLayout {
    @inlinable static var aPacked: Bool { false }
    @inlinable static var bPacked: Bool { false }
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

/// The full-height tiles (MR rows, 2 vectors) of one full-width column sliver of C, top to bottom, each as the
/// block loop of `gemmSingleThread` would do it: the start (+0, the bias copied in, or C), the next tile's rows of C
/// asked for, the micro-kernel, the epilogue after the last K-block. Only the calls are fewer: one per sliver.
@usableFromInline
struct TileColumn<T: BackpropScalar> {
    @usableFromInline let tiles: Int
    /// The rows of the row block below the last full tile (a ragged tile, done by the caller).
    @usableFromInline let rowsAfter: Int
    @usableFromInline let kc: Int
    /// The first tile's top-left element of C.
    @usableFromInline let c: UnsafeMutablePointer<T>
    @usableFromInline let ldc: Int
    @usableFromInline let loadC: Bool
    /// The sliver's NR bias values, copied into each row before the first K-block.
    @usableFromInline let bias: UnsafePointer<T>?
    @usableFromInline let prefetchC: Bool
    @usableFromInline let scale: T?
    /// Whether to apply the epilogue's `finish` to each tile (after the last K-block, when no scale is fused).
    @usableFromInline let finish: Bool
    /// The first tile's position in the whole C, for the epilogue.
    @usableFromInline let row: Int, column: Int

    @inlinable
    init(tiles: Int, rowsAfter: Int, kc: Int, c: UnsafeMutablePointer<T>, ldc: Int, loadC: Bool,
         bias: UnsafePointer<T>?, prefetchC: Bool, scale: T?, finish: Bool, row: Int, column: Int) {
        self.tiles = tiles; self.rowsAfter = rowsAfter; self.kc = kc; self.c = c; self.ldc = ldc
        self.loadC = loadC; self.bias = bias; self.prefetchC = prefetchC; self.scale = scale
        self.finish = finish; self.row = row; self.column = column
    }

    /// Runs the tiles. Tile t reads A at `a + t · aTile` (a packed sliver: aTile = MR · kc; in place: MR · lda).
    @inlinable @inline(never)
    func run<Layout: OperandLayout, E: TileEpilogue>(
        _: Layout.Type, a: UnsafePointer<T>, aTile: Int, aRow: Int, aStep: Int, b: UnsafePointer<T>, bStep: Int,
        epilogue: E
    ) where E.Scalar == T {
        let mr = GEMMBlocking<T>.mr, nr = GEMMBlocking<T>.nr, w = T.Vector.scalarCount
        var tile = c
        var pa = a
        for t in 0..<tiles {
            if let bias {
                let low = loadVector(bias), high = loadVector(bias + w)
                for r in 0..<mr { storeVector(low, tile + r * ldc); storeVector(high, tile + r * ldc + w) }
            }
            if prefetchC {
                let next = tile + mr * ldc
                for r in 0..<(t + 1 < tiles ? mr : min(mr, rowsAfter)) { prefetchForWrite(next + r * ldc) }
            }
            microKernel(SixVectors.self, Layout.self, kc, a: pa, aRow: aRow, aStep: aStep, b: b, bStep: bStep,
                        c: tile, ldc: ldc, loadC: loadC || bias != nil, scale: scale)
            if finish { epilogue.finish(tile, ldc, row: row + t * mr, column: column, rows: mr, columns: nr) }
            tile += mr * ldc
            pa += aTile
        }
    }
}

/// C[0..<m, 0..<n] = start + op(A) · op(B), then the epilogue, on one thread.
///
/// Packing pays for itself when a packed sliver is reused many times. When it is not (few rows of C: B's slivers
/// are used by at most four tiles; few columns of C: A's slivers by at most four), an operand is read in place instead (A as stored or transposed,
/// B as stored); a ragged last sliver of B is still packed, so nothing is read past B's end.
/// When B's rows are whole cache lines apart but B does not start on one (a large Swift array's elements sit
/// 48 bytes past a line), the columns before the first line boundary are packed as a narrow first sliver, so that
/// every sliver read in place starts on a line: each row of it is then one line, not two, and no vector load
/// straddles two.
///
/// With `prepackedB` (all of op(B) packed beforehand, `PrepackedB`), the packed path reads B's blocks from it and
/// packs none; the matrix–vector path (m ≤ 2) and the short sum (K ≤ 8) read B in place as always.
@inlinable
func gemmSingleThread<T: BackpropScalar, E: TileEpilogue>(
    m: Int, n: Int, k: Int, a: Operand<T>, b: Operand<T>, c: UnsafeMutablePointer<T>, ldc: Int,
    start: GEMMStart<T>, epilogue: E, rowOffset: Int, columnOffset: Int, workspace: GEMMWorkspace<T>,
    sharedB: SharedPackedB<T>? = nil, prepackedB: UnsafePointer<T>? = nil
) where E.Scalar == T {
    let mr = GEMMBlocking<T>.mr, nr = GEMMBlocking<T>.nr
    let kcMax = GEMMBlocking<T>.kc, mcMax = GEMMBlocking<T>.mc, ncMax = GEMMBlocking<T>.nc
    guard m > 0, n > 0 else { return }
    if k == 0 {
        // No products: C is its start value.
        for i in 0..<m {
            let row = c + i * ldc
            switch start {
            case .zero: row.update(repeating: 0, count: n)
            case .accumulate: break
            case .bias(let bias): row.update(from: bias, count: n)
            }
        }
        epilogue.finish(c, ldc, row: rowOffset, column: columnOffset, rows: m, columns: n)
        return
    }
    // One or two rows of C: a matrix–vector product per row (the loop engine's kernels, the same chains), since
    // the micro-kernel would hold only two accumulator chains per row and wait on the FMA latency.
    var startsFromZero = false
    if case .zero = start { startsFromZero = true }
    if m <= 2 && !a.transposed && (!b.transposed || startsFromZero) {
        for i in 0..<m {
            let row = c + i * ldc
            let x = a.base + i * a.stride
            if b.transposed {
                // C[i, j] = Σₖ A[i, k] B[j, k] from +0: the hidden-error kernel.
                transposedProduct(rows: n, n: k, w: b.base, delta: x, s: row, ldw: b.stride)
            } else {
                // C[i, :] = start + Σₖ A[i, k] B[k, :]: the forward kernel, started from the bias, +0 or C.
                var initial = UnsafePointer(row)
                switch start {
                case .zero: row.update(repeating: 0, count: n)
                case .accumulate: break
                case .bias(let bias): initial = bias
                }
                affineForward(k: k, n: n, x: x, w: b.base, bias: initial, z: row, ldw: b.stride)
            }
        }
        epilogue.finish(c, ldc, row: rowOffset, column: columnOffset, rows: m, columns: n)
        return
    }
    // A short sum (the weight gradient of a batch of at most 8 examples): each row of C whole in registers, the
    // scale epilogue fused; a tiny K would leave each micro-kernel tile all overhead.
    if k <= 8 && a.transposed && !b.transposed && !startsWithBias(start) {
        let scale = epilogue.fusedScale
        if k == 1 {
            // One example: C = start + a bᵀ is exactly the loop engine's rank-one update (a = op(A)'s only column,
            // contiguous in the stored row; b = B's only row), the same chain per element.
            rankOneUpdate(k: m, n: n, a: a.base, delta: b.base, g: c, first: startsFromZero, scale: scale, ldg: ldc)
        } else {
            shortSum(m: m, n: n, k: k, a: a.base, lda: a.stride, b: b.base, ldb: b.stride, c: c, ldc: ldc,
                     fromZero: startsFromZero, scale: scale)
        }
        if scale == nil { epilogue.finish(c, ldc, row: rowOffset, column: columnOffset, rows: m, columns: n) }
        return
    }
    let packAllOfB = sharedB != nil || prepackedB != nil || b.transposed || (m + mr - 1) / mr > 4
    // A in place when few column slivers reuse it, as stored or transposed: op(A)[i, k] is then at
    // base + i·aRow + k·aStep, and a transposed A's six values for one k are adjacent in one stored row (the
    // weight gradient of a 30-unit layer, Xᵀ·Δ, reads X's rows instead of copying all of X first).
    // A transposed is read in place only by at most two slivers: its six values per k then span one or two lines
    // of a stored row, and a third or fourth pass over them (a 30-unit layer in Double) cost more than packing.
    let packAllOfA = (n + nr - 1) / nr > (a.transposed ? 2 : 4)
    let aRow = a.transposed ? 1 : a.stride, aStep = a.transposed ? a.stride : 1
    let ncBlock = min(ncMax, (n + nr - 1) / nr * nr)
    // K in equal blocks of at most KC (a multiple of 8): 784 = 4 × 196 is packed as 200 + 200 + 200 + 184, not
    // 256 + 256 + 256 + 16, whose last block would load and store every tile of C for 16 steps.
    let kcBlock = GEMMBlocking<T>.kBlockDepth(k)
    let mcBlock = min(mcMax, (m + mr - 1) / mr * mr)
    // Room for one more sliver than the columns fill: a narrow first sliver (see `lead`) moves the last one on.
    workspace.packedB.reserve(min(kcMax, k) * (ncBlock + nr))
    workspace.packedA.reserve(min(kcMax, k) * mcBlock)
    let packedA = workspace.packedA.pointer
    var packedB = workspace.packedB.pointer
    let fusedScale = epilogue.fusedScale
    let edge = workspace.edgeTile.pointer

    var jc = 0
    var blockIndex = 0
    // Where the next block of a prepacked B starts (`PrepackedB`: the blocks in the order this loop reads them).
    var prepackedOffset = 0
    while jc < n {
        let nc = min(ncMax, n - jc)
        // B in place: the columns before its first cache-line boundary (0 when B starts on one, or when its rows
        // do not all start at the same offset in a line), packed as a narrow first sliver; then whole slivers read
        // in place; then a ragged last sliver, packed.
        var lead = 0
        if !packAllOfB && (b.stride * MemoryLayout<T>.stride) % 64 == 0 {
            let offset = Int(bitPattern: b.base + jc) & 63
            if offset != 0 && offset % MemoryLayout<T>.stride == 0 {
                lead = (64 - offset) / MemoryLayout<T>.stride
                if nc - lead < nr { lead = 0 }
            }
        }
        let fullEnd = lead + (nc - lead) / nr * nr
        var pc = 0
        while pc < k {
            let kc = min(kcBlock, k - pc)
            let first = pc == 0, last = pc + kc == k
            let prefetchC = kc >= GEMMBlocking<T>.prefetchDepth
            if let prepackedB {
                packedB = UnsafeMutablePointer(mutating: prepackedB + prepackedOffset)
                prepackedOffset += kc * ((nc + nr - 1) / nr * nr)
            } else if let sharedB {
                // Every part packs its share of this block's slivers into the shared buffer, then waits for the
                // others: each part then reads the whole block. Two buffers alternate, so a part still computing
                // with block i (no part can be past the wait of block i + 1) never sees block i + 2 written.
                packedB = sharedB.buffer + (blockIndex % 2) * sharedB.blockCapacity
                let slivers = (nc + nr - 1) / nr
                let q0 = slivers * sharedB.part / sharedB.parts, q1 = slivers * (sharedB.part + 1) / sharedB.parts
                if q1 > q0 {
                    packB(b.offset(row: pc, column: jc + q0 * nr), kc: kc, nc: min(nc, q1 * nr) - q0 * nr,
                          into: packedB + q0 * nr * kc)
                }
                sharedB.barrier.wait(parties: sharedB.parts)
                blockIndex += 1
            } else if packAllOfB {
                packB(b.offset(row: pc, column: jc), kc: kc, nc: nc, into: packedB)
            } else {
                if lead > 0 { packB(b.offset(row: pc, column: jc), kc: kc, nc: lead, into: packedB) }
                if fullEnd < nc {
                    packB(b.offset(row: pc, column: jc + fullEnd), kc: kc, nc: nc - fullEnd, into: packedB + fullEnd * kc)
                }
            }
            var ic = 0
            while ic < m {
                let mc = min(mcMax, m - ic)
                if packAllOfA { packA(a.offset(row: ic, column: pc), mc: mc, kc: kc, into: packedA) }
                var jr = 0
                while jr < nc {
                    let columns = jr < lead ? lead : min(nr, nc - jr)
                    // B's sliver: packed (step NR), or in place (step ldb) for full slivers when B is not packed.
                    let inPlaceB = !packAllOfB && columns == nr
                    let bInPlace: UnsafePointer<T> = b.base + (pc * b.stride + jc + jr)
                    let bPacked: UnsafePointer<T> = UnsafePointer(packedB + jr * kc)
                    let bSliver = inPlaceB ? bInPlace : bPacked
                    var ir = 0
                    // The sliver's full-height tiles in one call: a shallow K-block (the weight gradient of 16
                    // examples: 16 steps, about 100 cycles of FMAs a tile) would otherwise pay a call, a dispatch on
                    // the row count and this loop's bookkeeping per tile. The ragged last tile goes below.
                    let fullTiles = columns == nr ? mc / mr : 0
                    if fullTiles > 0 {
                        var loadC = true
                        var bias: UnsafePointer<T>?
                        switch (first, start) {
                        case (true, .zero): loadC = false
                        case (true, .bias(let b)): bias = b + jc + jr
                        default: break
                        }
                        let column = TileColumn(
                            tiles: fullTiles, rowsAfter: mc - fullTiles * mr, kc: kc,
                            c: c + ic * ldc + jc + jr, ldc: ldc, loadC: loadC, bias: bias, prefetchC: prefetchC,
                            scale: last ? fusedScale : nil, finish: last && fusedScale == nil,
                            row: rowOffset + ic, column: columnOffset + jc + jr)
                        let aFirst: UnsafePointer<T> = packAllOfA
                            ? UnsafePointer(packedA) : a.offset(row: ic, column: pc).base
                        switch (packAllOfA, inPlaceB) {
                        case (true, false):
                            column.run(PackedAPackedB.self, a: aFirst, aTile: mr * kc, aRow: 1, aStep: mr,
                                       b: bSliver, bStep: nr, epilogue: epilogue)
                        case (true, true):
                            column.run(PackedAInPlaceB.self, a: aFirst, aTile: mr * kc, aRow: 1, aStep: mr,
                                       b: bSliver, bStep: b.stride, epilogue: epilogue)
                        case (false, false):
                            column.run(InPlaceAPackedB.self, a: aFirst, aTile: mr * aRow, aRow: aRow,
                                       aStep: aStep, b: bSliver, bStep: nr, epilogue: epilogue)
                        case (false, true):
                            column.run(InPlaceAInPlaceB.self, a: aFirst, aTile: mr * aRow, aRow: aRow,
                                       aStep: aStep, b: bSliver, bStep: b.stride, epilogue: epilogue)
                        }
                        ir = fullTiles * mr
                    }
                    while ir < mc {
                        let rows = min(mr, mc - ir)
                        let aInPlace: UnsafePointer<T> = a.offset(row: ic + ir, column: pc).base
                        let aPacked: UnsafePointer<T> = UnsafePointer(packedA + ir * kc)
                        let aSliver = packAllOfA ? aPacked : aInPlace
                        let tile = c + (ic + ir) * ldc + jc + jr
                        // Ask for the next tile's rows of C while this one computes, when it computes long enough:
                        // a tile of a shallower K-block (the weight gradient of 16 or 24 examples) is done before
                        // the lines could arrive, and the extra requests then only slowed it down (interleaved
                        // runs of both ways; `bench --kernels` has the m = 16 weight-gradient row).
                        if prefetchC && ir + mr < mc {
                            let next = tile + mr * ldc
                            for r in 0..<min(mr, mc - ir - mr) { prefetchForWrite(next + r * ldc) }
                        }
                        // Tiles with all NR columns work on C itself; a ragged last column sliver works on a
                        // padded copy of its valid part (a full-width store would spill into the next row).
                        let full = columns == nr
                        let target = full ? tile : edge
                        let targetStride = full ? ldc : nr
                        // Where the accumulators start: +0, the bias, or what C already holds.
                        var loadC = true
                        switch (first, start) {
                        case (true, .zero):
                            loadC = false
                        case (true, .bias(let bias)):
                            for r in 0..<rows {
                                (target + r * targetStride).update(from: bias + jc + jr, count: columns)
                            }
                        default:
                            if !full {
                                for r in 0..<rows { (edge + r * nr).update(from: tile + r * ldc, count: columns) }
                            }
                        }
                        // The epilogue's factor, applied by the micro-kernel itself after the last K-block.
                        let tileScale = last ? fusedScale : nil
                        // One call site per way of reading the operands, so that constant strides fold into
                        // the inner loop's addresses.
                        switch (packAllOfA, inPlaceB) {
                        case (true, false):
                            microKernel(rows: rows, PackedAPackedB.self, kc, a: aSliver, aRow: 1, aStep: mr, b: bSliver, bStep: nr,
                                        c: target, ldc: targetStride, loadC: loadC, scale: tileScale)
                        case (true, true):
                            microKernel(rows: rows, PackedAInPlaceB.self, kc, a: aSliver, aRow: 1, aStep: mr, b: bSliver, bStep: b.stride,
                                        c: target, ldc: targetStride, loadC: loadC, scale: tileScale)
                        case (false, false):
                            microKernel(rows: rows, InPlaceAPackedB.self, kc, a: aSliver, aRow: aRow, aStep: aStep, b: bSliver, bStep: nr,
                                        c: target, ldc: targetStride, loadC: loadC, scale: tileScale)
                        case (false, true):
                            microKernel(rows: rows, InPlaceAInPlaceB.self, kc, a: aSliver, aRow: aRow, aStep: aStep, b: bSliver, bStep: b.stride,
                                        c: target, ldc: targetStride, loadC: loadC, scale: tileScale)
                        }
                        if !full {
                            for r in 0..<rows { (tile + r * ldc).update(from: edge + r * nr, count: columns) }
                        }
                        if last && fusedScale == nil {
                            epilogue.finish(tile, ldc, row: rowOffset + ic + ir, column: columnOffset + jc + jr,
                                            rows: rows, columns: columns)
                        }
                        ir += mr
                    }
                    jr += columns
                }
                ic += mc
            }
            pc += kc
        }
        jc += nc
    }
}

/// A packed B panel that the parts of a row-split parallel GEMM pack together and all read: each part packs
/// 1/parts of every K-block's slivers instead of all of them (with two threads, each packed the whole of W¹, 784 ×
/// 256, for its half of the rows).
///
/// The blocks alternate between the two halves of `buffer`, so that one barrier per block is enough: no part can
/// start packing block i + 2 (into the half of block i) before every part has finished with block i, since it has
/// passed block i + 1's barrier. (The batch engine's large batches pack all of B once per call instead,
/// `PrepackedB`, and need no barrier.)
@usableFromInline
struct SharedPackedB<T: BackpropScalar> {
    /// Two blocks of `blockCapacity` scalars, used alternately.
    @usableFromInline let buffer: UnsafeMutablePointer<T>
    @usableFromInline let blockCapacity: Int
    @usableFromInline let part: Int, parts: Int
    @usableFromInline let barrier: SpinBarrier

    @inlinable
    init(buffer: UnsafeMutablePointer<T>, blockCapacity: Int, part: Int, parts: Int, barrier: SpinBarrier) {
        self.buffer = buffer
        self.blockCapacity = blockCapacity
        self.part = part
        self.parts = parts
        self.barrier = barrier
    }
}

/// C[0..<m, 0..<n] = start + op(A) · op(B), then the epilogue, split over the pool's threads by rows or by
/// columns of C (whole register tiles), never along K, so the result is bitwise the same for any thread count.
///
/// - Precondition: `workspaces.count ≥ pool.threadCount` when a pool is given.
/// - Complexity: 2·M·N·K flops.
@inlinable
func gemm<T: BackpropScalar, E: TileEpilogue>(
    m: Int, n: Int, k: Int, a: Operand<T>, b: Operand<T>, c: UnsafeMutablePointer<T>, ldc: Int,
    start: GEMMStart<T>, epilogue: E, workspaces: [GEMMWorkspace<T>], pool: WorkerPool?
) where E.Scalar == T {
    let mr = GEMMBlocking<T>.mr, nr = GEMMBlocking<T>.nr
    let threads = pool?.threadCount ?? 1
    let rowTiles = (m + mr - 1) / mr, columnTiles = (n + nr - 1) / nr
    // Too little work to share: 2·M·N·K below ~1 MFLOP costs less than waking a thread.
    guard let pool, threads > 1, max(rowTiles, columnTiles) >= 2, m * n * k >= 1 << 19 else {
        gemmSingleThread(m: m, n: n, k: k, a: a, b: b, c: c, ldc: ldc, start: start, epilogue: epilogue,
                         rowOffset: 0, columnOffset: 0, workspace: workspaces[0])
        return
    }
    // Split the dimension with more tiles; on a tie, the one whose other operand is cheaper to pack twice.
    let splitColumns = columnTiles > rowTiles || (columnTiles == rowTiles && m <= n)
    let tiles = splitColumns ? columnTiles : rowTiles
    let parts = min(threads, tiles)
    // The job is an object made once per epilogue type and kept in the first workspace, with its closure made
    // here, in the specialized code: a parallel call only writes its parameters, and allocates nothing.
    let job = workspaces[0].parallelJob(ParallelGEMM<T, E>.self) { ParallelGEMM<T, E>() }
    // Rows split and B packed whole by every part: share the packing instead. Only where every part takes the
    // packed path (K > 8; at least 2 row tiles per part, so no part is a matrix–vector product).
    var sharedBuffer: UnsafeMutablePointer<T>?
    var blockCapacity = 0
    if !splitColumns && k > 8 && rowTiles >= 2 * parts {
        blockCapacity = GEMMBlocking<T>.packedBlockCapacity(n: n, k: k)
        workspaces[0].sharedB.reserve(2 * blockCapacity)
        sharedBuffer = workspaces[0].sharedB.pointer
    }
    job.parameters = ParallelGEMM.Parameters(
        m: m, n: n, k: k, a: a, b: b, c: c, ldc: ldc, start: start, epilogue: epilogue, workspaces: workspaces,
        tiles: tiles, parts: parts, splitColumns: splitColumns, sharedB: sharedBuffer, sharedBlock: blockCapacity)
    if job.body == nil { job.body = { [unowned job] part in job.run(part: part) } }
    pool.run(parts: parts, job.body!)
    job.parameters = nil
}

/// One parallel GEMM's parameters and the closure every thread runs, reused from call to call.
@usableFromInline
final class ParallelGEMM<T: BackpropScalar, E: TileEpilogue> where E.Scalar == T {
    @usableFromInline
    struct Parameters {
        @usableFromInline let m: Int, n: Int, k: Int
        @usableFromInline let a: Operand<T>, b: Operand<T>
        @usableFromInline let c: UnsafeMutablePointer<T>, ldc: Int
        @usableFromInline let start: GEMMStart<T>, epilogue: E
        @usableFromInline let workspaces: [GEMMWorkspace<T>]
        @usableFromInline let tiles: Int, parts: Int, splitColumns: Bool
        /// The shared packed-B buffer (two blocks of `sharedBlock` scalars), when the parts pack B together.
        @usableFromInline let sharedB: UnsafeMutablePointer<T>?, sharedBlock: Int

        @inlinable
        init(m: Int, n: Int, k: Int, a: Operand<T>, b: Operand<T>, c: UnsafeMutablePointer<T>, ldc: Int,
             start: GEMMStart<T>, epilogue: E, workspaces: [GEMMWorkspace<T>], tiles: Int, parts: Int,
             splitColumns: Bool, sharedB: UnsafeMutablePointer<T>?, sharedBlock: Int) {
            self.m = m; self.n = n; self.k = k; self.a = a; self.b = b; self.c = c; self.ldc = ldc
            self.start = start; self.epilogue = epilogue; self.workspaces = workspaces
            self.tiles = tiles; self.parts = parts; self.splitColumns = splitColumns
            self.sharedB = sharedB; self.sharedBlock = sharedBlock
        }
    }

    /// The barrier of the parts that share a packed B.
    @usableFromInline let barrier = SpinBarrier()

    /// Set for the length of one call; every part reads it, none writes it.
    @usableFromInline var parameters: Parameters?
    @usableFromInline var body: ((Int) -> Void)?

    @inlinable init() {}

    /// Part `part` of `parts`: a contiguous run of whole register tiles of C, by columns or by rows.
    @inlinable
    func run(part: Int) {
        let p = parameters!
        let mr = GEMMBlocking<T>.mr, nr = GEMMBlocking<T>.nr
        let firstTile = p.tiles * part / p.parts, endTile = p.tiles * (part + 1) / p.parts
        if p.splitColumns {
            let j0 = firstTile * nr, j1 = min(p.n, endTile * nr)
            var partStart = p.start
            if case .bias(let bias) = p.start { partStart = .bias(bias + j0) }
            gemmSingleThread(m: p.m, n: j1 - j0, k: p.k, a: p.a, b: p.b.offset(row: 0, column: j0), c: p.c + j0,
                             ldc: p.ldc, start: partStart, epilogue: p.epilogue, rowOffset: 0, columnOffset: j0,
                             workspace: p.workspaces[part])
        } else {
            let i0 = firstTile * mr, i1 = min(p.m, endTile * mr)
            let shared = p.sharedB.map {
                SharedPackedB(buffer: $0, blockCapacity: p.sharedBlock, part: part, parts: p.parts, barrier: barrier)
            }
            gemmSingleThread(m: i1 - i0, n: p.n, k: p.k, a: p.a.offset(row: i0, column: 0), b: p.b,
                             c: p.c + i0 * p.ldc, ldc: p.ldc, start: p.start, epilogue: p.epilogue, rowOffset: i0,
                             columnOffset: 0, workspace: p.workspaces[part], sharedB: shared)
        }
    }
}
