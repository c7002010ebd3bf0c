import Foundation
import Testing
@testable import Backprop
import BackpropExercises
@testable import BackpropCommands

/// Every exercise in docs/exercises/ ends with the command that checks it and the result to expect, as two lines:
///
///     Check: `swift run backprop ARGS`
///     Expected: exit N; the output contains "TEXT"
///
/// This suite runs each of those commands as a subprocess and holds it to its expected line. The exercises whose
/// answer is the student's code (the steps of `StudentCheck.Step`) are run with the solutions in the student's
/// place (the fixture binary), so the documented result is the one a solved exercise gets.
@Suite("The exercises' check commands")
struct ExerciseCheckTests {
    struct Check: CustomTestStringConvertible, Sendable {
        var file: String
        var arguments: [String]
        var exitCode: Int32
        var contains: [String]
        var testDescription: String { "\(file): backprop \(arguments.joined(separator: " "))" }
    }

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static let exerciseFiles: [String] = {
        let folder = root.appendingPathComponent("docs/exercises")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.first?.isNumber == true && $0.hasSuffix(".md") }.sorted()
    }()

    /// The words of a command line, with "…" and '…' quoting.
    static func words(_ line: Substring) -> [String] {
        var words: [String] = [], current = "", quote: Character? = nil, inWord = false
        for character in line {
            if let open = quote {
                if character == open { quote = nil } else { current.append(character) }
            } else if character == "\"" || character == "'" {
                quote = character; inWord = true
            } else if character == " " {
                if inWord { words.append(current) }
                current = ""; inWord = false
            } else {
                current.append(character); inWord = true
            }
        }
        if inWord { words.append(current) }
        return words
    }

    /// The check pairs of one exercise file.
    static func checks(in file: String) -> [Check] {
        guard let text = try? String(contentsOf: root.appendingPathComponent("docs/exercises/\(file)"), encoding: .utf8)
        else { return [] }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        var found: [Check] = []
        for (index, line) in lines.enumerated() where line.hasPrefix("Check: `swift run backprop ") {
            let command = line.dropFirst("Check: `swift run ".count).prefix { $0 != "`" }
            let arguments = Array(words(command).dropFirst())
            let expected = index + 1 < lines.count ? lines[index + 1] : ""
            guard expected.hasPrefix("Expected: exit "),
                  let code = Int32(expected.dropFirst("Expected: exit ".count).prefix { $0.isNumber }) else {
                found.append(Check(file: file, arguments: arguments, exitCode: -1, contains: []))
                continue
            }
            // Every "…" after "contains" is a text the output must contain.
            var contains: [String] = []
            if let range = expected.range(of: "contains") {
                let quoted = expected[range.upperBound...].split(separator: "\"", omittingEmptySubsequences: false)
                contains = stride(from: 1, to: quoted.count - 1, by: 2).map { String(quoted[$0]) }
            }
            found.append(Check(file: file, arguments: arguments, exitCode: code, contains: contains))
        }
        return found
    }

    static let all: [Check] = exerciseFiles.flatMap(checks)

    @Test("every exercise has a check command with an expected result")
    func everyExerciseHasOne() {
        #expect(Self.exerciseFiles.count >= 11, "\(Self.exerciseFiles)")
        for file in Self.exerciseFiles {
            let checks = Self.all.filter { $0.file == file }
            #expect(!checks.isEmpty, "\(file) has no `Check:` line")
            #expect(checks.allSatisfy { $0.exitCode >= 0 }, "\(file): a `Check:` line without an `Expected: exit N` line")
        }
    }

    @Test("each check command gives its documented result", arguments: all)
    func runs(_ check: Check) throws {
        let number = Int(check.file.prefix { $0.isNumber }) ?? 0
        let studentCode = StudentCheck.Step.allCases.contains { $0.exercise == number }
        let result = try runProcess(check.arguments,
                                    executable: studentCode ? fixtureExecutable() : backpropExecutable(),
                                    currentDirectory: Self.root,
                                    environment: studentCode ? ["BACKPROP_SUBMISSION": "solution"] : [:],
                                    timeout: 300)
        let output = result.out + result.err
        #expect(!result.signaled, "\(output)")
        #expect(result.code == check.exitCode, "\(output)")
        for text in check.contains {
            #expect(output.contains(text), "the output does not contain \"\(text)\":\n\(output)")
        }
    }
}
