import Backprop
import BackpropBenchmarks
import BackpropExercises
import StudentWork

/// One `backprop` subcommand.
protocol Subcommand: Sendable {
    /// The word after `backprop`.
    static var name: String { get }
    /// One line for `backprop help`.
    static var summary: String { get }
    /// Its options.
    static var options: [OptionSpec] { get }
    /// Runs with parsed options; returns the exit code (0 success, 1 a check failed or bad data).
    static func run(_ arguments: ParsedArguments, context: CommandContext) throws -> Int32
}

/// What a command runs with: where it writes, and the engines it uses.
public struct CommandContext {
    public var console: Console
    public var engines: CommandEngines

    public init(console: Console, engines: CommandEngines = .library) {
        self.console = console
        self.engines = engines
    }
}

/// The engines the commands take by injection: the library's and the student's by default; tests substitute
/// engines with known faults to see the commands catch them (`check`, `train --engine both`, `explain`).
public struct CommandEngines {
    /// The loop and batch engines of `check`, `train` and `explain`.
    public var factory: any EngineFactory
    /// The work `backprop exercises` checks.
    public var student: StudentSubmission

    public init(factory: any EngineFactory = LibraryEngines(), student: StudentSubmission) {
        self.factory = factory
        self.student = student
    }

    /// The library's loop and batch engines, and the student's work in Sources/StudentWork.
    public static var library: CommandEngines {
        CommandEngines(student: studentSubmission)
    }
}

/// The `backprop` command: dispatches to a subcommand and turns every error into one line and an exit code.
///
/// Exit codes: 0 success; 1 a check failed or the data was bad (a file that cannot be read or is malformed);
/// 2 a usage error (an unknown subcommand or option, a malformed or out-of-range value).
public enum BackpropCommandLine {
    /// Subcommands the tool runs for itself, not listed in the help: the child process of `exercises`.
    static let internalSubcommands: [any Subcommand.Type] = [StudentStepCommand.self]

    static let subcommands: [any Subcommand.Type] = [
        CheckCommand.self, ExercisesCommand.self, BenchCommand.self, BenchKernelsCommand.self, BenchTrainCommand.self,
        TrainCommand.self, EvaluateCommand.self, ShapesCommand.self, ExplainCommand.self,
    ]

    /// The spellings of earlier versions, still accepted: `exercises …` is `exercises …`,
    /// `bench-kernels …` is `bench-kernels …`, and `bench-train DATA …` is `bench-train --data DATA …`.
    static func currentSpelling(_ arguments: [String]) -> [String] {
        guard let command = arguments.first else { return arguments }
        var rest = Array(arguments.dropFirst())
        /// Removes `--name value` or `--name=value` and returns the value.
        func take(_ name: String) -> String? {
            if let index = rest.firstIndex(where: { $0.hasPrefix("--\(name)=") }) {
                return String(rest.remove(at: index).dropFirst(name.count + 3))
            }
            guard let index = rest.firstIndex(of: "--\(name)"), index + 1 < rest.count else { return nil }
            defer { rest.removeSubrange(index...index + 1) }
            return rest[index + 1]
        }
        switch command {
        case "check" where rest.contains("--engine") || rest.contains("--engine=student"):
            guard take("engine") == "student" else { return arguments }
            return ["exercises"] + rest
        case "bench" where rest.contains("--kernels"):
            rest.removeAll { $0 == "--kernels" }
            return ["bench-kernels"] + rest
        case "bench" where rest.contains { $0 == "--train" || $0.hasPrefix("--train=") }:
            guard let data = take("train") else { return arguments }
            return ["bench-train", "--data", data] + rest
        default:
            return arguments
        }
    }

    /// Runs `backprop` with `arguments` (without the program name) and returns the exit code.
    public static func run(_ arguments: [String], console: Console = .standard(), engines: CommandEngines = .library) -> Int32 {
        let arguments = currentSpelling(arguments)
        guard let first = arguments.first else {
            console.note(usage)
            return 2
        }
        if ["help", "--help", "-h"].contains(first) {
            if arguments.count > 1, let command = subcommands.first(where: { $0.name == arguments[1] }) {
                console.line(help(for: command))
            } else {
                console.line(usage)
            }
            return 0
        }
        guard let command = (subcommands + internalSubcommands).first(where: { $0.name == first }) else {
            let hint = ArgumentParser.suggestion(for: first, among: subcommands.map { $0.name })
                .map { " (did you mean '\($0)'?)" } ?? ""
            console.note("backprop: unknown command '\(first)'\(hint); see 'backprop help'")
            return 2
        }
        let rest = Array(arguments.dropFirst())
        if rest.contains("--help") || rest.contains("-h") {
            console.line(help(for: command))
            return 0
        }
        do {
            let parsed = try ArgumentParser.parse(rest, options: command.options)
            return try command.run(parsed, context: CommandContext(console: console, engines: engines))
        } catch let error as UsageError {
            console.note("backprop \(command.name): \(error.message)")
            return 2
        } catch let error as BackpropError {
            console.note("backprop \(command.name): \(error.message)")
            return 1
        } catch {
            console.note("backprop \(command.name): \(error)")
            return 1
        }
    }

    static var usage: String {
        var lines = ["usage: backprop <command> [options]", "", "commands:"]
        let width = subcommands.map { $0.name.count }.max() ?? 0
        for command in subcommands {
            lines.append("  " + command.name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + command.summary)
        }
        lines += ["", "'backprop help <command>' lists a command's options; docs/commands.md has them all."]
        return lines.joined(separator: "\n")
    }

    static func help(for command: any Subcommand.Type) -> String {
        var lines = ["usage: backprop \(command.name) [options]", "", command.summary, "", "options:"]
        let labels = command.options.map { "--\($0.name)" + ($0.value.map { " \($0)" } ?? "") }
        let width = labels.map(\.count).max() ?? 0
        for (label, option) in zip(labels, command.options) {
            lines.append("  " + label.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + option.help)
        }
        return lines.joined(separator: "\n")
    }
}
