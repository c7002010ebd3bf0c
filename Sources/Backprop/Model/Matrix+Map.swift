extension Matrix {
    /// The matrix with `transform` applied to every element: σ(Z) is `z.map { network.hidden.value($0) }`.
    /// - Complexity: one call of `transform` per element, in row-major order.
    @inlinable
    public func map(_ transform: (Scalar) throws -> Scalar) rethrows -> Matrix {
        Matrix(rows: rows, columns: columns, elements: try elements.map(transform))
    }

    /// The matrix with `transform` applied to every row (a softmax needs the whole row).
    /// - Precondition: `transform` keeps each row's length.
    public func mapRows(_ transform: ([Scalar]) throws -> [Scalar]) rethrows -> Matrix {
        let mapped = try (0..<rows).map { try transform(row($0)) }
        precondition(mapped.allSatisfy { $0.count == columns }, "mapRows: a row changed its length")
        return Matrix(rows: rows, columns: columns, elements: mapped.flatMap { $0 })
    }
}
