/// A plain-text table with aligned columns, for terminals: a header, a rule, and one line per row, columns
/// separated by two spaces and trailing spaces trimmed. Every table the commands and the benchmark print.
public struct TextTable: Sendable {
    public enum Alignment: Sendable { case left, right }

    public var headers: [String]
    public var alignments: [Alignment]
    public var rows: [[String]] = []

    /// A table with these column headers, each column aligned as given (left by default).
    public init(_ headers: [String], alignments: [Alignment]? = nil) {
        self.headers = headers
        self.alignments = alignments ?? headers.map { _ in .left }
    }

    /// A table whose columns `rightAligned` (by index) are right-aligned, the others left-aligned.
    public init(_ headers: [String], rightAligned: Set<Int>) {
        self.init(headers, alignments: headers.indices.map { rightAligned.contains($0) ? .right : .left })
    }

    public mutating func add(_ row: [String]) { rows.append(row) }

    /// The table, without a final newline.
    public func render() -> String {
        let widths = headers.indices.map { column in
            ([headers[column]] + rows.map { column < $0.count ? $0[column] : "" }).map(\.count).max() ?? 0
        }
        func line(_ cells: [String]) -> String {
            var parts: [String] = []
            for (column, width) in widths.enumerated() {
                let cell = column < cells.count ? cells[column] : ""
                let padding = String(repeating: " ", count: max(0, width - cell.count))
                parts.append(alignments[column] == .right ? padding + cell : cell + padding)
            }
            var text = parts.joined(separator: "  ")
            while text.last == " " { text.removeLast() }
            return text
        }
        var lines = [line(headers), String(repeating: "-", count: widths.reduce(0, +) + 2 * (widths.count - 1))]
        lines += rows.map(line)
        return lines.joined(separator: "\n")
    }
}
