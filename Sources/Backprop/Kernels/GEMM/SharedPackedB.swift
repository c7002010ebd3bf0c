/// A packed B panel that the parts of a row-split parallel GEMM pack together and all read: each part packs
/// 1/parts of every K-block's slivers instead of all of them, then waits for the others.
///
/// The blocks alternate between the two halves of `buffer`, so that one barrier per block is enough: no part can
/// start packing block i + 2 (into the half of block i) before every part has finished with block i, since it has
/// passed block i + 1's barrier. (The batch engine's large batches pack all of B once per call instead,
/// `PrepackedB`, and need no barrier.)
@usableFromInline
struct SharedPackedB<Tile: RegisterTile> {
    @usableFromInline typealias T = Tile.Scalar
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

    /// Packs this part's share of op(B)'s block number `index` (`kc` × `nc`, starting at `b`), waits until every
    /// part has packed its own, and returns the packed block (`packB`'s layout for `Tile`).
    @inlinable
    func block(_ index: Int, of b: Operand<T>, kc: Int, nc: Int) -> UnsafeMutablePointer<T> {
        let nr = Tile.nr
        let packed = buffer + (index % 2) * blockCapacity
        let slivers = (nc + nr - 1) / nr
        let q0 = slivers * part / parts, q1 = slivers * (part + 1) / parts
        if q1 > q0 {
            packB(Tile.self, b.offset(row: 0, column: q0 * nr), kc: kc, nc: min(nc, q1 * nr) - q0 * nr, into: packed + q0 * nr * kc)
        }
        barrier.wait(parties: parts)
        return packed
    }
}
