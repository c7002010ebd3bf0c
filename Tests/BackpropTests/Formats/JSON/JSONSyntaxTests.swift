import Testing
@testable import Backprop

@Suite("JSON syntax check")
struct JSONSyntaxTests {
    @Test("accepts RFC 8259 documents", arguments: [
        "0", "-1.5e+10", "\"a\\u00e9\\n\"", "[]", "{}", "[1, [2, {\"a\": null}], true, false]",
        " {\"a\": {\"a\": 1}} ", "{\"a\": 1, \"b\": 2}",
    ])
    func valid(_ text: String) throws {
        try JSONSyntax.validate(Array(text.utf8))
    }

    @Test("refuses malformed documents, naming line and column", arguments: [
        ("[1, 2", "line 1, column 6"), ("{\"a\" 1}", "expected ':'"), ("[01]", "leading zero"),
        ("[1.]", "digit must follow"), ("\"abc", "unterminated string"), ("[1,]", "expected a value"),
        ("{\"a\": 1,\n \"a\": 2}", "line 2, column 2: duplicate key \"a\""), ("nul", "expected 'null'"),
        ("[\"\\x\"]", "invalid escape"), ("{1: 2}", "expected a key"),
        ("[1, -1e999]", "line 1, column 5: the number -1e999 is too large for a Double"),
    ])
    func invalid(_ text: String, _ message: String) {
        #expect {
            try JSONSyntax.validate(Array(text.utf8))
        } throws: { error in
            (error as? BackpropError)?.message.contains(message) == true
        }
    }
}
