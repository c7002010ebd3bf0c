import Foundation

/// The machine's CPU time so far as its kernel counts it: the time its CPUs wanted to run (everything but idle),
/// and the part of that the host took ("steal" in /proc/stat: time a virtual CPU wanted to run while the
/// hypervisor ran something else).
///
/// On a shared host a virtual CPU can be taken away for milliseconds at a time. A one-thread engine then loses that
/// time; two threads that meet at the end of a phase lose more, since the other thread waits for the stopped one.
/// The harness reads this before and after each case's samples and reports the share stolen (the `steal` column),
/// so that a disturbed case can be told from a slow one. The share is of the time the CPUs wanted to run, not of
/// all time, so that a one-thread case (one CPU busy, one idle) is not reported at half its loss. Where there is
/// no /proc/stat (macOS) there is no figure.
public struct HostCPUTime: Equatable, Sendable {
    /// Clock ticks of all CPUs together in which they wanted to run: user, nice, system, irq, softirq and steal
    /// (not idle or iowait).
    public var wanted: UInt64
    /// The ticks the host took.
    public var stolen: UInt64

    public init(wanted: UInt64, stolen: UInt64) {
        self.wanted = wanted
        self.stolen = stolen
    }

    /// Reads the aggregate `cpu` line of /proc/stat's text:
    /// `cpu  user nice system idle iowait irq softirq steal guest guest_nice`.
    /// Guest time is already inside user and nice, so only the first eight fields count. nil when there is no
    /// such line, it has fewer than eight numbers (a kernel older than 2.6.11 has no steal field), or their sum
    /// does not fit in 64 bits.
    public static func parse(_ text: String) -> HostCPUTime? {
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.first == "cpu" else { continue }
            let ticks = fields.dropFirst().prefix(8).compactMap { UInt64($0) }
            guard ticks.count == 8 else { return nil }
            var wanted: UInt64 = 0
            for (index, count) in ticks.enumerated() where index != 3 && index != 4 {  // not idle, not iowait
                let (sum, overflow) = wanted.addingReportingOverflow(count)
                if overflow { return nil }
                wanted = sum
            }
            return HostCPUTime(wanted: wanted, stolen: ticks[7])
        }
        return nil
    }

    /// The counts now, or nil where the system has no /proc/stat.
    public static func now() -> HostCPUTime? {
        guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8) else { return nil }
        return parse(text)
    }

    /// The share (0…1) of the time the CPUs wanted to run since `earlier` that the host took; nil when no such
    /// tick has passed.
    public func stolenShare(since earlier: HostCPUTime) -> Double? {
        guard wanted > earlier.wanted, stolen >= earlier.stolen else { return nil }
        return Double(stolen - earlier.stolen) / Double(wanted - earlier.wanted)
    }
}
