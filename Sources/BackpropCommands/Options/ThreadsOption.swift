import Backprop

/// `--threads N`: the threads of the batch engine, decided here once for every command, and the one pool of them
/// that a command's engines share (the training engine and its evaluator, say).
enum ThreadsOption {
    /// The option as the commands list it.
    static let spec = OptionSpec("threads", value: "N", help: "threads of the batch engine (default 1)")
    /// The threads a command may ask for.
    static let range = 1...256

    /// `--threads`, 1 when absent.
    /// - Throws: `UsageError` for a count outside `range`.
    static func parse(_ arguments: ParsedArguments) throws -> Int {
        try arguments.integer("threads", default: 1, in: range)
    }

    /// A pool of `threads` threads for the engines to share, or nil for one thread (the caller's).
    static func pool(_ threads: Int) -> WorkerPool? {
        WorkerPool.forThreads(threads)
    }
}
