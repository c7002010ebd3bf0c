/// A register tile of the GEMM: the block of C one micro-kernel call keeps in registers, and the cache blocking
/// that feeds it.
///
///     MR = rows                             rows of C per tile: one broadcast of A each per step k
///     NR = vectors · Vector.scalarCount     columns of C per tile: `vectors` SIMD vectors of B per step k
///     MR · vectors accumulators + `vectors` vectors of B + 1 broadcast  ≤  the platform's vector registers
///
/// The tile only decides which elements of C a call computes together. Each element is still one chain of FMAs over
/// k in order (`microKernel`), so every tile gives the same bits; the tests run each configuration against the
/// scalar chain. A configuration is a type (`AVX2Tile`, `AVX512Tile`), so that the kernels specialised for it
/// have its sizes as constants; `GEMMBlocking` names the one this build uses.
@usableFromInline
protocol RegisterTile {
    associatedtype Scalar: BackpropScalar
    /// The SIMD type of one accumulator (one register of the platform).
    associatedtype Vector: SIMD where Vector.Scalar == Scalar
    /// MR: the rows of C in a tile (at most `maximumTileRows`).
    static var rows: Int { get }
    /// The vectors of `Vector` across a tile's row (1…4).
    static var vectors: Int { get }
    /// KC: the depth of a packed block, so that an MR × KC sliver of A and a KC × NR sliver of B stay in L1.
    static var kc: Int { get }
    /// MC: the rows of A packed at once, an MC × KC block that stays in L2.
    static var mc: Int { get }
    /// NC: the columns of B packed at once (an L3-sized panel); a multiple of NR.
    static var nc: Int { get }
    /// The instruction set the tile is sized for: "AVX2", "AVX-512".
    static var name: String { get }
}

/// The most rows a tile may have: the micro-kernel holds up to this many rows of accumulators.
@usableFromInline let maximumTileRows = 12

extension RegisterTile {
    @inlinable static var mr: Int { rows }
    @inlinable static var nr: Int { vectors * Vector.scalarCount }
    /// "AVX2 tile 6 × 8".
    static var description: String { "\(name) tile \(mr) × \(nr)" }
    /// The shallowest K-block whose tiles ask for the next tile of C while they compute: a tile of a shallower block
    /// is done before the lines could arrive, and the requests would only cost.
    @inlinable static var prefetchDepth: Int { 32 }

    /// The depth of K's blocks for a sum of `k` products: K in equal blocks of at most KC, rounded up to a
    /// multiple of 8 (784 → 200 + 200 + 200 + 184 with KC = 256), so that no short last block loads and stores
    /// every tile of C for a few steps.
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

/// The tile's MR as a count known at compile time, for the micro-kernel's full tiles.
@usableFromInline
enum FullTileRows<Tile: RegisterTile>: VectorCount {
    @inlinable static var value: Int { Tile.rows }
}
