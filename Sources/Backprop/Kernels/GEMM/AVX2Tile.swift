/// The AVX2 tile (16 registers of 256 bits): 6 rows × 2 vectors of `Scalar.Vector` (6 × 8 Doubles, 6 × 16
/// Floats): 12 accumulators, two vectors of B and one broadcast of A, 15 of the 16 registers. Also the tile of the
/// builds for CPUs without AVX2 (baseline x86-64, ARM), where it is correct and untuned.
///
/// - KC = 256: a 6 × KC sliver of A (12 KiB in Double) and a KC × NR sliver of B (16 KiB) stay in a 32 KiB L1.
/// - MC = 48 Doubles, 96 Floats: an MC × KC block of A (96 KiB) stays in L2 with room left for the tiles of C and the
///   sliver of B it meets (smaller than BLIS's usual 72/144, which fill a 512 KiB L2).
/// - NC = 3072: an L3-sized panel of B.
@usableFromInline
enum AVX2Tile<Scalar: BackpropScalar>: RegisterTile {
    @usableFromInline typealias Vector = Scalar.Vector
    @usableFromInline static var name: String { "AVX2" }
    @inlinable static var rows: Int { 6 }
    @inlinable static var vectors: Int { 2 }
    @inlinable static var kc: Int { 256 }
    @inlinable static var mc: Int { MemoryLayout<Scalar>.size == 8 ? 48 : 96 }
    @inlinable static var nc: Int { 3072 }
}
