/// A vector count known at compile time, so that a kernel specialised on it keeps exactly that many
/// accumulators in registers (the `if Count.value > v` tests fold away): vectors of a row, or rows of a tile.
@usableFromInline protocol VectorCount { static var value: Int { get } }
@usableFromInline enum NoVectors: VectorCount { @inlinable static var value: Int { 0 } }
@usableFromInline enum OneVector: VectorCount { @inlinable static var value: Int { 1 } }
@usableFromInline enum TwoVectors: VectorCount { @inlinable static var value: Int { 2 } }
@usableFromInline enum ThreeVectors: VectorCount { @inlinable static var value: Int { 3 } }
@usableFromInline enum FourVectors: VectorCount { @inlinable static var value: Int { 4 } }
@usableFromInline enum FiveVectors: VectorCount { @inlinable static var value: Int { 5 } }
@usableFromInline enum SixVectors: VectorCount { @inlinable static var value: Int { 6 } }
@usableFromInline enum SevenVectors: VectorCount { @inlinable static var value: Int { 7 } }
@usableFromInline enum EightVectors: VectorCount { @inlinable static var value: Int { 8 } }
// Beyond eight: the GEMM's register tiles count their rows with these too (up to `maximumTileRows`).
@usableFromInline enum NineVectors: VectorCount { @inlinable static var value: Int { 9 } }
@usableFromInline enum TenVectors: VectorCount { @inlinable static var value: Int { 10 } }
@usableFromInline enum ElevenVectors: VectorCount { @inlinable static var value: Int { 11 } }
@usableFromInline enum TwelveVectors: VectorCount { @inlinable static var value: Int { 12 } }

/// The widest register block the row kernels use: 8 vectors (32 Doubles, 64 Floats).
@usableFromInline let maximumBlockVectors = 8
