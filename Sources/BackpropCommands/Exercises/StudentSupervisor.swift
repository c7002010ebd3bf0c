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
        /// What the student's code printed (the child's standard output), line by line.
        var printed: [String]
    }

    /// This program's own executable.
    static func executable() -> String {
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return path }
        return Bundle.main.executablePath ?? CommandLine.arguments[0]
    }

    /// Runs `__student-step` with `arguments` and waits at most `timeLimit` seconds.
    static func run(_ arguments: [String], timeLimit: Double, stepFile: String? = nil) throws -> Result {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("backprop-student-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let report = directory.appendingPathComponent("report.jsonl")
        let output = directory.appendingPathComponent("output.txt")
        let errors = directory.appendingPathComponent("errors.txt")
        for file in [report, output, errors] where !FileManager.default.createFile(atPath: file.path, contents: nil) {
            throw BackpropError("cannot create '\(file.path)' for the checker's child process")
        }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable())
        process.arguments = [StudentStepCommand.name] + arguments + ["--report", report.path]
        var environment = ProcessInfo.processInfo.environment
        // A backtrace on a crash, without asking a terminal anything, so that the student's file and line can be
        // read from it.
        environment["SWIFT_BACKTRACE"] = "enable=yes,interactive=no,color=no,registers=none,images=none,limit=32,top=4"
        process.environment = environment
        // The student's prints on standard output, the runtime's messages and backtrace on standard error.
        let printedSink = try FileHandle(forWritingTo: output), errorSink = try FileHandle(forWritingTo: errors)
        process.standardOutput = printedSink
        process.standardError = errorSink
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(timeLimit)
        var timedOut = false
        while process.isRunning {
            if Date() > deadline {
                timedOut = true
                // SIGQUIT first: the Swift runtime prints a backtrace of where the code was, the loop that does not
                // end; then SIGKILL, if the backtrace takes longer than ten seconds (on a loaded machine it can).
                kill(process.processIdentifier, SIGQUIT)
                let grace = Date().addingTimeInterval(10)
                while process.isRunning && Date() < grace { usleep(10_000) }
                if process.isRunning { kill(process.processIdentifier, SIGKILL) }
                break
            }
            usleep(5_000)
        }
        process.waitUntilExit()
        try? printedSink.close()
        try? errorSink.close()

        let decoder = JSONDecoder()
        let lines = (try? String(contentsOf: report, encoding: .utf8)) ?? ""
        let records = lines.split(separator: "\n").compactMap { try? decoder.decode(StudentCheck.Record.self, from: Data($0.utf8)) }
        let printed = ((try? String(contentsOf: output, encoding: .utf8)) ?? "")
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let text = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
        let result = Result(records: records, crash: nil, printed: printed.last == "" ? printed.dropLast() : printed)
        if timedOut {
            // Where the backtrace found the code when it was stopped: the student's line inside the loop.
            let stopped = crash(from: text, process: process, stepFile: stepFile.map(basename))
            var timeout = StudentCheck.Crash(timedOut: true, seconds: timeLimit, location: stopped.location)
            timeout.sourceLine = stopped.sourceLine
            return Result(records: records, crash: timeout, printed: result.printed)
        }
        // A call that started and never finished, in a child that ended by itself: the student's code ended it.
        let unfinished = records.last.map { $0.first == nil } ?? false
        let exitedCleanly = process.terminationReason == .exit && process.terminationStatus == 0 && !unfinished
        if exitedCleanly { return result }
        var crash = crash(from: text, process: process, stepFile: stepFile.map(basename))
        if process.terminationReason == .exit && crash.message == nil { crash.exitStatus = process.terminationStatus }
        return Result(records: records, crash: crash, printed: result.printed)
    }

    /// What a crashed child's output says: the runtime's message, the signal, and the first frame in the student's
    /// code (a file outside this package's libraries).
    static func crash(from text: String, process: Process, stepFile: String? = nil) -> StudentCheck.Crash {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        var crash = StudentCheck.Crash(timedOut: false)
        let markers = ["Fatal error:", "Precondition failed:", "Assertion failed:"]
        if let line = lines.first(where: { line in markers.contains { line.contains($0) } }),
           let range = markers.lazy.compactMap({ line.range(of: $0) }).first {
            let message = line[range.upperBound...].trimmingCharacters(in: .whitespaces)
            crash.message = message.isEmpty ? "Fatal error" : message
            // "File.swift:12: Fatal error: …" names the line of a precondition or fatalError in the student's file.
            let prefix = line[..<range.lowerBound].trimmingCharacters(in: CharacterSet(charactersIn: ": "))
            if isStudentFrame(prefix) {
                crash.location = basename(prefix)
                let parts = prefix.split(separator: ":")
                if parts.count >= 2, let line = Int(parts[1]) { crash.sourceLine = sourceLine(String(parts[0]), line) }
            }
        }
        if let line = lines.first(where: { $0.contains("Program crashed:") }), let range = line.range(of: "Program crashed:") {
            crash.signal = line[range.upperBound...].replacingOccurrences(of: "***", with: "")
                .trimmingCharacters(in: .whitespaces)
        } else if process.terminationReason == .uncaughtSignal {
            crash.signal = "signal \(process.terminationStatus)"
        } else {
            crash.signal = "exit status \(process.terminationStatus)"
        }
        // Backtrace frames: "12 [ra]  0x… static Forward.forward(_:_:_:) + 324 in backprop at /…/Forward.swift:23:9"
        // (some without a line).
        let frames = lines.compactMap(Frame.init)
        if crash.location == nil {
            // The student's frame with a line, in the step's own file if it has one; never Submission.swift, which
            // only hands the functions over.
            let student = frames.filter { $0.path.map(isStudentFrame) ?? false }
                .filter { !($0.file ?? "").hasPrefix("Submission.swift") }
            let withLines = student.filter { $0.line != nil }
            if let innermost = student.first, innermost.line == nil {
                // The student's frame that trapped has no line in the backtrace: name it by its function, and the
                // first line that led there as the caller (that line only made the call; it is not the stop).
                crash.location = "\(innermost.place), in \(innermost.shortFunction)"
                crash.calledFrom = withLines.first?.place
            } else if let preferred = withLines.first(where: { $0.file == stepFile }) ?? withLines.first ?? student.first {
                crash.location = preferred.place
                if let path = preferred.path, let line = preferred.line { crash.sourceLine = sourceLine(path, line) }
                // The next of the student's lines, in another place: the call that led there.
                crash.calledFrom = withLines.map(\.place).first { $0 != preferred.place }
            }
        }
        if crash.sourceLine == nil, let place = crash.location,
           let frame = frames.first(where: { $0.place == place && $0.path?.hasPrefix("/") == true }),
           let path = frame.path, let line = frame.line {
            // A "File.swift:12: Fatal error" names the file by its ID; the backtrace has its full path.
            crash.sourceLine = sourceLine(path, line)
        }
        // A stack overflow shows one function over and over in the backtrace.
        let functions = frames.map(\.function)
        if let repeated = Dictionary(grouping: functions, by: { $0 }).filter({ $0.value.count >= 6 }).max(by: { $0.value.count < $1.value.count })?.key {
            crash.recursion = repeated
        }
        return crash
    }

    /// Line `number` of the student's file at `path` (a full path, or a file ID under Sources/), trimmed and cut
    /// to 120 characters; nil when the file cannot be read or has no such line.
    static func sourceLine(_ path: String, _ number: Int) -> String? {
        let candidates = path.hasPrefix("/") ? [path] : [path, "Sources/" + path, "Tests/" + path]
        guard number >= 1, let text = candidates.lazy.compactMap({ try? String(contentsOfFile: $0, encoding: .utf8) }).first
        else { return nil }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard number <= lines.count else { return nil }
        let line = lines[number - 1].trimmingCharacters(in: .whitespaces)
        guard !line.isEmpty else { return nil }
        return line.count > 120 ? String(line.prefix(119)) + "…" : line
    }

    /// A source location in the student's code, not in this package's libraries or the Swift runtime: a path
    /// ("/…/Sources/StudentWork/HiddenError.swift:12") or a file ID ("StudentWork/HiddenError.swift:12").
    static func isStudentFrame(_ path: String) -> Bool {
        guard path.contains(".swift") else { return false }
        if path.hasPrefix("/") {
            let ours = ["/Sources/Backprop/", "/Sources/BackpropCommands/", "/Sources/BackpropExercises/",
                        "/Sources/CommandSupport/", "/Sources/BackpropTool/", "/Tests/CheckedSubmission/",
                        "/Benchmarks/", "/swift/", "/Swift/"]
            return !ours.contains { path.contains($0) }
        }
        let module = path.split(separator: "/").first.map(String.init) ?? ""
        return path.contains("/") && !module.hasPrefix("Backprop") && module != "Swift" && module != "Foundation"
    }

    /// One frame of a Swift backtrace: the function and, when the backtrace has it, the source place.
    struct Frame {
        var function: String
        var path: String?
        var line: Int?

        init?(_ text: String) {
            // "… 0x00005645c7f71a85 static OutputErrorSlips.recursesForever(_:_:) + 324 in backprop-fixture at /p/F.swift:707:24"
            guard let address = text.range(of: " 0x"), let plus = text.range(of: " + ", range: address.upperBound..<text.endIndex)
            else { return nil }
            let afterAddress = text[address.upperBound...].drop { $0 != " " }.dropFirst()
            function = String(afterAddress[..<plus.lowerBound]).trimmingCharacters(in: .whitespaces)
            if let at = text.range(of: " at /", options: .backwards) {
                let place = text[text.index(after: at.lowerBound)...].dropFirst(2).trimmingCharacters(in: .whitespaces)
                let parts = place.split(separator: ":")
                path = parts.first.map(String.init)
                line = parts.count >= 2 ? Int(parts[1]) : nil
            }
        }

        /// The function without its "static " and without a closure's enclosing words: "Forward.forward(_:_:_:)".
        var shortFunction: String {
            let plain = function.hasPrefix("static ") ? String(function.dropFirst("static ".count)) : function
            return plain.components(separatedBy: " in ").last.map { $0.hasPrefix("static ") ? String($0.dropFirst(7)) : $0 } ?? plain
        }

        /// "HiddenError.swift", the file's name.
        var file: String? { path.map(StudentSupervisor.basename) }
        /// "HiddenError.swift:23", or the file alone.
        var place: String { (file ?? "?") + (line.map { ":\($0)" } ?? "") }
    }

    static func basename(_ path: String) -> String {
        String(path.split(separator: "/").last ?? Substring(path))
    }
}
