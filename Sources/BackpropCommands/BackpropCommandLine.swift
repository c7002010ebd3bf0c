import Backprop
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
/// engines with known faults to see the commands catch them.
public struct CommandEngines {
    /// The engines `check` compares in double precision, the reference (the loop engine) first.
    public var checked: (_ threads: Int) -> [AnyBackpropEngine<Double>]
    /// The work `check --engine student` checks.
    public var student: StudentSubmission

    public init(checked: @escaping (_ threads: Int) -> [AnyBackpropEngine<Double>], student: StudentSubmission) {
        self.checked = checked
        self.student = student
    }

    /// The library's loop and batch engines, and the student's work in Sources/StudentWork.
    public static var library: CommandEngines {
        CommandEngines(
            checked: { [AnyBackpropEngine(LoopEngine<Double>()), AnyBackpropEngine(BatchEngine<Double>(threads: $0))] },
            student: studentSubmission)
    }
}

/// The `backprop` command: dispatches to a subcommand and turns every error into one line and an exit code.
///
/// Exit codes: 0 success; 1 a check failed or the data was bad (a file that cannot be read or is malformed);
/// 2 a usage error (an unknown subcommand or option, a malformed or out-of-range value).
public enum BackpropCommandLine {
    /// Subcommands the tool runs for itself, not listed in the help: the child process of `check --engine student`.
    static let internalSubcommands: [any Subcommand.Type] = [StudentStepCommand.self]

    static let subcommands: [any Subcommand.Type] = [
        CheckCommand.self, BenchCommand.self, TrainCommand.self, EvaluateCommand.self, ShapesCommand.self, ExplainCommand.self,
    ]

    /// Runs `backprop` with `arguments` (without the program name) and returns the exit code.
    public static func run(_ arguments: [String], console: Console = .standard(), engines: CommandEngines = .library) -> Int32 {
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
