/// What the tiles of one sliver of C read in one K-block: A's rows and B's sliver, packed or in place.
///
/// A's element (r, k) of the first tile is at `a[r · aRow + k · aStep]`, B's vectors for step k at
/// `b + k · bStep`. For a packed operand the layout's constant strides replace these (see `microKernel`).
@usableFromInline
struct SliverOperands<T: BackpropScalar> {
    @usableFromInline let kc: Int
    @usableFromInline let a: UnsafePointer<T>, aRow: Int, aStep: Int
    @usableFromInline let b: UnsafePointer<T>, bStep: Int

    @inlinable
    init(kc: Int, a: UnsafePointer<T>, aRow: Int, aStep: Int, b: UnsafePointer<T>, bStep: Int) {
        self.kc = kc; self.a = a; self.aRow = aRow; self.aStep = aStep; self.b = b; self.bStep = bStep
    }

    /// A's next tile (MR rows further down) under `Layout`: MR packed rows of `kc`, or MR stored rows.
    @inlinable @inline(__always)
    func aTile<Tile: RegisterTile, Layout: OperandLayout>(_: Tile.Type, _: Layout.Type) -> Int {
        Tile.mr * (Layout.aPacked ? kc : aRow)
    }
}

/// How a tile of C begins and ends in one K-block.
@usableFromInline
struct TileSchedule<T: BackpropScalar> {
    /// Whether the accumulators start from C (a later K-block, or after the bias was copied in) or from +0.
    @usableFromInline let loadC: Bool
    /// The sliver's bias values, copied into each row of C before the first K-block of a biased product.
    @usableFromInline let bias: UnsafePointer<T>?
    /// Whether to ask for the next tile's rows of C while this one computes.
    @usableFromInline let prefetchC: Bool
    /// The epilogue's factor, fused into the micro-kernel after the last K-block.
    @usableFromInline let scale: T?
    /// Whether to run the epilogue's `finish` on the tile (after the last K-block, when no factor is fused).
    @usableFromInline let finish: Bool

    /// The schedule of K-block [pc, pc + kc) of a sum of `k` products from `start`, in tiles of `Tile`.
    @inlinable
    init<Tile: RegisterTile>(_: Tile.Type, start: GEMMStart<T>, pc: Int, kc: Int, k: Int, fusedScale: T?)
    where Tile.Scalar == T {
        let first = pc == 0, last = pc + kc == k
        bias = first ? start.bias : nil
        loadC = !first || bias != nil
        prefetchC = kc >= Tile.prefetchDepth
        scale = last ? fusedScale : nil
        finish = last && fusedScale == nil
    }
}

/// The full-height tiles (MR rows, NR columns) of one full-width column sliver of C, top to bottom: for each, the
/// start (+0, the bias copied in, or C), the next tile's rows of C asked for, the micro-kernel, and the epilogue
/// after the last K-block. One call per sliver rather than per tile, so that a shallow K-block (the weight
/// gradient of a few examples: about a hundred cycles of FMAs a tile) does not pay a call and a dispatch per tile.
@usableFromInline
struct TileColumn<Tile: RegisterTile, E: TileEpilogue>: TileRunner where E.Scalar == Tile.Scalar {
    @usableFromInline typealias T = Tile.Scalar
    @usableFromInline let tiles: Int
    /// The rows of the row block below the last full tile (a ragged tile, done by `EdgeTile`).
    @usableFromInline let rowsAfter: Int
    @usableFromInline let operands: SliverOperands<T>
    @usableFromInline let schedule: TileSchedule<T>
    /// The first tile's top-left element of C.
    @usableFromInline let c: UnsafeMutablePointer<T>
    @usableFromInline let ldc: Int
    /// The first tile's position in the whole C, for the epilogue.
    @usableFromInline let row: Int, column: Int
    @usableFromInline let epilogue: E

    @inlinable
    init(tiles: Int, rowsAfter: Int, operands: SliverOperands<T>, schedule: TileSchedule<T>,
         c: UnsafeMutablePointer<T>, ldc: Int, row: Int, column: Int, epilogue: E) {
        self.tiles = tiles; self.rowsAfter = rowsAfter; self.operands = operands; self.schedule = schedule
        self.c = c; self.ldc = ldc; self.row = row; self.column = column; self.epilogue = epilogue
    }

    @inlinable @inline(never)
    func run<Layout: OperandLayout>(_: Layout.Type) {
        let mr = Tile.mr, nr = Tile.nr
        let s = schedule, o = operands
        let aTile = o.aTile(Tile.self, Layout.self)
        var tile = c
        var pa = o.a
        for t in 0..<tiles {
            if let bias = s.bias {
                let values = TileRow<Tile.Vector>(loading: bias, vectors: Tile.vectors)
                for r in 0..<mr { values.store(to: tile + r * ldc, vectors: Tile.vectors) }
            }
            if s.prefetchC {
                let next = tile + mr * ldc
                for r in 0..<(t + 1 < tiles ? mr : min(mr, rowsAfter)) { prefetchForWrite(next + r * ldc) }
            }
            microKernel(Tile.self, FullTileRows<Tile>.self, Layout.self, o.kc, a: pa, aRow: o.aRow, aStep: o.aStep,
                        b: o.b, bStep: o.bStep, c: tile, ldc: ldc, loadC: s.loadC, scale: s.scale)
            if s.finish { epilogue.finish(tile, ldc, row: row + t * mr, column: column, rows: mr, columns: nr) }
            tile += mr * ldc
            pa += aTile
        }
    }
}

/// One tile of C at an edge: fewer than MR rows, or fewer than NR columns, or both. A tile with all NR columns
/// works on C itself; one with fewer works on a padded copy of its valid part in `edge` (a full-width store would
/// spill into the next row of C) and copies it back.
@usableFromInline
struct EdgeTile<Tile: RegisterTile, E: TileEpilogue>: TileRunner where E.Scalar == Tile.Scalar {
    @usableFromInline typealias T = Tile.Scalar
    @usableFromInline let rows: Int, columns: Int
    @usableFromInline let operands: SliverOperands<T>
    @usableFromInline let schedule: TileSchedule<T>
    @usableFromInline let tile: UnsafeMutablePointer<T>
    @usableFromInline let ldc: Int
    /// The rows of the next tile below this one, asked for while this one computes (0: none).
    @usableFromInline let rowsBelow: Int
    /// MR × NR scalars for a tile narrower than NR.
    @usableFromInline let edge: UnsafeMutablePointer<T>
    @usableFromInline let row: Int, column: Int
    @usableFromInline let epilogue: E

    @inlinable
    init(rows: Int, columns: Int, operands: SliverOperands<T>, schedule: TileSchedule<T>,
         tile: UnsafeMutablePointer<T>, ldc: Int, rowsBelow: Int, edge: UnsafeMutablePointer<T>, row: Int,
         column: Int, epilogue: E) {
        self.rows = rows; self.columns = columns; self.operands = operands; self.schedule = schedule
        self.tile = tile; self.ldc = ldc; self.rowsBelow = rowsBelow; self.edge = edge; self.row = row
        self.column = column; self.epilogue = epilogue
    }

    /// Not inlined: the micro-kernel keeps its accumulators in registers only in a function of its own size.
    @inlinable @inline(never)
    func run<Layout: OperandLayout>(_: Layout.Type) {
        let mr = Tile.mr, nr = Tile.nr
        let s = schedule, o = operands
        if s.prefetchC {
            let next = tile + mr * ldc
            for r in 0..<rowsBelow { prefetchForWrite(next + r * ldc) }
        }
        let full = columns == nr
        let target = full ? tile : edge
        let targetStride = full ? ldc : nr
        if let bias = s.bias {
            for r in 0..<rows { (target + r * targetStride).update(from: bias, count: columns) }
        } else if s.loadC && !full {
            for r in 0..<rows { (edge + r * nr).update(from: tile + r * ldc, count: columns) }
        }
        microKernel(Tile.self, rows: rows, Layout.self, o.kc, a: o.a, aRow: o.aRow, aStep: o.aStep, b: o.b,
                    bStep: o.bStep, c: target, ldc: targetStride, loadC: s.loadC, scale: s.scale)
        if !full {
            for r in 0..<rows { (tile + r * ldc).update(from: edge + r * nr, count: columns) }
        }
        if s.finish { epilogue.finish(tile, ldc, row: row, column: column, rows: rows, columns: columns) }
    }
}
