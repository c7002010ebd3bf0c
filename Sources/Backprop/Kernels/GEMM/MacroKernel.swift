/// C[0..<m, 0..<n] = start + op(A) · op(B), then the epilogue, on one thread: BLIS's five loops around the
/// micro-kernel.
///
///     for each panel of NC columns of C (jc):
///         for each K-block of at most KC (pc):        B's block packed (or read in place), [kc, nc]
///             for each block of MC rows of C (ic):    A's block packed (or read in place), [mc, kc]
///                 for each sliver of NR columns (jr): the full tiles in one `TileColumn`, then the edge tiles
///
/// Packing pays for itself when a packed sliver is reused many times. When it is not (few rows of C: B's slivers
/// are used by at most four tiles; few columns of C: A's slivers by at most four, or two when A is read
/// transposed), that operand is read in place instead; a ragged last sliver of B is still packed, so nothing is
/// read past B's end. When B's rows are whole cache lines apart but B does not start on one (a large Swift array's
/// elements start 48 bytes into a line), the columns before the first line boundary are packed as a narrow first
/// sliver, so that every sliver read in place starts on a line and no vector load straddles two lines.
///
/// `sharedB` (the parts of a row-split product pack B together) and `prepackedB` (all of op(B) packed
/// beforehand, `PrepackedB`) replace the packing of B; the small shapes (`smallProduct`) read B in place as always.
///
/// The tiles are `Tile`'s (`GEMMBlocking`, this build's, unless a test asks for another).
///
/// - Parameters: `rowOffset`, `columnOffset`: where this C sits in the whole product, for the epilogue.
/// - Precondition: op(A) is [m, k], op(B) is [k, n], C has room for m rows of stride `ldc` ≥ n; `prepackedB` and
///   `sharedB` were packed for `Tile`.
/// - Complexity: 2·m·n·k flops.
@inlinable
func gemmSingleThread<Tile: RegisterTile, E: TileEpilogue>(
    tile: Tile.Type, m: Int, n: Int, k: Int, a: Operand<Tile.Scalar>, b: Operand<Tile.Scalar>,
    c: UnsafeMutablePointer<Tile.Scalar>, ldc: Int, start: GEMMStart<Tile.Scalar>, epilogue: E, rowOffset: Int,
    columnOffset: Int, workspace: GEMMWorkspace<Tile.Scalar>, sharedB: SharedPackedB<Tile>? = nil,
    prepackedB: UnsafePointer<Tile.Scalar>? = nil
) where E.Scalar == Tile.Scalar {
    typealias T = Tile.Scalar
    guard m > 0, n > 0 else { return }
    if smallProduct(m: m, n: n, k: k, a: a, b: b, c: c, ldc: ldc, start: start, epilogue: epilogue,
                    rowOffset: rowOffset, columnOffset: columnOffset) { return }
    let mr = Tile.mr, nr = Tile.nr
    let kcMax = Tile.kc, mcMax = Tile.mc, ncMax = Tile.nc
    let packAllOfB = sharedB != nil || prepackedB != nil || b.transposed || (m + mr - 1) / mr > 4
    // A transposed and read in place has its six values per k side by side in one stored row (the weight
    // gradient's Xᵀ·Δ reads X's rows instead of copying X); a third pass over those rows costs more than packing.
    let packAllOfA = (n + nr - 1) / nr > (a.transposed ? 2 : 4)
    let aRow = a.transposed ? 1 : a.stride, aStep = a.transposed ? a.stride : 1
    let ncBlock = min(ncMax, (n + nr - 1) / nr * nr)
    let kcBlock = Tile.kBlockDepth(k)
    let mcBlock = min(mcMax, (m + mr - 1) / mr * mr)
    // Room for one more sliver than the columns fill: a narrow first sliver moves the last one on.
    workspace.packedB.reserve(min(kcMax, k) * (ncBlock + nr))
    workspace.packedA.reserve(min(kcMax, k) * mcBlock)
    workspace.edgeTile.reserve(mr * nr)
    let packedA = workspace.packedA.pointer
    let fusedScale = epilogue.fusedScale
    let edge = workspace.edgeTile.pointer

    var blockIndex = 0
    // Where the next block of a prepacked B starts (`PrepackedB` holds the blocks in the order this loop reads them).
    var prepackedOffset = 0
    var jc = 0
    while jc < n {
        let nc = min(ncMax, n - jc)
        let lead = packAllOfB ? 0 : unalignedLead(b, column: jc, width: nc, nr: nr)
        let fullEnd = lead + (nc - lead) / nr * nr
        var pc = 0
        while pc < k {
            let kc = min(kcBlock, k - pc)
            // B's block [kc, nc]: prepacked, packed together with the other parts, packed here, or read in place
            // but for a narrow first sliver and a ragged last one.
            var packedB = workspace.packedB.pointer
            if let prepackedB {
                packedB = UnsafeMutablePointer(mutating: prepackedB + prepackedOffset)
                prepackedOffset += kc * ((nc + nr - 1) / nr * nr)
            } else if let sharedB {
                packedB = sharedB.block(blockIndex, of: b.offset(row: pc, column: jc), kc: kc, nc: nc)
                blockIndex += 1
            } else if packAllOfB {
                packB(Tile.self, b.offset(row: pc, column: jc), kc: kc, nc: nc, into: packedB)
            } else {
                if lead > 0 { packB(Tile.self, b.offset(row: pc, column: jc), kc: kc, nc: lead, into: packedB) }
                if fullEnd < nc {
                    packB(Tile.self, b.offset(row: pc, column: jc + fullEnd), kc: kc, nc: nc - fullEnd,
                          into: packedB + fullEnd * kc)
                }
            }
            var ic = 0
            while ic < m {
                let mc = min(mcMax, m - ic)
                if packAllOfA { packA(Tile.self, a.offset(row: ic, column: pc), mc: mc, kc: kc, into: packedA) }
                // A's rows of this block, and the step from one row of it to the next: packed, or in place.
                let aBlock: UnsafePointer<T> = packAllOfA ? UnsafePointer(packedA) : a.offset(row: ic, column: pc).base
                let aTileRow = packAllOfA ? kc : aRow
                var jr = 0
                while jr < nc {
                    let columns = jr < lead ? lead : min(nr, nc - jr)
                    let inPlaceB = !packAllOfB && columns == nr
                    let bSliver: UnsafePointer<T> = inPlaceB
                        ? b.base + (pc * b.stride + jc + jr) : UnsafePointer(packedB + jr * kc)
                    let schedule = TileSchedule(Tile.self, start: start.offset(column: jc + jr), pc: pc, kc: kc,
                                                k: k, fusedScale: fusedScale)
                    @inline(__always) func operands(_ ir: Int) -> SliverOperands<T> {
                        SliverOperands(kc: kc, a: aBlock + ir * aTileRow, aRow: aRow, aStep: aStep, b: bSliver,
                                       bStep: b.stride)
                    }
                    let fullTiles = columns == nr ? mc / mr : 0
                    if fullTiles > 0 {
                        withOperandLayout(packedA: packAllOfA, packedB: !inPlaceB, TileColumn<Tile, E>(
                            tiles: fullTiles, rowsAfter: mc - fullTiles * mr, operands: operands(0),
                            schedule: schedule, c: c + ic * ldc + jc + jr, ldc: ldc, row: rowOffset + ic,
                            column: columnOffset + jc + jr, epilogue: epilogue))
                    }
                    var ir = fullTiles * mr
                    while ir < mc {
                        withOperandLayout(packedA: packAllOfA, packedB: !inPlaceB, EdgeTile<Tile, E>(
                            rows: min(mr, mc - ir), columns: columns, operands: operands(ir), schedule: schedule,
                            tile: c + (ic + ir) * ldc + jc + jr, ldc: ldc,
                            rowsBelow: ir + mr < mc ? min(mr, mc - ir - mr) : 0, edge: edge,
                            row: rowOffset + ic + ir, column: columnOffset + jc + jr, epilogue: epilogue))
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

/// The same product in this build's tiles (`GEMMBlocking`).
@inlinable
func gemmSingleThread<T: BackpropScalar, E: TileEpilogue>(
    m: Int, n: Int, k: Int, a: Operand<T>, b: Operand<T>, c: UnsafeMutablePointer<T>, ldc: Int,
    start: GEMMStart<T>, epilogue: E, rowOffset: Int, columnOffset: Int, workspace: GEMMWorkspace<T>,
    sharedB: SharedPackedB<GEMMBlocking<T>>? = nil, prepackedB: UnsafePointer<T>? = nil
) where E.Scalar == T {
    gemmSingleThread(tile: GEMMBlocking<T>.self, m: m, n: n, k: k, a: a, b: b, c: c, ldc: ldc, start: start,
                     epilogue: epilogue, rowOffset: rowOffset, columnOffset: columnOffset, workspace: workspace,
                     sharedB: sharedB, prepackedB: prepackedB)
}

/// The columns of op(B) before its first cache-line boundary, when B is read in place: 0 when B starts on a
/// line, when its rows do not all start at the same place in a line, or when the rest would not fill a sliver
/// of `nr` columns.
@inlinable @inline(__always)
func unalignedLead<T: BackpropScalar>(_ b: Operand<T>, column jc: Int, width nc: Int, nr: Int) -> Int {
    guard (b.stride * MemoryLayout<T>.stride) % 64 == 0 else { return 0 }
    let offset = Int(bitPattern: b.base + jc) & 63
    guard offset != 0 && offset % MemoryLayout<T>.stride == 0 else { return 0 }
    let lead = (64 - offset) / MemoryLayout<T>.stride
    return nc - lead < nr ? 0 : lead
}
