import Backprop
import Foundation

/// A timer outside this process whose samples the harness interleaves with its own engines' (NumPy's loop and
/// batch forms, NumPy's matrix product, the other Python peers).
public struct ExternalTimer {
    /// "numpy-loop", "numpy-batch", "numpy-matmul", "jax-batch", "sklearn-batch".
    public var name: String
    /// Takes one sample: seconds per call, calls timed back to back, and the timing process's CPU time per call
    /// (all its threads; nil when it did not say), so that CPU ÷ wall shows how many cores the tool kept busy.
    public var sample: () throws -> (seconds: Double, repetitions: Int, cpuSeconds: Double?)
    /// How the tool was held to one core beyond its thread flags, if it was ("pinned to CPU 0 …").
    public var note: String?

    public init(name: String, note: String? = nil,
                sample: @escaping () throws -> (seconds: Double, repetitions: Int, cpuSeconds: Double?)) {
        self.name = name
        self.note = note
        self.sample = sample
    }
}

/// The NumPy reference (Benchmarks/numpy/reference.py) as a co-process: it loads a case (the very network and batch
/// the Swift engines use) or a matrix shape, warms up, and then answers one timing sample per request, so that its
/// samples interleave with the Swift engines' in the same run, under the same machine conditions.
///
/// One Python process per thread count, each started with its BLAS limited to that many threads
/// (OPENBLAS_NUM_THREADS, OMP_NUM_THREADS, MKL_NUM_THREADS), and with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE removed
/// from its environment only, so that OpenBLAS picks its own kernel for this CPU as a user's NumPy would.
///
/// With more than one thread, OpenBLAS's idle threads spin for 2²⁸ cycles (about 0.1 s) after each call before
/// they sleep, so after each NumPy sample they would take the second core from the Swift sample that follows
/// (two-thread Swift rows came out up to 2× slower). The process gets OPENBLAS_THREAD_TIMEOUT=20 (2²⁰ cycles,
/// about 0.3 ms, like the Swift pool's quarter of a millisecond), unless the caller set it.
public final class NumPyReference {
    public let python: String
    public let script: String
    /// "NumPy 2.4.6 with scipy-openblas 0.3.31", once a process has answered.
    public private(set) var description = "NumPy"
    private var processes: [Int: CoProcess] = [:]

    init(python: String, script: String) {
        self.python = python
        self.script = script
    }

    /// The script's path: next to this source file in a checkout (`#filePath`), else under the working directory.
    public static func defaultScript(filePath: String = #filePath) -> String {
        let beside = URL(fileURLWithPath: filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("numpy/reference.py").path
        if FileManager.default.fileExists(atPath: beside) { return beside }
        return FileManager.default.currentDirectoryPath + "/Benchmarks/numpy/reference.py"
    }

    /// The first python3 on the PATH.
    public static func python() -> String? {
        let candidates = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
            .map { String($0) + "/python3" }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Finds python3 and NumPy, or says in one line why the comparison cannot run.
    public static func locate(script: String = defaultScript()) -> Result<NumPyReference, BenchmarkRefusal> {
        guard FileManager.default.fileExists(atPath: script) else {
            return .failure(BenchmarkRefusal(message: "NumPy comparison skipped: \(script) not found"))
        }
        guard let python = python() else {
            return .failure(BenchmarkRefusal(message: "NumPy comparison skipped: python3 is not on the PATH"))
        }
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: python)
        probe.arguments = ["-c", "import numpy"]
        probe.standardOutput = FileHandle.nullDevice
        probe.standardError = FileHandle.nullDevice
        guard (try? probe.run()) != nil else {
            return .failure(BenchmarkRefusal(message: "NumPy comparison skipped: python3 cannot be started"))
        }
        probe.waitUntilExit()
        guard probe.terminationStatus == 0 else {
            return .failure(BenchmarkRefusal(message: "NumPy comparison skipped: python3 cannot import numpy (pip install numpy)"))
        }
        return .success(NumPyReference(python: python, script: script))
    }

    /// The environment of a NumPy process limited to `threads` BLAS threads.
    public static func environment(threads: Int) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["OPENBLAS_CORETYPE"] = nil
        environment["OPENBLAS_L2_SIZE"] = nil
        for name in ["OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"] { environment[name] = String(threads) }
        if environment["OPENBLAS_THREAD_TIMEOUT"] == nil { environment["OPENBLAS_THREAD_TIMEOUT"] = "20" }
        return environment
    }

    func process(threads: Int) throws -> CoProcess {
        if let existing = processes[threads] { return existing }
        let started = try CoProcess(python: python, script: script, environment: Self.environment(threads: threads))
        processes[threads] = started
        return started
    }

    /// The other tools a gradient can be timed with, beside NumPy's two forms, when they are installed
    /// (`--compare jax,sklearn`): JAX's jitted gradient and scikit-learn's MLP back-propagation.
    public var peers: [String] = []
    /// Why a requested peer did not load, once a case has asked for it.
    public private(set) var skipped: [String: String] = [:]

    /// Loads a case into NumPy (the same network and batch, and the Swift gradients to compare with) and returns
    /// timers for its loop and batch forms and for the peers that loaded, the largest relative difference between
    /// NumPy's gradients and Swift's, and each peer's.
    public func prepare<T: BackpropScalar>(
        _ benchmarkCase: BenchmarkCase, network: Network<T>, batch: Batch<T>, gradients: Gradients<T>,
        settings: HarnessSettings
    ) throws -> (timers: [ExternalTimer], maximumRelativeDifference: Double, peerDifferences: [String: Double]) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("backprop-numpy-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: file) }
        try JSONCoding.encode(CheckDocument(network: network, batch: batch, results: [("swift", gradients)])).write(to: file)
        let coprocess = try process(threads: benchmarkCase.threads)
        let answer = try coprocess.request(["op": "case", "path": file.path, "min_time": settings.minimumTime,
                                            "warm_up": settings.warmUp, "peers": peers])
        note(answer)
        guard let difference = answer["max_relative_difference"] as? Double else {
            throw BenchmarkRefusal(message: "the NumPy reference did not load \(benchmarkCase): \(answer)")
        }
        for (peer, reason) in (answer["skipped"] as? [String: String]) ?? [:] where peers.contains(peer) { skipped[peer] = reason }
        let loaded = (answer["peers"] as? [String]) ?? ["numpy-loop", "numpy-batch"]
        let pinned = (answer["pinned"] as? [String: String]) ?? [:]
        return (loaded.map { timer($0, coprocess, note: pinned[$0]) }, difference,
                (answer["peer_differences"] as? [String: Double]) ?? [:])
    }

    /// Sets up NumPy's `A @ B` for a shape and returns its timer.
    public func prepareMatmul(precision: String, m: Int, n: Int, k: Int, threads: Int, settings: HarnessSettings) throws -> ExternalTimer {
        let coprocess = try process(threads: threads)
        note(try coprocess.request(["op": "gemm", "precision": precision, "m": m, "n": n, "k": k,
                                    "min_time": settings.minimumTime, "warm_up": settings.warmUp]))
        return timer("numpy-matmul", coprocess)
    }

    private func timer(_ name: String, _ coprocess: CoProcess, note: String? = nil) -> ExternalTimer {
        ExternalTimer(name: name, note: note) {
            let answer = try coprocess.request(["op": "sample", "engine": name])
            guard let seconds = answer["seconds"] as? Double, let repetitions = answer["repetitions"] as? Int else {
                throw BenchmarkRefusal(message: "the NumPy reference gave no timing: \(answer)")
            }
            return (seconds, repetitions, answer["cpu_seconds"] as? Double)
        }
    }

    private func note(_ answer: [String: Any]) {
        if let numpy = answer["numpy"] as? String, let blas = answer["blas"] as? String {
            description = "NumPy \(numpy) with \(blas)"
        }
    }
}

/// A Python process spoken to in JSON lines.
final class CoProcess {
    private let process = Process()
    private let input: FileHandle
    private let output: FileHandle
    private let errors: Pipe
    private var buffer = Data()

    init(python: String, script: String, environment: [String: String]) throws {
        let inPipe = Pipe(), outPipe = Pipe()
        errors = Pipe()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script, "--serve"]
        process.environment = environment
        process.standardInput = inPipe
        process.standardOutput = outPipe
        process.standardError = errors
        do { try process.run() } catch {
            throw BenchmarkRefusal(message: "cannot start the NumPy reference: \(error)")
        }
        input = inPipe.fileHandleForWriting
        output = outPipe.fileHandleForReading
    }

    func request(_ message: [String: Any]) throws -> [String: Any] {
        var line = try JSONSerialization.data(withJSONObject: message)
        line.append(0x0A)
        input.write(line)
        while true {
            if let newline = buffer.firstIndex(of: 0x0A) {
                let answer = buffer[buffer.startIndex..<newline]
                buffer = Data(buffer[buffer.index(after: newline)...])
                guard let object = try JSONSerialization.jsonObject(with: answer) as? [String: Any] else {
                    throw BenchmarkRefusal(message: "the NumPy reference answered something that is not a JSON object")
                }
                return object
            }
            let chunk = output.availableData
            if chunk.isEmpty {
                let reason = String(decoding: errors.fileHandleForReading.availableData, as: UTF8.self)
                    .split(separator: "\n").last.map(String.init) ?? "it exited"
                throw BenchmarkRefusal(message: "the NumPy reference stopped: \(reason)")
            }
            buffer.append(chunk)
        }
    }

    deinit {
        if process.isRunning {
            input.write(Data("{\"op\": \"quit\"}\n".utf8))
            try? input.close()
            process.waitUntilExit()
        }
    }
}
