import Testing
@testable import Backprop

@Suite("Matrix")
struct MatrixTests {
    @Test("row-major storage, subscripts and rows")
    func storage() {
        var m = Matrix<Double>([[1, 2, 3], [4, 5, 6]])
        #expect(m.rows == 2 && m.columns == 3 && m.elements == [1, 2, 3, 4, 5, 6])
        #expect(m[1, 2] == 6 && m.row(1) == [4, 5, 6] && m.rowArrays == [[1, 2, 3], [4, 5, 6]])
        m[0, 1] = 9
        #expect(m.elements[1] == 9)
        #expect(m.shapeDescription == "[2, 3]")
    }

    @Test("transpose, conversion and finiteness")
    func transforms() {
        let m = Matrix<Double>([[1, 2, 3], [4, 5, 6]])
        #expect(m.transposed == Matrix([[1, 4], [2, 5], [3, 6]]))
        #expect(m.transposed.transposed == m)
        let f: Matrix<Float> = m.converted()
        #expect(f.elements == [1, 2, 3, 4, 5, 6])
        #expect(m.isFinite && !Matrix<Double>([[1, .nan]]).isFinite)
    }

    @Test("value semantics: a copy does not see later writes")
    func valueSemantics() {
        let a = Matrix<Float>(rows: 2, columns: 2, repeating: 1)
        var b = a
        b[0, 0] = 5
        #expect(a[0, 0] == 1 && b[0, 0] == 5)
    }
}
