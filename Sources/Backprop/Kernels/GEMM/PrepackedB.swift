/// op(B) packed whole before a product runs, in the blocks and order `gemmSingleThread` reads it: for each panel
/// of NC columns, for each K-block, the block's NR-column slivers (`packB`'s layout), one after another.
///
///     op(B) [k, n]  →  Σ over panels of  k · ⌈panel width / NR⌉ · NR  scalars
///
/// The batch engine's dynamic schedule packs each Wˡ (and Δˡ for the weight gradients) this way once per call,
/// the threads taking blocks as tasks, and then any number of row chunks read it, in any order, without waiting for
/// one another. Packing only copies, so a product that reads B prepacked gives the same bits as one that packs it.
/// The sizes are this build's tiles' (`GEMMBlocking`); the `tile:` forms take any other.
@usableFromInline
enum PrepackedB<Scalar: BackpropScalar> {
    /// The scalars op(B) [k, n] takes prepacked.
    @inlinable
    static func capacity(n: Int, k: Int) -> Int { capacity(tile: GEMMBlocking<Scalar>.self, n: n, k: k) }

    /// The number of blocks (NC panel, K-block) of op(B) [k, n], each one packing task.
    @inlinable
    static func blockCount(n: Int, k: Int) -> Int { GEMMBlocking<Scalar>.packedBlockCount(n: n, k: k) }

    /// Packs share `share` of `shares` of block `block` (see the `tile:` form) in this build's tiles.
    @inlinable
    static func pack(_ b: Operand<Scalar>, k: Int, n: Int, block: Int, share: Int = 0, of shares: Int = 1,
                     into packed: UnsafeMutablePointer<Scalar>) {
        pack(tile: GEMMBlocking<Scalar>.self, b, k: k, n: n, block: block, share: share, of: shares, into: packed)
    }

    /// The scalars op(B) [k, n] takes prepacked for `Tile`.
    @inlinable
    static func capacity<Tile: RegisterTile>(tile: Tile.Type, n: Int, k: Int) -> Int where Tile.Scalar == Scalar {
        let nr = Tile.nr, ncMax = Tile.nc
        let fullPanels = n / ncMax, rest = n - fullPanels * ncMax
        return k * (fullPanels * ncMax + (rest + nr - 1) / nr * nr)
    }

    /// Packs share `share` of `shares` of block `block` (panels outer, K-blocks inner, as `gemmSingleThread` reads
    /// them) of op(B) [k, n] into its place in `packed`, which holds `capacity(tile:n:k:)` scalars. The shares are
    /// equal runs of the block's NR-column slivers (a share may be empty); all of them together pack the block.
    /// - Precondition: `0 ≤ block < Tile.packedBlockCount(n:k:)`, `0 ≤ share < shares`.
    @inlinable
    static func pack<Tile: RegisterTile>(tile: Tile.Type, _ b: Operand<Scalar>, k: Int, n: Int, block: Int,
                                         share: Int = 0, of shares: Int = 1, into packed: UnsafeMutablePointer<Scalar>)
    where Tile.Scalar == Scalar {
        let nr = Tile.nr, ncMax = Tile.nc
        let depth = Tile.kBlockDepth(k)
        let kBlocks = (k + depth - 1) / depth
        let panel = block / kBlocks, kBlock = block % kBlocks
        precondition(block >= 0 && panel * ncMax < n && share >= 0 && share < shares,
                     "share \(share) of \(shares) of block \(block) of a [\(k), \(n)] operand")
        let jc = panel * ncMax, pc = kBlock * depth
        let nc = min(ncMax, n - jc), kc = min(depth, k - pc)
        // Whole panels before this one (NC is a multiple of NR), then the K-blocks before this one in its panel.
        let slivers = (nc + nr - 1) / nr
        let offset = k * jc + pc * slivers * nr
        let q0 = slivers * share / shares, q1 = slivers * (share + 1) / shares
        guard q1 > q0 else { return }
        packB(Tile.self, b.offset(row: pc, column: jc + q0 * nr), kc: kc, nc: min(nc, q1 * nr) - q0 * nr,
              into: packed + offset + q0 * nr * kc)
    }
}
