import Backprop
import Foundation

// How the child process reports a call's outputs to the parent: JSON lines, each number as the hexadecimal of its
// bits, so that every value (NaN and ±∞ included) arrives exactly as the student's code made it.

extension StudentCheck.Output: Codable {
    private enum Key: String, CodingKey { case matrix, vector, gradients, notWritten = "not_written", threw }

    private struct WireMatrix: Codable {
        var rows: Int, columns: Int, bits: [String]
    }

    private struct WireLayer: Codable {
        var weights: WireMatrix, biases: [String]
    }

    private struct WireGradients: Codable {
        var loss: String, layers: [WireLayer]
    }

    private static func hex(_ x: Double) -> String { String(x.bitPattern, radix: 16) }

    private static func number(_ text: String, _ decoder: any Decoder) throws -> Double {
        guard let bits = UInt64(text, radix: 16) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "'\(text)' is not a number's bits"))
        }
        return Double(bitPattern: bits)
    }

    private static func wire(_ m: Matrix<Double>) -> WireMatrix {
        WireMatrix(rows: m.rows, columns: m.columns, bits: m.elements.map(hex))
    }

    private static func matrix(_ w: WireMatrix, _ decoder: any Decoder) throws -> Matrix<Double> {
        guard w.rows >= 0, w.columns >= 0, w.bits.count == w.rows * w.columns else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "a matrix whose elements do not fill it"))
        }
        return Matrix(rows: w.rows, columns: w.columns, elements: try w.bits.map { try number($0, decoder) })
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        switch self {
        case .matrix(let m): try container.encode(Self.wire(m), forKey: .matrix)
        case .vector(let v): try container.encode(v.map(Self.hex), forKey: .vector)
        case .gradients(let g):
            try container.encode(WireGradients(loss: Self.hex(g.loss), layers: g.layers.map {
                WireLayer(weights: Self.wire($0.weights), biases: $0.biases.map(Self.hex))
            }), forKey: .gradients)
        case .notWritten(let exercise): try container.encode(exercise, forKey: .notWritten)
        case .threw(let message): try container.encode(message, forKey: .threw)
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        if let m = try container.decodeIfPresent(WireMatrix.self, forKey: .matrix) {
            self = .matrix(try Self.matrix(m, decoder))
        } else if let v = try container.decodeIfPresent([String].self, forKey: .vector) {
            self = .vector(try v.map { try Self.number($0, decoder) })
        } else if let g = try container.decodeIfPresent(WireGradients.self, forKey: .gradients) {
            // A student's gradients may have a bias of the wrong length: built without the initialiser's check, so
            // that the checker can say so instead of trapping on it.
            self = .gradients(Gradients(loss: try Self.number(g.loss, decoder), layers: try g.layers.map {
                let weights = try Self.matrix($0.weights, decoder)
                var layer = LayerParameters(weights: weights, biases: [Double](repeating: 0, count: weights.columns))
                layer.biases = try $0.biases.map { try Self.number($0, decoder) }
                return layer
            }))
        } else if let exercise = try container.decodeIfPresent(Int.self, forKey: .notWritten) {
            self = .notWritten(exercise: exercise)
        } else {
            self = .threw(try container.decode(String.self, forKey: .threw))
        }
    }
}

extension StudentCheck {
    /// One line of the child's report: a call about to start (`output` nil), or a call done with its two outputs.
    public struct Record: Codable, Sendable {
        public var call: Call
        public var first: Output?
        public var second: Output?
        /// The step's first call, made again after all the others (state kept between calls shows there).
        public var replay: Bool?
        /// A call of a scenario that varies another, made again straight after the same call of that one (`first`
        /// its answer, `second` the answer to the call before it): an answer kept by the inputs the two share shows.
        public var pair: Bool?
        /// The inputs the student's code changed (wrote into) during the call, by name ("A¹", "W²", "x").
        public var changed: [String]?
        /// One call a batch engine made to a step during `call`: the step and its arguments (`EngineCall`).
        public var trace: [String]?

        public init(call: Call, first: Output? = nil, second: Output? = nil, replay: Bool? = nil, pair: Bool? = nil,
                    changed: [String]? = nil, trace: [String]? = nil) {
            self.call = call
            self.first = first
            self.second = second
            self.replay = replay
            self.pair = pair
            self.changed = changed
            self.trace = trace
        }
    }

    /// A record as one line of JSON, with its newline.
    public static func encode(_ record: Record) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding cannot fail: every field is a string, an integer or a nested record of them.
        return String(decoding: try! encoder.encode(record), as: UTF8.self) + "\n"
    }
}
