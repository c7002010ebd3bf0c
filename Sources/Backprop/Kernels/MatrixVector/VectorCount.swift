/// A vector count known at compile time, so that a kernel specialised on it keeps exactly that many
/// accumulators in registers (the `if Count.value > v` tests fold away).
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

/// The widest register block the row kernels use: 8 vectors (32 Doubles, 64 Floats).
@usableFromInline let maximumBlockVectors = 8
