import ExerciseSolutions
import Foundation
import Testing
import TestSupport

/// Every message an exercise page quotes from the checker ("The usual slips" of exercises 3 to 7) is one the checker
/// prints: each quoted fragment (a quote may skip words with "…") is found in the output of the catalogues of wrong
/// submissions, run through the real command.
@Suite("The exercises quote the checker as it speaks", .tags(.slow))
struct ExerciseQuotesTests {
    /// The quoted fragments of each page's "The usual slips" section, 12 characters or longer.
    static func quotedFragments() throws -> [(page: String, fragment: String)] {
        let folder = packageRoot.appendingPathComponent("docs/exercises")
        var fragments: [(String, String)] = []
        for page in try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        where page.hasSuffix(".md") && ["03", "04", "05", "06", "07"].contains(String(page.prefix(2))) {
            let text = try String(contentsOf: folder.appendingPathComponent(page), encoding: .utf8)
            guard let start = text.range(of: "## The usual slips") else { continue }
            let rest = text[start.upperBound...]
            let section = rest.range(of: "\n## ").map { rest[..<$0.lowerBound] } ?? rest
            // Lines joined, so that a quote wrapped over two lines is one quote.
            let flat = section.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
            for quote in flat.matches(of: /"([^"]+)"/).map({ String($0.1) }) {
                for piece in quote.components(separatedBy: "…") {
                    let fragment = piece.trimmingCharacters(in: CharacterSet(charactersIn: " .,:;"))
                    if fragment.count >= 12 { fragments.append((page, fragment)) }
                }
            }
        }
        return fragments
    }

    @Test("every quoted message is printed for one of the catalogued slips")
    func quotesArePrinted() throws {
        let fragments = try Self.quotedFragments()
        #expect(fragments.count >= 20, "found only \(fragments.count) quoted messages")
        let names = WrongSubmissions.all.map(\.name) + ClassCatalogue.all.filter { $0.expected != "pass" }.map(\.name)
        var printed = ""
        for name in names {
            let result = try checkSubmission(name, timeLimit: 3)
            printed += result.out + "\n"
        }
        // The report wraps long lines: compare with the line breaks and indentation folded away.
        let folded = printed.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .joined(separator: " ")
        for (page, fragment) in fragments {
            #expect(folded.contains(fragment), "docs/exercises/\(page) quotes “\(fragment)”, which the checker does not print")
        }
    }
}
