#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Backprop
import BackpropExercises
import Foundation

/// Runs the student's code in a child process (this executable again, `__student-step`), with a time limit, and
/// turns how it ended into data: the report lines it wrote, and, if it did not end by itself, a `Crash` with the
/// runtime's message and the student's file and line read from the Swift backtrace.
enum StudentSupervisor {
    struct Result {
        var records: [StudentCheck.Record]
        var crash: StudentCheck.Crash?
    }

    /// This program's own executable.
    static func executable() -> String {
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return path }
        return Bundle.main.executablePath ?? CommandLine.arguments[0]
    }

    /// Runs `__student-step` with `arguments` and waits at most `timeLimit` seconds.
    static func run(_ arguments: [String], timeLimit: Double) throws -> Result {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("backprop-student-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let report = directory.appendingPathComponent("report.jsonl")
        let output = directory.appendingPathComponent("output.txt")
        FileManager.default.createFile(atPath: report.path, contents: nil)
        FileManager.default.createFile(atPath: output.path, contents: nil)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable())
        process.arguments = [StudentStepCommand.name] + arguments + ["--report", report.path]
        var environment = ProcessInfo.processInfo.environment
        // A backtrace on a crash, without asking a terminal anything, so that the student's file and line can be
        // read from it.
        environment["SWIFT_BACKTRACE"] = "enable=yes,interactive=no,color=no,registers=none,images=none,limit=24,top=4"
        process.environment = environment
        let sink = try FileHandle(forWritingTo: output)
        process.standardOutput = sink
        process.standardError = sink
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(timeLimit)
        var timedOut = false
        while process.isRunning {
            if Date() > deadline {
                timedOut = true
                kill(process.processIdentifier, SIGKILL)
                break
            }
            usleep(5_000)
        }
        process.waitUntilExit()
        try? sink.close()

        let decoder = JSONDecoder()
        let lines = (try? String(contentsOf: report, encoding: .utf8)) ?? ""
        let records = lines.split(separator: "\n").compactMap { try? decoder.decode(StudentCheck.Record.self, from: Data($0.utf8)) }
        let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        if timedOut { return Result(records: records, crash: StudentCheck.Crash(timedOut: true, seconds: timeLimit)) }
        let exitedCleanly = process.terminationReason == .exit && process.terminationStatus == 0
        return Result(records: records, crash: exitedCleanly ? nil : crash(from: text, process: process))
    }

    /// What a crashed child's output says: the runtime's message, the signal, and the first frame in the student's
    /// code (a file outside this package's libraries).
    static func crash(from text: String, process: Process) -> StudentCheck.Crash {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        var crash = StudentCheck.Crash(timedOut: false)
        let markers = ["Fatal error:", "Precondition failed:", "Assertion failed:"]
        if let line = lines.first(where: { line in markers.contains { line.contains($0) } }),
           let range = markers.lazy.compactMap({ line.range(of: $0) }).first {
            let message = line[range.upperBound...].trimmingCharacters(in: .whitespaces)
            crash.message = message.isEmpty ? "Fatal error" : message
            // "File.swift:12: Fatal error: …" names the line of a precondition or fatalError in the student's file.
            let prefix = line[..<range.lowerBound].trimmingCharacters(in: CharacterSet(charactersIn: ": "))
            if isStudentFrame(prefix) { crash.location = basename(prefix) }
        }
        if let line = lines.first(where: { $0.contains("Program crashed:") }), let range = line.range(of: "Program crashed:") {
            crash.signal = line[range.upperBound...].replacingOccurrences(of: "***", with: "")
                .trimmingCharacters(in: .whitespaces)
        } else if process.terminationReason == .uncaughtSignal {
            crash.signal = "signal \(process.terminationStatus)"
        } else {
            crash.signal = "exit status \(process.terminationStatus)"
        }
        if crash.location == nil {
            // Backtrace frames end "… at /path/File.swift:LINE:COLUMN" (some without the line): the first frame in
            // the student's code with a line, else the first without.
            let places = lines.compactMap { line -> String? in
                guard let range = line.range(of: " at /", options: .backwards) else { return nil }
                let path = String(line[line.index(after: range.lowerBound)...]).trimmingCharacters(in: .whitespaces).dropFirst(3)
                return isStudentFrame(String(path)) ? basename(String(path)) : nil
            }
            func line(_ place: String) -> String {
                let parts = place.split(separator: ":")
                return parts.count >= 2 ? "\(parts[0]):\(parts[1])" : String(parts.first ?? "")
            }
            let withLines = places.filter { $0.split(separator: ":").count >= 2 }
            if let first = withLines.first ?? places.first {
                crash.location = line(first)
                // The next of the student's lines, in another place: the call that led there.
                crash.calledFrom = withLines.map(line).first { $0 != line(first) }
            }
        }
        // A stack overflow shows one function over and over in the backtrace.
        let functions = lines.compactMap { line -> String? in
            guard let start = line.range(of: " in "), let end = line.range(of: " + ", range: start.upperBound..<line.endIndex) else { return nil }
            return String(line[start.upperBound..<end.lowerBound])
        }
        if let repeated = Dictionary(grouping: functions, by: { $0 }).first(where: { $0.value.count >= 6 })?.key {
            crash.recursion = repeated
        }
        return crash
    }

    /// A source location in the student's code, not in this package's libraries or the Swift runtime: a path
    /// ("/…/Sources/StudentWork/HiddenError.swift:12") or a file ID ("StudentWork/HiddenError.swift:12").
    static func isStudentFrame(_ path: String) -> Bool {
        guard path.contains(".swift") else { return false }
        if path.hasPrefix("/") {
            let ours = ["/Sources/Backprop/", "/Sources/BackpropCommands/", "/Sources/BackpropTool/",
                        "/Benchmarks/", "/swift/", "/Swift/"]
            return !ours.contains { path.contains($0) }
        }
        let module = path.split(separator: "/").first.map(String.init) ?? ""
        return path.contains("/") && !module.hasPrefix("Backprop") && module != "Swift" && module != "Foundation"
    }

    static func basename(_ path: String) -> String {
        String(path.split(separator: "/").last ?? Substring(path))
    }
}
