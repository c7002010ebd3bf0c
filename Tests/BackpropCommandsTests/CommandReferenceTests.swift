import Foundation
import Testing
@testable import BackpropCommands

/// docs/commands.md documents every subcommand and every option: this keeps it true when options change.
@Suite("Command reference")
struct CommandReferenceTests {
    static let reference: String = {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/commands.md").path
        return (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    }()

    @Test("every subcommand has a section that names each of its options")
    func complete() {
        for command in BackpropCommandLine.subcommands {
            let heading = "## backprop \(command.name)\n"
            guard let start = Self.reference.range(of: heading) else {
                Issue.record("docs/commands.md has no section for \(command.name)")
                continue
            }
            let rest = Self.reference[start.upperBound...]
            let section = rest.range(of: "\n## ").map { rest[..<$0.lowerBound] } ?? rest
            for option in command.options {
                #expect(section.contains("--\(option.name)"), "docs/commands.md, \(command.name): --\(option.name) is not documented")
            }
        }
    }

    /// The commands the README and the guides tell a reader to type: `backprop <command> --option …` lines.
    static func documentedCommandLines() -> [(file: String, line: String)] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        var files = ["README.md"]
        for folder in ["docs", "docs/exercises", "docs/exercises/solutions"] {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(folder).path)) ?? []
            files += names.filter { $0.hasSuffix(".md") }.sorted().map { "\(folder)/\($0)" }
        }
        var lines: [(String, String)] = []
        for file in files {
            guard let text = try? String(contentsOf: root.appendingPathComponent(file), encoding: .utf8) else { continue }
            for line in text.split(separator: "\n") {
                guard let start = line.range(of: "swift run ") else { continue }
                lines.append((file, String(line[start.lowerBound...])))
            }
        }
        return lines
    }

    @Test("every `swift run … backprop` line in the README and the guides names a real command and real options")
    func documentedCommandsParse() throws {
        let lines = Self.documentedCommandLines()
        #expect(lines.count >= 20, "found only \(lines.count) command lines")
        for (file, line) in lines {
            // Up to a comment, a pipe or the end of inline code.
            let command = line.split(separator: "#").first.map(String.init) ?? line
            let words = command.split(whereSeparator: { $0 == " " || $0 == "`" || $0 == "|" }).map(String.init)
            guard let tool = words.firstIndex(of: "backprop"), tool + 1 < words.count else { continue }
            let name = words[tool + 1]
            if name.hasPrefix("<") || name.hasPrefix("…") { continue }  // prose: `backprop <command>`, `backprop …`
            guard let subcommand = BackpropCommandLine.subcommands.first(where: { $0.name == name }) else {
                if name != "help" { Issue.record("\(file): '\(line)' runs an unknown command '\(name)'") }
                continue
            }
            for word in words[(tool + 2)...] where word.hasPrefix("--") {
                let option = String(word.dropFirst(2).prefix { $0 != "=" })
                #expect(option == "help" || subcommand.options.contains { $0.name == option },
                        "\(file): '\(line)': backprop \(name) has no option --\(option)")
            }
        }
    }
}
