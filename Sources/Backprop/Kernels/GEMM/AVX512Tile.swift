/// The AVX-512 tile (32 registers of 512 bits), of `Scalar.WideVector`, the shapes BLIS uses on Zen 4 and
/// Skylake-X read for a row-major C (BLIS keeps C by columns, so its MR is our NR and the other way round):
///
/// - Double: 8 rows × 3 vectors of `SIMD8<Double>` (8 × 24, BLIS's zen4 dgemm 8×24): 24 accumulators, 3 vectors of
///   B and one broadcast, 28 of the 32 registers; 11 loads per 24 FMAs.
/// - Float: 12 rows × 2 vectors of `SIMD16<Float>` (12 × 32, BLIS's skx/zen4 sgemm 32×12 transposed): 24
///   accumulators, 2 vectors of B and one broadcast, 27 registers; 14 loads per 24 FMAs.
///
/// KC keeps the tile column's sliver of B, which every tile of the column reads, within L1 with room for the
/// slivers of A that stream past it: KC × NR = 128 × 24 Doubles or 192 × 32 Floats, 24 KiB of a 32 KiB (Skylake-X,
/// Zen 4) or 48 KiB (Ice Lake and later) L1. MC keeps the MC × KC block of A in L2 (96 KiB, 72 KiB). Untuned: it
/// has not been timed on a machine with AVX-512. The tests run it on any machine, each 512-bit vector split into
/// halves where a register has 256 bits.
@usableFromInline
enum AVX512Tile<Scalar: BackpropScalar>: RegisterTile {
    @usableFromInline typealias Vector = Scalar.WideVector
    @usableFromInline static var name: String { "AVX-512" }
    @inlinable static var rows: Int { MemoryLayout<Scalar>.size == 8 ? 8 : 12 }
    @inlinable static var vectors: Int { MemoryLayout<Scalar>.size == 8 ? 3 : 2 }
    @inlinable static var kc: Int { MemoryLayout<Scalar>.size == 8 ? 128 : 192 }
    @inlinable static var mc: Int { 96 }
    @inlinable static var nc: Int { 3072 }
}
