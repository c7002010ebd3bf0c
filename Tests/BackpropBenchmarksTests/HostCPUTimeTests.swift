import Testing
@testable import BackpropBenchmarks

@Suite("Host CPU time (steal)")
struct HostCPUTimeTests {
    static let sample = """
        cpu  5679465 1 177176 5523721 15422 0 4173 122631 0 0
        cpu0 2428100 1 77737 3190298 3023 0 646 62341 0 0
        cpu1 3251364 0 99439 2333423 12398 0 3526 60289 0 0
        intr 123 4 5
        """

    @Test("the aggregate cpu line: the eight fields but idle and iowait summed, steal the eighth; per-CPU lines ignored")
    func parsesTheAggregateLine() throws {
        let times = try #require(HostCPUTime.parse(Self.sample))
        #expect(times.stolen == 122_631)
        #expect(times.wanted == 5_679_465 + 1 + 177_176 + 0 + 4_173 + 122_631)
    }

    @Test("no figure without a steal field or a cpu line", arguments: [
        "cpu  1 2 3 4 5 6 7\n",          // seven fields: a kernel without steal accounting
        "cpu0 1 2 3 4 5 6 7 8\n",        // only a per-CPU line
        "cpu  1 2 3 x 5 6 7 8\n",        // not a number
        "cpu  18446744073709551615 1 0 0 0 0 0 0\n",  // a sum past 64 bits
        "",
    ])
    func refusesIncompleteText(_ text: String) {
        #expect(HostCPUTime.parse(text) == nil)
    }

    @Test("the stolen share of the time wanted between two readings")
    func stolenShare() throws {
        let before = HostCPUTime(wanted: 1_000, stolen: 10)
        let after = HostCPUTime(wanted: 1_200, stolen: 15)
        let share = try #require(after.stolenShare(since: before))
        #expect(share == 0.025)
        #expect(before.stolenShare(since: before) == nil)
        #expect(before.stolenShare(since: after) == nil)
    }

    #if os(Linux)
    @Test("on Linux the counts are read from /proc/stat, and they do not run backwards")
    func readsThisMachine() throws {
        let first = try #require(HostCPUTime.now())
        let second = try #require(HostCPUTime.now())
        #expect(first.wanted > 0)
        #expect(second.wanted >= first.wanted && second.stolen >= first.stolen)
    }
    #endif
}
