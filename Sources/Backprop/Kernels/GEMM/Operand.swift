/// A matrix operand read in place, as stored or transposed:
/// op(X)[i, j] = `transposed` ? base[j · stride + i] : base[i · stride + j].
///
/// The three products of backpropagation read their operands this way and never copy a transpose:
/// the hidden error's (Wˡ⁺¹)ᵀ and the weight gradient's (Aˡ⁻¹)ᵀ are the stored matrices with `transposed` set.
@usableFromInline
struct Operand<Scalar: BackpropScalar> {
    @usableFromInline let base: UnsafePointer<Scalar>
    /// The row stride of the stored matrix.
    @usableFromInline let stride: Int
    @usableFromInline let transposed: Bool

    @inlinable
    init(_ base: UnsafePointer<Scalar>, stride: Int, transposed: Bool = false) {
        self.base = base
        self.stride = stride
        self.transposed = transposed
    }

    /// op(X) without its first `row` rows and `column` columns.
    @inlinable
    func offset(row: Int, column: Int) -> Operand {
        Operand(base + (transposed ? column * stride + row : row * stride + column), stride: stride,
                transposed: transposed)
    }
}

/// What each accumulator of C starts from.
@usableFromInline
enum GEMMStart<Scalar: BackpropScalar> {
    /// +0: C = op(A) op(B) (the hidden errors, the weight gradients).
    case zero
    /// bⱼ for every row: C = op(A) op(B) + b, with `bias` holding N scalars (the forward products).
    case bias(UnsafePointer<Scalar>)

    /// The bias, when the product starts from one.
    @inlinable var bias: UnsafePointer<Scalar>? {
        if case .bias(let b) = self { return b }
        return nil
    }

    /// This start for the columns from `column` on (a bias moves with them).
    @inlinable func offset(column: Int) -> GEMMStart {
        if case .bias(let b) = self { return .bias(b + column) }
        return self
    }
}
