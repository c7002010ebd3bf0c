/// A strict syntax check of a JSON document, run before Foundation's `JSONDecoder` reads it.
///
/// The decoder says only "The given data was not valid JSON." and keeps the first of two equal keys. This check
/// names the line and column of the first problem, refuses duplicate keys (naming the key and where it repeats),
/// and bounds the nesting depth so that a hostile file cannot exhaust the stack. It builds nothing: decoding is
/// still Codable's job.
public enum JSONSyntax {
    /// The deepest nesting of arrays and objects accepted.
    public static let maximumDepth = 64

    /// Checks that `bytes` is one well-formed JSON value (RFC 8259) with no duplicate keys in any object.
    /// - Throws: `BackpropError` with "line L, column C: …".
    public static func validate(_ bytes: [UInt8]) throws {
        var scanner = Scanner(bytes: bytes)
        scanner.skipWhitespace()
        guard !scanner.atEnd else { throw scanner.error("the file is empty; expected a JSON value") }
        try scanner.value(depth: 0)
        scanner.skipWhitespace()
        if !scanner.atEnd { throw scanner.error("unexpected \(scanner.describeCurrent()) after the end of the JSON value") }
    }

    struct Scanner {
        let bytes: [UInt8]
        var position = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        var atEnd: Bool { position >= bytes.count }
        var current: UInt8 { bytes[position] }

        func error(_ message: String, at offset: Int? = nil) -> BackpropError {
            let stop = min(offset ?? position, bytes.count)
            var line = 1, column = 1
            for byte in bytes[0..<stop] {
                if byte == UInt8(ascii: "\n") {
                    line += 1
                    column = 1
                } else if byte & 0xC0 != 0x80 {  // count characters, not UTF-8 continuation bytes
                    column += 1
                }
            }
            return BackpropError("line \(line), column \(column): \(message)")
        }

        func describeCurrent() -> String {
            guard !atEnd else { return "end of file" }
            let byte = current
            if byte >= 0x20 && byte < 0x7F { return "'\(Character(UnicodeScalar(byte)))'" }
            return "byte 0x\(String(byte, radix: 16, uppercase: true))"
        }

        mutating func skipWhitespace() {
            while !atEnd, [0x20, 0x09, 0x0A, 0x0D].contains(current) { position += 1 }
        }

        mutating func expect(_ literal: String) throws {
            let start = position
            for byte in literal.utf8 {
                guard !atEnd, current == byte else {
                    throw error("expected '\(literal)'", at: start)
                }
                position += 1
            }
        }

        mutating func value(depth: Int) throws {
            skipWhitespace()
            guard !atEnd else { throw error("unexpected end of file; expected a value") }
            switch current {
            case UInt8(ascii: "{"): try object(depth: depth + 1)
            case UInt8(ascii: "["): try array(depth: depth + 1)
            case UInt8(ascii: "\""): _ = try string()
            case UInt8(ascii: "t"): try expect("true")
            case UInt8(ascii: "f"): try expect("false")
            case UInt8(ascii: "n"): try expect("null")
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try number()
            default: throw error("unexpected \(describeCurrent()); expected a value")
            }
        }

        mutating func object(depth: Int) throws {
            guard depth <= JSONSyntax.maximumDepth else {
                throw error("nested deeper than \(JSONSyntax.maximumDepth) levels")
            }
            position += 1  // {
            skipWhitespace()
            if !atEnd && current == UInt8(ascii: "}") {
                position += 1
                return
            }
            var keys = Set<String>()
            while true {
                skipWhitespace()
                guard !atEnd, current == UInt8(ascii: "\"") else {
                    throw error("unexpected \(describeCurrent()); expected a key in double quotes")
                }
                let keyStart = position
                let key = try string()
                guard keys.insert(key).inserted else {
                    throw error("duplicate key \"\(key)\" in the same object", at: keyStart)
                }
                skipWhitespace()
                guard !atEnd, current == UInt8(ascii: ":") else {
                    throw error("unexpected \(describeCurrent()); expected ':' after the key \"\(key)\"")
                }
                position += 1
                try value(depth: depth)
                skipWhitespace()
                guard !atEnd else { throw error("unexpected end of file; expected ',' or '}'") }
                if current == UInt8(ascii: ",") {
                    position += 1
                } else if current == UInt8(ascii: "}") {
                    position += 1
                    return
                } else {
                    throw error("unexpected \(describeCurrent()); expected ',' or '}'")
                }
            }
        }

        mutating func array(depth: Int) throws {
            guard depth <= JSONSyntax.maximumDepth else {
                throw error("nested deeper than \(JSONSyntax.maximumDepth) levels")
            }
            position += 1  // [
            skipWhitespace()
            if !atEnd && current == UInt8(ascii: "]") {
                position += 1
                return
            }
            while true {
                try value(depth: depth)
                skipWhitespace()
                guard !atEnd else { throw error("unexpected end of file; expected ',' or ']'") }
                if current == UInt8(ascii: ",") {
                    position += 1
                } else if current == UInt8(ascii: "]") {
                    position += 1
                    return
                } else {
                    throw error("unexpected \(describeCurrent()); expected ',' or ']'")
                }
            }
        }

        /// Reads a string, returning its raw content between the quotes (escapes left as written).
        mutating func string() throws -> String {
            let start = position
            position += 1  // "
            var content: [UInt8] = []
            while true {
                guard !atEnd else { throw error("unterminated string", at: start) }
                let byte = current
                if byte == UInt8(ascii: "\"") {
                    position += 1
                    return String(decoding: content, as: UTF8.self)
                }
                if byte < 0x20 { throw error("control character 0x\(String(byte, radix: 16)) inside a string") }
                if byte == UInt8(ascii: "\\") {
                    position += 1
                    guard !atEnd else { throw error("unterminated string", at: start) }
                    let escape = current
                    switch escape {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
                         UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                        content.append(UInt8(ascii: "\\"))
                        content.append(escape)
                        position += 1
                    case UInt8(ascii: "u"):
                        content.append(UInt8(ascii: "\\"))
                        content.append(escape)
                        position += 1
                        for _ in 0..<4 {
                            guard !atEnd, isHexDigit(current) else { throw error("\\u needs four hex digits") }
                            content.append(current)
                            position += 1
                        }
                    default:
                        throw error("invalid escape \\\(describeCurrent().trimmingQuotes)")
                    }
                    continue
                }
                content.append(byte)
                position += 1
            }
        }

        mutating func number() throws {
            let start = position
            if current == UInt8(ascii: "-") { position += 1 }
            guard !atEnd, isDigit(current) else { throw error("a number needs a digit", at: start) }
            if current == UInt8(ascii: "0") {
                position += 1
                if !atEnd, isDigit(current) { throw error("a number cannot have a leading zero", at: start) }
            } else {
                while !atEnd, isDigit(current) { position += 1 }
            }
            if !atEnd, current == UInt8(ascii: ".") {
                position += 1
                guard !atEnd, isDigit(current) else { throw error("a digit must follow the decimal point") }
                while !atEnd, isDigit(current) { position += 1 }
            }
            if !atEnd, current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
                position += 1
                if !atEnd, current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { position += 1 }
                guard !atEnd, isDigit(current) else { throw error("an exponent needs a digit") }
                while !atEnd, isDigit(current) { position += 1 }
            }
            let text = String(decoding: bytes[start..<position], as: UTF8.self)
            if let value = Double(text), !value.isFinite {
                throw error("the number \(text) is too large for a Double", at: start)
            }
        }

        func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
        func isHexDigit(_ byte: UInt8) -> Bool {
            isDigit(byte) || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "f"))
        }
    }
}

extension String {
    fileprivate var trimmingQuotes: String {
        hasPrefix("'") && hasSuffix("'") && count >= 2 ? String(dropFirst().dropLast()) : self
    }
}
