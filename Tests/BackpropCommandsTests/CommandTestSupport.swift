import Foundation
import Testing
@testable import BackpropCommands

/// Runs `backprop` in-process and returns (exit code, stdout, stderr).
func runCommand(_ arguments: [String]) -> (code: Int32, out: String, err: String) {
    let recorder = RecordingConsole()
    let code = BackpropCommandLine.run(arguments, console: recorder.console)
    return (code, recorder.out, recorder.err)
}

/// The `backprop` executable built next to the test bundle.
func backpropExecutable() -> URL {
    let bundle = URL(fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
                     ?? CommandLine.arguments[0])
    return bundle.deletingLastPathComponent().appendingPathComponent("backprop")
}

/// Runs the `backprop` executable as a subprocess (so a trap or crash shows as a signal, not a test crash).
func runProcess(_ arguments: [String], input: Data? = nil, timeout: TimeInterval = 120) throws -> (code: Int32, out: String, err: String, signaled: Bool) {
    let process = Process()
    process.executableURL = backpropExecutable()
    process.arguments = arguments
    let out = Pipe(), err = Pipe(), inPipe = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = inPipe
    try process.run()
    if let input { inPipe.fileHandleForWriting.write(input) }
    try inPipe.fileHandleForWriting.close()
    // Read both pipes before waiting, so a large output cannot fill a pipe and stall the child.
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self),
            process.terminationReason == .uncaughtSignal)
}

/// A scratch directory for a test's files.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("backprop-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
