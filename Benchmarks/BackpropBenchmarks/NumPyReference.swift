import Backprop
import Foundation

/// Runs the NumPy reference (Benchmarks/numpy/reference.py) on a benchmark case, in the same run, with the same
/// network, batch, timing protocol and thread count, and turns its timings into measurements.
public struct NumPyReference: Sendable {
    /// The python3 executable.
    public var python: String
    /// The reference script.
    public var script: String
    /// "NumPy 2.4.6 with scipy-openblas 0.3.31", once known.
    public var description: String

    /// The script's path: next to this source file in a checkout (`#filePath`), else under the working directory.
    public static func defaultScript(filePath: String = #filePath) -> String {
        let beside = URL(fileURLWithPath: filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("numpy/reference.py").path
        if FileManager.default.fileExists(atPath: beside) { return beside }
        return FileManager.default.currentDirectoryPath + "/Benchmarks/numpy/reference.py"
    }

    /// Finds python3 and NumPy, or says in one line why the comparison cannot run.
    public static func locate(script: String = defaultScript()) -> Result<NumPyReference, BenchmarkRefusal> {
        guard FileManager.default.fileExists(atPath: script) else {
            return .failure(BenchmarkRefusal(message: "NumPy comparison skipped: \(script) not found"))
        }
        let candidates = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
            .map { String($0) + "/python3" }
        guard let python = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            return .failure(BenchmarkRefusal(message: "NumPy comparison skipped: python3 is not on the PATH"))
        }
        let probe = run(python, ["-c", "import numpy; print(numpy.__version__)"], environment: environment(threads: 1))
        guard probe.status == 0 else {
            return .failure(BenchmarkRefusal(message: "NumPy comparison skipped: python3 cannot import numpy (pip install numpy)"))
        }
        let version = probe.output.trimmingCharacters(in: .whitespacesAndNewlines)
        return .success(NumPyReference(python: python, script: script, description: "NumPy \(version)"))
    }

    /// The environment of the NumPy process: BLAS limited to `threads` threads, and the two OpenBLAS overrides
    /// some machines set (OPENBLAS_CORETYPE, OPENBLAS_L2_SIZE) removed for this process only, so that OpenBLAS
    /// picks its own kernel for the CPU, as a user's NumPy would.
    public static func environment(threads: Int) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["OPENBLAS_CORETYPE"] = nil
        environment["OPENBLAS_L2_SIZE"] = nil
        for name in ["OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"] { environment[name] = String(threads) }
        return environment
    }

    public static func run(_ executable: String, _ arguments: [String], environment: [String: String]) -> (status: Int32, output: String, error: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        do { try process.run() } catch { return (-1, "", "\(error)") }
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self), String(decoding: errors, as: UTF8.self))
    }

    struct Output: Decodable {
        struct Timing: Decodable {
            var times: [Double]
            var repetitions: Int
        }
        var loop: Timing
        var batch: Timing
        var maxRelativeDifference: Double
        var numpy: String
        var blas: String

        enum CodingKeys: String, CodingKey {
            case loop = "numpy-loop", batch = "numpy-batch", maxRelativeDifference = "max_relative_difference", numpy, blas
        }
    }

    /// Measures NumPy's loop and batch forms on the case's network and batch; also returns how far NumPy's
    /// gradients are from the Swift engines' (relative to each array's largest entry).
    public mutating func measure<T: BackpropScalar>(
        _ benchmarkCase: BenchmarkCase, network: Network<T>, batch: Batch<T>, gradients: Gradients<T>,
        settings: HarnessSettings
    ) throws -> (measurements: [EngineMeasurement], maximumRelativeDifference: Double) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("backprop-numpy-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: file) }
        let document = CheckDocument(network: network, batch: batch, results: [("swift", gradients)])
        try JSONCoding.encode(document).write(to: file)
        let result = Self.run(python, [script, file.path, "--min-time", String(settings.minimumTime),
                                       "--samples", String(settings.samples), "--warm-up", String(settings.warmUp)],
                              environment: Self.environment(threads: benchmarkCase.threads))
        guard result.status == 0 else {
            let reason = result.error.split(separator: "\n").last.map(String.init) ?? "exit \(result.status)"
            throw BenchmarkRefusal(message: "the NumPy reference failed on \(benchmarkCase): \(reason)")
        }
        let output = try JSONDecoder().decode(Output.self, from: Data(result.output.utf8))
        description = "NumPy \(output.numpy) with \(output.blas)"
        return ([EngineMeasurement(engine: "numpy-loop", timing: TimingSummary(output.loop.times, repetitions: output.loop.repetitions)),
                 EngineMeasurement(engine: "numpy-batch", timing: TimingSummary(output.batch.times, repetitions: output.batch.repetitions))],
                output.maxRelativeDifference)
    }
}
