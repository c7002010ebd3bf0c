import Foundation

/// JSON encoding and decoding with the project's conventions and one-line error messages.
public enum JSONCoding {
    /// Pretty-printed, sorted keys, no escaped slashes.
    public static func encode<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            return try encoder.encode(value)
        } catch {
            throw BackpropError("cannot write JSON: a value is not finite (NaN or infinity has no JSON form)")
        }
    }

    /// Decodes `data` (already syntax-checked or not) and turns a `DecodingError` into a one-line message with
    /// the JSON path of the problem.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch let error as DecodingError {
            throw BackpropError(describe(error))
        } catch let error as BackpropError {
            throw error
        }
    }

    /// "layers[1].weights[0][2]".
    static func path(_ codingPath: [any CodingKey]) -> String {
        var text = ""
        for key in codingPath {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return text.isEmpty ? "the top level" : text
    }

    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, let context):
            let place = context.codingPath.isEmpty ? "the top-level object" : path(context.codingPath)
            return "missing key \"\(key.stringValue)\" in \(place)"
        case .typeMismatch(let type, let context):
            return "\(path(context.codingPath)): expected \(describe(type))"
        case .valueNotFound(let type, let context):
            return "\(path(context.codingPath)): expected \(describe(type)), found null"
        case .dataCorrupted(let context):
            if let unknown = context.underlyingError as? BackpropError { return unknown.message }
            if context.codingPath.isEmpty { return "not valid JSON" }
            return "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "cannot read the JSON document"
        }
    }

    static func describe(_ type: Any.Type) -> String {
        switch type {
        case is Double.Type, is Float.Type: "a number"
        case is Int.Type: "an integer"
        case is String.Type: "a string"
        case is [Any].Type: "an array"
        default: "a \(type)"
        }
    }
}

/// Any key, to list every key an object really has.
struct AnyCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) {
        self.stringValue = String(intValue)
        self.intValue = intValue
    }
}

/// Throws if the object being decoded has a key not in `allowed` (a misspelt key is a mistake, not an extra).
func rejectUnknownKeys(_ decoder: any Decoder, allowed: [String]) throws {
    let container = try decoder.container(keyedBy: AnyCodingKey.self)
    if let unknown = container.allKeys.first(where: { !allowed.contains($0.stringValue) }) {
        let place = decoder.codingPath.isEmpty ? "" : " in \(JSONCoding.path(decoder.codingPath))"
        throw DecodingError.dataCorrupted(DecodingError.Context(
            codingPath: decoder.codingPath,
            debugDescription: "unknown key",
            underlyingError: BackpropError("unknown key \"\(unknown.stringValue)\"\(place); expected \(allowed.map { "\"\($0)\"" }.joined(separator: ", "))")))
    }
}
