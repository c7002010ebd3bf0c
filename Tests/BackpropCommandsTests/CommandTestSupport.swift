import Foundation
import Testing
@testable import BackpropCommands

/// Runs `backprop` in-process, with `engines` in place of the library's and the student's, and returns
/// (exit code, stdout, stderr).
func runCommand(_ arguments: [String], engines: CommandEngines = .library) -> (code: Int32, out: String, err: String) {
    let recorder = RecordingConsole()
    let code = BackpropCommandLine.run(arguments, console: recorder.console, engines: engines)
    return (code, recorder.out, recorder.err)
}

/// The `backprop` executable built next to the test bundle.
func backpropExecutable() -> URL {
    let bundle = URL(fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
                     ?? CommandLine.arguments[0])
    return bundle.deletingLastPathComponent().appendingPathComponent("backprop")
}

/// Runs an executable (by default `backprop`) as a subprocess, so that a trap or crash shows as a signal, not a
/// test crash; one still running after `timeout` seconds is terminated and reported as signaled.
func runProcess(
    _ arguments: [String], executable: URL = backpropExecutable(), input: Data? = nil,
    currentDirectory: URL? = nil, timeout: TimeInterval = 120
) throws -> (code: Int32, out: String, err: String, signaled: Bool) {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    if let currentDirectory { process.currentDirectoryURL = currentDirectory }
    let out = Pipe(), err = Pipe(), inPipe = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = inPipe
    try process.run()
    let watchdog = DispatchWorkItem { if process.isRunning { process.terminate() } }
    DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: watchdog)
    defer { watchdog.cancel() }
    if let input { inPipe.fileHandleForWriting.write(input) }
    try inPipe.fileHandleForWriting.close()
    // Read both pipes before waiting, so a large output cannot fill a pipe and stall the child. (Standard error is
    // read on another thread: a child that fills it while we wait on standard output would stall too.)
    let errData = LockedData()
    let errReader = DispatchWorkItem { errData.set(err.fileHandleForReading.readDataToEndOfFile()) }
    DispatchQueue.global().async(execute: errReader)
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    errReader.wait()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: outData, as: UTF8.self),
            String(decoding: errData.get(), as: UTF8.self), process.terminationReason == .uncaughtSignal)
}

/// Data handed from a reader thread to the test.
private final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    func set(_ value: Data) { lock.withLock { data = value } }
    func get() -> Data { lock.withLock { data } }
}

/// The package's root directory (this file is Tests/BackpropCommandsTests/CommandTestSupport.swift).
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// A scratch directory for a test's files.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("backprop-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

extension Tag {
    /// Tests that take more than a few seconds.
    @Tag static var slow: Self
}
