import Testing
@testable import Backprop

@Suite("Labelled data, splits and normalisation")
struct LabeledDataTests {
    static let data = try! LabeledData(features: Matrix(rows: 10, columns: 2, elements: (0..<20).map(Double.init)),
                                       labels: [0, 1, 0, 1, 0, 1, 0, 1, 0, 1])

    @Test("a seeded split is reproducible, disjoint and complete")
    func split() {
        let (train, test) = Self.data.split(testFraction: 0.3, seed: 5)
        let again = Self.data.split(testFraction: 0.3, seed: 5)
        #expect(train == again.train && test == again.test)
        #expect(train.count == 7 && test.count == 3)
        let rows = Set(train.features.rowArrays + test.features.rowArrays)
        #expect(rows.count == 10)
        #expect(Self.data.split(testFraction: 0.3, seed: 6).test != test)
    }

    @Test("standardisation gives mean 0 and deviation 1; a constant feature becomes 0")
    func normalization() throws {
        let constant = try LabeledData(features: Matrix([[1, 5], [3, 5], [5, 5]]), labels: [0, 1, 0])
        let scaling = Normalization(standardizing: constant)
        let x: Matrix<Double> = scaling.apply(constant.features)
        #expect(x.row(0)[0] == -x.row(2)[0] && x.row(1)[0] == 0)
        #expect(abs(x.elements.enumerated().filter { $0.offset % 2 == 0 }.map { $0.element * $0.element }.reduce(0, +) / 3 - 1) < 1e-12)
        #expect(x.elements.enumerated().filter { $0.offset % 2 == 1 }.allSatisfy { $0.element == 0 })
    }

    @Test("labels out of range, and mismatched counts, are refused")
    func validation() {
        #expect(throws: BackpropError.self) { try LabeledData(features: Matrix([[1]]), labels: [0, 1]) }
        #expect(throws: BackpropError.self) { try LabeledData(features: Matrix([[1], [2]]), labels: [0, 3], classCount: 2) }
        #expect(throws: BackpropError.self) { try LabeledData(features: Matrix([[1], [.nan]]), labels: [0, 1]) }
    }
}
