/// A command-line usage error: an unknown option, a missing or malformed value. Exit code 2.
public struct UsageError: Error, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// One option a subcommand accepts.
public struct OptionSpec: Sendable {
    /// The name without dashes: `batch` for `--batch`.
    public var name: String
    /// The value's placeholder in help (`M`), or nil for a flag that takes no value.
    public var value: String?
    /// One line of help.
    public var help: String
    /// Whether the option may be given more than once (`--net 784-30-10 --net 784-256-128-10`).
    public var repeatable: Bool

    public init(_ name: String, value: String? = nil, help: String, repeatable: Bool = false) {
        self.name = name
        self.value = value
        self.help = help
        self.repeatable = repeatable
    }
}

/// The options given to a subcommand, with typed, validated access. Every accessor that fails throws a
/// `UsageError` naming the flag, what it got, and what it expected.
public struct ParsedArguments: Sendable {
    var values: [String: [String]] = [:]
    var flags: Set<String> = []

    /// Whether the flag `--name` was given.
    public func flag(_ name: String) -> Bool { flags.contains(name) }

    /// Every value given for `--name`, in order (several for a repeatable option; also splits commas when asked).
    public func all(_ name: String) -> [String] { values[name] ?? [] }

    /// The value of `--name`, or nil.
    public func string(_ name: String) -> String? { values[name]?.last }

    /// Whether `--name` was given at all.
    public func has(_ name: String) -> Bool { values[name] != nil || flags.contains(name) }

    /// The value of `--name` as one of `choices`.
    public func choice(_ name: String, _ choices: [String], default fallback: String) throws -> String {
        guard let value = string(name) else { return fallback }
        guard choices.contains(value) else {
            throw UsageError("--\(name): '\(value)' is not one of \(choices.joined(separator: ", "))")
        }
        return value
    }

    /// The value of `--name` as an integer in `range`.
    public func integer(_ name: String, default fallback: Int, in range: ClosedRange<Int>) throws -> Int {
        guard let text = string(name) else { return fallback }
        return try Self.integer(text, flag: name, in: range)
    }

    static func integer(_ text: String, flag name: String, in range: ClosedRange<Int>) throws -> Int {
        guard let value = Int(text.trimmingWhitespace) else {
            throw UsageError("--\(name): expected an integer, got '\(text)'")
        }
        guard range.contains(value) else {
            if range.lowerBound == 1 && value < 1 {
                throw UsageError("--\(name): expected a positive integer, got '\(text)'")
            }
            throw UsageError("--\(name): \(value) is out of range \(range.lowerBound)…\(range.upperBound)")
        }
        return value
    }

    /// The value of `--name` as an unsigned 64-bit seed.
    public func seed(_ name: String = "seed", default fallback: UInt64) throws -> UInt64 {
        guard let text = string(name) else { return fallback }
        guard let value = UInt64(text.trimmingWhitespace) else {
            throw UsageError("--\(name): expected a non-negative integer seed, got '\(text)'")
        }
        return value
    }

    /// The value of `--name` as a finite number in `range`.
    public func number(_ name: String, default fallback: Double, in range: ClosedRange<Double>) throws -> Double {
        guard let text = string(name) else { return fallback }
        guard let value = Double(text.trimmingWhitespace), value.isFinite else {
            throw UsageError("--\(name): expected a number, got '\(text)'")
        }
        guard range.contains(value) else {
            throw UsageError("--\(name): \(text) is out of range \(range.lowerBound)…\(range.upperBound)")
        }
        return value
    }

    /// A comma-separated list of integers in `range` (`--batch 1,4,16`); repeated options add to the list.
    public func integerList(_ name: String, default fallback: [Int], in range: ClosedRange<Int>) throws -> [Int] {
        let texts = all(name)
        guard !texts.isEmpty else { return fallback }
        var result: [Int] = []
        for text in texts {
            let parts = text.split(separator: ",", omittingEmptySubsequences: false)
            for part in parts {
                guard !part.isEmpty else { throw UsageError("--\(name): empty item in '\(text)'") }
                result.append(try Self.integer(String(part), flag: name, in: range))
            }
        }
        return result
    }
}

/// Parses `--name value`, `--name=value` and `--flag` against a subcommand's options.
public enum ArgumentParser {
    public static func parse(_ arguments: [String], options: [OptionSpec]) throws -> ParsedArguments {
        var parsed = ParsedArguments()
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            guard argument.hasPrefix("--"), argument.count > 2 else {
                throw UsageError("unexpected argument '\(argument)'; options start with --")
            }
            var name = String(argument.dropFirst(2))
            var inlineValue: String?
            if let equals = name.firstIndex(of: "=") {
                inlineValue = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            guard let spec = options.first(where: { $0.name == name }) else {
                let hint = suggestion(for: name, among: options.map(\.name)).map { " (did you mean --\($0)?)" } ?? ""
                throw UsageError("unknown option '--\(name)'\(hint)")
            }
            if spec.value == nil {
                guard inlineValue == nil else { throw UsageError("--\(name) takes no value") }
                parsed.flags.insert(name)
                continue
            }
            let value: String
            if let inlineValue {
                value = inlineValue
            } else {
                guard index < arguments.count, !arguments[index].hasPrefix("--") else {
                    throw UsageError("--\(name) needs a value (\(spec.value!))")
                }
                value = arguments[index]
                index += 1
            }
            if parsed.values[name] != nil && !spec.repeatable {
                throw UsageError("--\(name) is given twice")
            }
            parsed.values[name, default: []].append(value)
        }
        return parsed
    }

    /// The closest option name within two edits, if any.
    static func suggestion(for name: String, among names: [String]) -> String? {
        let scored = names.map { ($0, editDistance(Array(name), Array($0))) }.filter { $0.1 <= 2 }
        return scored.min { $0.1 < $1.1 }?.0
    }

    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        var previous = Array(0...b.count)
        for (i, x) in a.enumerated() {
            var current = [i + 1] + Array(repeating: 0, count: b.count)
            for (j, y) in b.enumerated() {
                current[j + 1] = min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}

extension String {
    var trimmingWhitespace: String {
        var text = Substring(self)
        while text.first?.isWhitespace == true { text = text.dropFirst() }
        while text.last?.isWhitespace == true { text = text.dropLast() }
        return String(text)
    }
}
