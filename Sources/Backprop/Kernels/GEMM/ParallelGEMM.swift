/// One parallel GEMM's parameters and the closure every thread runs, reused from call to call.
@usableFromInline
final class ParallelGEMM<Tile: RegisterTile, E: TileEpilogue> where E.Scalar == Tile.Scalar {
    @usableFromInline typealias T = Tile.Scalar
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
        let mr = Tile.mr, nr = Tile.nr
        let firstTile = p.tiles * part / p.parts, endTile = p.tiles * (part + 1) / p.parts
        if p.splitColumns {
            let j0 = firstTile * nr, j1 = min(p.n, endTile * nr)
            gemmSingleThread(tile: Tile.self, m: p.m, n: j1 - j0, k: p.k, a: p.a, b: p.b.offset(row: 0, column: j0), c: p.c + j0,
                             ldc: p.ldc, start: p.start.offset(column: j0), epilogue: p.epilogue, rowOffset: 0, columnOffset: j0,
                             workspace: p.workspaces[part])
        } else {
            let i0 = firstTile * mr, i1 = min(p.m, endTile * mr)
            let shared = p.sharedB.map {
                SharedPackedB<Tile>(buffer: $0, blockCapacity: p.sharedBlock, part: part, parts: p.parts, barrier: barrier)
            }
            gemmSingleThread(tile: Tile.self, m: i1 - i0, n: p.n, k: p.k, a: p.a.offset(row: i0, column: 0), b: p.b,
                             c: p.c + i0 * p.ldc, ldc: p.ldc, start: p.start, epilogue: p.epilogue, rowOffset: i0,
                             columnOffset: 0, workspace: p.workspaces[part], sharedB: shared)
        }
    }
}
