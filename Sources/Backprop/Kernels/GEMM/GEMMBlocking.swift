/// The register tile and cache blocking of this build's GEMM, for one scalar type: `AVX512Tile` when the build
/// targets a CPU with AVX-512 (Package.swift defines BACKPROP_AVX512 then), else `AVX2Tile`.
///
/// Swift has no `#if` on the target's features, so the package decides: for `BACKPROP_TARGET_CPU=native` (the
/// default) it reads the building machine's /proc/cpuinfo, for a named CPU it knows which have AVX-512. Either way
/// the results are the same bits (`RegisterTile`); only the speed differs.
#if BACKPROP_AVX512
@usableFromInline typealias GEMMBlocking<Scalar: BackpropScalar> = AVX512Tile<Scalar>
#else
@usableFromInline typealias GEMMBlocking<Scalar: BackpropScalar> = AVX2Tile<Scalar>
#endif
