/// Reads a CSV file of numbers: one example per line, the features and an integer class label.
///
/// Strict on purpose: every field must be a finite number (no NaN, no infinity, no quotes), every line must have
/// the same number of fields, labels must be non-negative integers. Errors name the file's line and column.
public struct CSVReader: Sendable {
    /// Which column holds the label: 0-based, negative from the end (−1 is the last, the default).
    public var labelColumn: Int = -1
    /// Whether the first line is a header to skip.
    public var header: Bool = false

    public init(labelColumn: Int = -1, header: Bool = false) {
        self.labelColumn = labelColumn
        self.header = header
    }

    /// Parses `text`. A UTF-8 byte-order mark at the start, as spreadsheet programs write one, is skipped.
    /// - Throws: `BackpropError` "line L, column C: …".
    public func read(_ text: String) throws -> LabeledData {
        let text = text.first == "\u{FEFF}" ? text.dropFirst() : Substring(text)
        var features: [Double] = []
        var labels: [Int] = []
        var width: Int?
        var lineNumber = 0
        var sawHeader = !header
        // Swift reads "\r\n" as one Character, so lines are split on any newline, not on "\n" alone.
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            lineNumber += 1
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }  // blank lines (a final newline) are skipped
            if !sawHeader {
                sawHeader = true
                continue
            }
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            if let width, fields.count != width {
                throw BackpropError("line \(lineNumber): \(fields.count) fields, but earlier lines have \(width)")
            }
            guard fields.count >= 2 else {
                throw BackpropError("line \(lineNumber): \(fields.count) field; each line needs features and a label")
            }
            width = fields.count
            let labelIndex = labelColumn < 0 ? fields.count + labelColumn : labelColumn
            guard labelIndex >= 0 && labelIndex < fields.count else {
                throw BackpropError("line \(lineNumber): there is no column \(labelColumn) for the label (the lines have \(fields.count) fields)")
            }
            for (index, raw) in fields.enumerated() {
                let field = raw.trimmingCharacters(in: " \t")
                let column = index + 1
                guard !field.isEmpty else { throw BackpropError("line \(lineNumber), column \(column): empty field") }
                guard let value = Double(field) else {
                    throw BackpropError("line \(lineNumber), column \(column): '\(field)' is not a number")
                }
                guard value.isFinite else {
                    throw BackpropError("line \(lineNumber), column \(column): '\(field)' is not a finite number")
                }
                guard field.allSatisfy({ "0123456789+-.eE".contains($0) }) else {  // no hexadecimal floats
                    throw BackpropError("line \(lineNumber), column \(column): '\(field)' is not a decimal number")
                }
                if index == labelIndex {
                    guard value >= 0, value == value.rounded(), value < Double(Int32.max) else {
                        throw BackpropError("line \(lineNumber), column \(column): label '\(field)' is not a non-negative integer")
                    }
                    labels.append(Int(value))
                } else {
                    features.append(value)
                }
            }
        }
        guard let width, !labels.isEmpty else { throw BackpropError("no examples (the file is empty or only a header)") }
        return try LabeledData(features: Matrix(rows: labels.count, columns: width - 1, elements: features), labels: labels)
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: String) -> Substring {
        var text = self
        while let first = text.first, set.contains(first) { text = text.dropFirst() }
        while let last = text.last, set.contains(last) { text = text.dropLast() }
        return text
    }
}
