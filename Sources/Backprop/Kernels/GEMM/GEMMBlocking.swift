/// The register and cache blocking of the GEMM for one scalar type.
///
/// - MR × NR: the register tile, 6 rows × 2 vectors (6 × 8 Doubles, 6 × 16 Floats): 12 accumulators, two
///   vectors of B and one broadcast of A, 15 of the 16 AVX2 registers.
/// - KC: the depth of a packed block: a 6 × KC sliver of A and a KC × NR sliver of B stay in L1.
/// - MC: the rows of A packed at once: an MC × KC block (96 KiB) stays in L2 with room left for the tiles of C and
///   the sliver of B it meets (smaller than BLIS's usual 72/144, which fill a 512 KiB L2).
/// - NC: the columns of B packed at once (an L3-sized panel).
/// - K is cut into equal blocks of at most KC (`kBlockDepth`), so that no short last block loads and stores every
///   tile of C for a few steps.
@usableFromInline
enum GEMMBlocking<Scalar: BackpropScalar> {
    @inlinable static var mr: Int { 6 }
    @inlinable static var nr: Int { 2 * Scalar.Vector.scalarCount }
    @inlinable static var kc: Int { 256 }
    @inlinable static var mc: Int { MemoryLayout<Scalar>.size == 8 ? 48 : 96 }
    @inlinable static var nc: Int { 3072 }
    /// The shallowest K-block whose tiles ask for the next tile of C while they compute: a tile of a shallower block
    /// is done before the lines could arrive, and the requests would only cost.
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
