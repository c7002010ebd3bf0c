import Foundation
import Testing
@testable import BackpropCommands
import BackpropExercises
import TestSupport

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

/// The `backprop` command with a known submission in the student's place (Tests/CheckedSubmission), built next to
/// the test bundle.
func fixtureExecutable() -> URL {
    backpropExecutable().deletingLastPathComponent().appendingPathComponent("backprop-fixture")
}

/// Runs `backprop exercises …` with the submission `name` (WrongSubmissions) in the student's place.
func checkSubmission(_ name: String, _ arguments: [String] = [], timeLimit: Double = 10) throws
    -> (code: Int32, out: String, err: String, signaled: Bool) {
    try runProcess(["exercises", "--time-limit", String(timeLimit)] + arguments,
                   executable: fixtureExecutable(), environment: ["BACKPROP_SUBMISSION": name])
}

/// Runs an executable (by default `backprop`) as a subprocess, so that a trap or crash shows as a signal, not a
/// test crash; one still running after `timeout` seconds is terminated and reported as signaled.
func runProcess(
    _ arguments: [String], executable: URL = backpropExecutable(), input: Data? = nil,
    currentDirectory: URL? = nil, environment: [String: String] = [:], timeout: TimeInterval = 120
) throws -> (code: Int32, out: String, err: String, signaled: Bool) {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    if !environment.isEmpty {
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    }
    if let currentDirectory { process.currentDirectoryURL = currentDirectory }
    // Standard output and error go to files, not pipes: nothing can fill up and stall the child, and no read can
    // be interrupted by the signals of the many children the tests run at once.
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let outURL = directory.appendingPathComponent("out"), errURL = directory.appendingPathComponent("err")
    FileManager.default.createFile(atPath: outURL.path, contents: nil)
    FileManager.default.createFile(atPath: errURL.path, contents: nil)
    let outFile = try FileHandle(forWritingTo: outURL), errFile = try FileHandle(forWritingTo: errURL)
    process.standardOutput = outFile
    process.standardError = errFile
    if let input {
        let inURL = directory.appendingPathComponent("in")
        try input.write(to: inURL)
        process.standardInput = try FileHandle(forReadingFrom: inURL)
    } else {
        process.standardInput = FileHandle.nullDevice
    }
    try process.run()
    let deadline = Date().addingTimeInterval(timeout)
    while process.isRunning {
        if Date() > deadline { process.terminate() }
        usleep(2_000)
    }
    process.waitUntilExit()
    try? outFile.close()
    try? errFile.close()
    return (process.terminationStatus, (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
            (try? String(contentsOf: errURL, encoding: .utf8)) ?? "", process.terminationReason == .uncaughtSignal)
}

/// The package's root directory (this file is Tests/BackpropCommandsTests/CommandTestSupport.swift).
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
