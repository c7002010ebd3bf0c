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
}
