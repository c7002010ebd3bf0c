/// Every timed call of a benchmark run, one by one (`bench --call-times FILE`).
///
/// A sample's figure is the mean of its calls, and the case's figure the median of its samples; the calls
/// themselves show what those hide. On a shared host the two virtual CPUs are not always two cores: for stretches
/// of 50 ms to seconds the calls of the two-thread engine run at about the one-thread speed, then at twice it again
/// (docs/performance.md, "Two threads"). The log lets a reader see those stretches, and see that the calls within
/// one are steady, rather than take the medians on trust.
public struct CallTime: Equatable, Sendable {
    /// The engine's name, as in the results ("loop", "batch", "batch-1t").
    public var engine: String
    /// The round of samples (0-based), in the order they were taken.
    public var sample: Int
    /// The call within the sample's timed calls (0-based).
    public var call: Int
    public var seconds: Double

    public init(engine: String, sample: Int, call: Int, seconds: Double) {
        self.engine = engine
        self.sample = sample
        self.call = call
        self.seconds = seconds
    }
}

/// The CSV form of the calls of a run: `network,precision,batch,case_threads,engine,sample,call,seconds`, one line
/// per call, cases in the order they ran, each case's calls in the order they were made (engines interleaved, as
/// timed). `case_threads` is the case's (its batch engine's) thread count, so that the calls of a one-thread case
/// and of a two-thread case stay apart; the loop engine and `batch-1t` run on one thread in either.
public enum CallTimeLog {
    public static let header = "network,precision,batch,case_threads,engine,sample,call,seconds"

    public static func csv(_ results: [CaseResult]) -> String {
        var lines = [header]
        for result in results {
            let c = result.benchmarkCase
            for t in result.callTimes {
                lines.append("\(c.network),\(c.precision),\(c.examples),\(c.threads),\(t.engine),\(t.sample),\(t.call),\(String(format: "%.6g", t.seconds))")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
