import Testing
@testable import BackpropBenchmarks

@Suite("Timing statistics")
struct StatisticsTests {
    @Test("timing summaries: median and linearly interpolated percentiles")
    func statistics() {
        let summary = TimingSummary([5, 1, 4, 2, 3], repetitions: 10)
        #expect(summary.median == 3 && summary.minimum == 1 && summary.maximum == 5)
        #expect(abs(summary.p10 - 1.4) < 1e-12 && abs(summary.p90 - 4.6) < 1e-12)
        #expect(TimingSummary([2, 4], repetitions: 1).median == 3)
    }
}
