import ExerciseSolutions
import Foundation
import Testing
@testable import Backprop
import BackpropExercises
import TestSupport

/// `backprop exercises` as a student runs it: a subprocess of the command, which runs each step of
/// the work in a child process of its own. The student's place is taken by known submissions
/// (Tests/ExerciseSolutions), through the fixture binary.
@Suite("exercises, as a subprocess", .tags(.slow))
struct ExercisesCommandTests {
    /// The JSON report of a run.
    struct Report: Decodable {
        struct Step: Decodable {
            var exercise: Int, step: String, verdict: String, passed: Bool, diagnosis: [String], location: String?
        }
        struct Next: Decodable { var exercise: Int, step: String }
        struct Run: Decodable { var status: String, passed: Bool, identical_to_loop: Bool }
        var passed: Bool
        var bitwise: Bool
        var start_with: Next?
        var steps: [Step]
        var engine_run: Run?
    }

    func report(_ name: String, _ arguments: [String] = [], timeLimit: Double = 10) throws -> (Report, Int32, String) {
        let result = try checkSubmission(name, ["--format", "json"] + arguments, timeLimit: timeLimit)
        #expect(!result.signaled, "the checker itself crashed: \(result.err)")
        #expect(!result.err.contains("Backtrac") && !result.out.contains("Backtrac"), "a backtrace reached the user")
        let report = try JSONDecoder().decode(Report.self, from: Data(result.out.utf8))
        return (report, result.code, result.out)
    }

    @Test("every wrong submission is rejected with exit 1 at its step, named, never a crash or a backtrace",
          arguments: WrongSubmissions.all)
    func catalogue(_ wrong: WrongSubmission) throws {
        let (report, code, out) = try report(wrong.name, timeLimit: 3)
        #expect(code == 1 && !report.passed, "\(wrong.name): \(out)")
        let failing = report.steps.first { !$0.passed && $0.verdict != "skipped" }
        #expect(failing?.step == wrong.step.rawValue, "\(wrong.name): blamed \(failing?.step ?? "nothing")\n\(out)")
        if let words = wrong.diagnosis {
            #expect(failing?.diagnosis.joined(separator: " ").lowercased().contains(words.lowercased()) == true,
                    "\(wrong.name): \(failing?.diagnosis ?? [])")
        }
        #expect(report.start_with?.step == wrong.step.rawValue)
    }

    @Test("a catalogue the checker was not built against: each slip blamed on its step, each unusual correct one passed",
          arguments: StudentInventions.all)
    func inventions(_ invention: StudentInvention) throws {
        let (report, code, out) = try report(invention.name, timeLimit: 3)
        if invention.expected == "pass" {
            #expect(code == 0 && report.passed, "\(invention.name): \(out)")
        } else {
            #expect(code == 1 && !report.passed, "\(invention.name): \(out)")
            let failing = report.steps.first { !$0.passed && $0.verdict != "skipped" }
            #expect(failing?.step == invention.expected, "\(invention.name) (\(invention.mistake)): blamed \(failing?.step ?? "nothing")")
            #expect(failing?.diagnosis.isEmpty == false, "\(invention.name): no diagnosis")
        }
    }

    @Test("a trap names the student's file and line, and the runtime's message")
    func trapLocation() throws {
        let (report, _, out) = try report("engine: fatalError(\"TODO\")")
        let step = try #require(report.steps.first { $0.step == "batch engine" })
        #expect(step.verdict == "crashed", "\(out)")
        #expect(step.location?.hasPrefix("WrongSubmissions.swift:") == true, "\(out)")
        #expect(step.diagnosis.joined().contains("TODO"))
    }

    @Test("a transposed index is named on the square scenario, and its trap on the next one with its line")
    func transposedIndex() throws {
        let (report, _, out) = try report("hidden error: W[k, j] for W[j, k]")
        let step = try #require(report.steps.first { $0.step == "hidden error" })
        #expect(step.verdict == "wrong", "\(out)")
        let said = step.diagnosis.joined(separator: " ")
        #expect(said.contains("W[k, j] for W[j, k]") && said.contains("stopped the program at WrongSubmissions.swift:"))
        #expect(said.contains("Matrix [5, 3] has no element"), "\(said)")
    }

    @Test("an endless loop becomes a diagnosis within the time limit")
    func endlessLoop() throws {
        let start = Date()
        let (report, code, _) = try report("hidden error: a while loop that never advances", timeLimit: 1)
        #expect(code == 1 && Date().timeIntervalSince(start) < 30)
        #expect(report.steps.first { $0.step == "hidden error" }?.verdict == "timed-out")
    }

    @Test("the solutions pass every step and the table, two of them bitwise",
          arguments: WrongSubmissions.correct.map(\.name))
    func correct(_ name: String) throws {
        let (report, code, out) = try report(name)
        #expect(code == 0 && report.passed, "\(out)")
        #expect(report.engine_run?.passed == true && report.engine_run?.status == "compared")
        #expect(report.bitwise == WrongSubmissions.correct.first { $0.name == name }!.bitwise)
        let bitwise = WrongSubmissions.correct.first { $0.name == name }!.bitwise
        #expect(report.steps.allSatisfy { $0.verdict == (bitwise ? "identical" : "within-rounding") || ($0.verdict == "identical" && !bitwise) },
                "\(out)")
        if name == "reversed" { #expect(report.steps.contains { $0.verdict == "within-rounding" }) }
    }

    @Test("the shipped Sources/StudentWork says which exercise to start with, exit 1, no backtrace")
    func freshClone() throws {
        let result = try runProcess(["check", "--engine", "student"])
        #expect(result.code == 1 && !result.signaled)
        #expect(result.out.contains("Start with exercise 3, one example: Sources/StudentWork/OneExample.swift"), "\(result.out)")
        #expect(result.out.contains("not written yet"))
        #expect(!result.out.contains("Backtrac") && !result.err.contains("Backtrac"))
    }

    @Test("--exercise checks one exercise's steps only")
    func oneExercise() throws {
        let (report, code, _) = try report("hidden error: no σ′", ["--exercise", "4"])
        #expect(code == 0 && report.steps.map(\.step) == ["forward", "output error"])
    }

    @Test("the table shows a planted bug's layers against finite differences, and fails the exit code")
    func table() throws {
        let result = try checkSubmission("hidden error: no σ′", ["--net", "10-8-8-4"])
        #expect(result.code == 1)
        #expect(result.out.contains("TOO LARGE") && result.out.contains("your engine with your own steps on 10-8-8-4"), "\(result.out)")
    }
}

/// A wrong submission is named in the test report by its name, not by its closures.
extension WrongSubmission: CustomTestStringConvertible {
    public var testDescription: String { name }
}

extension StudentInvention: CustomTestStringConvertible {
    public var testDescription: String { "\(name): \(mistake)" }
}
