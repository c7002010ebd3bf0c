/// A dense matrix of `Float` or `Double`, stored row-major: element (i, j) is `elements[i * columns + j]`.
///
/// The library's conventions follow the course note: a batch X is `[m, n]` (one example per row), a weight
/// matrix Wˡ is `[h_{l−1}, h_l]` (input × output), and every gradient has the shape of what it differentiates.
/// `Matrix` is a value type (copy-on-write through its array), so engines can hold on to a batch without copying.
public struct Matrix<Scalar: BackpropScalar>: Equatable, Sendable {
    /// The number of rows (for a batch: m, the number of examples).
    public let rows: Int
    /// The number of columns (for a batch: the number of features or units).
    public let columns: Int
    /// The `rows × columns` elements, row after row.
    public var elements: [Scalar]

    /// A `rows × columns` matrix filled with `value`.
    /// - Precondition: `rows ≥ 0` and `columns ≥ 0`.
    public init(rows: Int, columns: Int, repeating value: Scalar = 0) {
        precondition(rows >= 0 && columns >= 0, "a matrix cannot have a negative size")
        self.rows = rows
        self.columns = columns
        self.elements = Array(repeating: value, count: rows * columns)
    }

    /// A `rows × columns` matrix with the given row-major elements.
    /// - Precondition: `elements.count == rows * columns`.
    public init(rows: Int, columns: Int, elements: [Scalar]) {
        precondition(rows >= 0 && columns >= 0, "a matrix cannot have a negative size")
        precondition(elements.count == rows * columns,
                     "\(elements.count) elements cannot fill a [\(rows), \(columns)] matrix")
        self.rows = rows
        self.columns = columns
        self.elements = elements
    }

    /// A matrix from its rows, e.g. `Matrix([[1, 2, 3], [4, 5, 6]])` is `[2, 3]`.
    /// - Precondition: every row has the same length.
    public init(_ rowArrays: [[Scalar]]) {
        let columns = rowArrays.first?.count ?? 0
        precondition(rowArrays.allSatisfy { $0.count == columns }, "rows of different lengths")
        self.init(rows: rowArrays.count, columns: columns, elements: rowArrays.flatMap { $0 })
    }

    /// Element (row, column).
    /// - Precondition: `0 ≤ row < rows` and `0 ≤ column < columns` (each index on its own: a column past the end
    ///   is an error even where `row * columns + column` would still fall inside the elements).
    @inlinable
    public subscript(row: Int, column: Int) -> Scalar {
        get {
            precondition(row >= 0 && row < rows && column >= 0 && column < columns, outOfRange(row, column))
            return elements[row * columns + column]
        }
        set {
            precondition(row >= 0 && row < rows && column >= 0 && column < columns, outOfRange(row, column, storing: true))
            elements[row * columns + column] = newValue
        }
    }

    /// "Matrix [5, 3] has no element [2, 4]: rows 0..<5, columns 0..<3", with "to store into" after the index
    /// when it was written (so that a crash tells a read past a matrix from a write past it).
    @usableFromInline
    func outOfRange(_ row: Int, _ column: Int, storing: Bool = false) -> String {
        "Matrix \(shapeDescription) has no element [\(row), \(column)]\(storing ? " to store into" : ""): rows 0..<\(rows), columns 0..<\(columns)"
    }

    /// Row `i` as an array (a copy; for display and tests, not for hot loops).
    public func row(_ i: Int) -> [Scalar] {
        Array(elements[i * columns ..< (i + 1) * columns])
    }

    /// The rows as nested arrays, the shape JSON and NumPy use.
    public var rowArrays: [[Scalar]] {
        (0..<rows).map(row)
    }

    /// The shape as the docs write it: `[rows, columns]`.
    public var shapeDescription: String { "[\(rows), \(columns)]" }

    /// The transpose Mᵀ, `[columns, rows]` (allocates; the engines never need it, their kernels read
    /// transposed operands in place).
    public var transposed: Matrix {
        var result = Matrix(rows: columns, columns: rows)
        for i in 0..<rows {
            for j in 0..<columns {
                result.elements[j * rows + i] = elements[i * columns + j]
            }
        }
        return result
    }

    /// The same matrix in another precision (each element rounded once).
    public func converted<Other: BackpropScalar>(to _: Other.Type = Other.self) -> Matrix<Other> {
        Matrix<Other>(rows: rows, columns: columns, elements: elements.map { Other($0) })
    }

    /// Whether every element is finite (no NaN, no ±∞).
    public var isFinite: Bool { elements.allSatisfy(\.isFinite) }
}

extension Matrix: CustomStringConvertible {
    public var description: String {
        "Matrix\(shapeDescription)" + (rows * columns <= 64 ? " \(rowArrays)" : "")
    }
}
