import Testing
@testable import Backprop

/// The exercises' solution engines pass the checker, with the verdict the exercises promise.
@Suite("Exercise solutions")
struct SolutionEnginesTests {
    @Test("exercise 4: a per-example engine of one's own is correct (within rounding)")
    func perExample() {
        let report = EngineChecker().check(AnyBackpropEngine(PerExampleStudentEngine()))
        #expect(report.passed, "\(report.lines.joined(separator: "\n"))")
    }

    @Test("exercise 5: the library's operations in the library's order give the same bits")
    func bitwise() {
        let report = EngineChecker().check(AnyBackpropEngine(BitwiseStudentEngine()))
        #expect(report.verdict == .identical, "\(report.lines.joined(separator: "\n"))")
    }

    @Test("exercise 5: summing the examples backwards keeps the mathematics and loses the bits")
    func reversed() {
        let report = EngineChecker().check(AnyBackpropEngine(BitwiseStudentEngine(reverseExamples: true)))
        guard case .withinRounding(let ulps) = report.verdict else {
            Issue.record("expected within rounding: \(report.lines.joined(separator: "\n"))")
            return
        }
        #expect(ulps >= 1)
    }
}
