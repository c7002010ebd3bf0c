import Testing
@testable import BackpropCommands

@Suite("Argument parser")
struct ArgumentParserTests {
    let options = [OptionSpec("batch", value: "M", help: ""), OptionSpec("net", value: "SIZES", help: "", repeatable: true),
                   OptionSpec("phases", help: "")]

    @Test("--name value, --name=value, flags and repeated options")
    func forms() throws {
        let parsed = try ArgumentParser.parse(["--batch", "4", "--net=1-2", "--net", "3-4", "--phases"], options: options)
        #expect(parsed.string("batch") == "4" && parsed.all("net") == ["1-2", "3-4"] && parsed.flag("phases"))
        #expect(try parsed.integer("batch", default: 1, in: 1...10) == 4)
        #expect(try parsed.integerList("batch", default: [], in: 1...10) == [4])
    }

    @Test("errors name the flag and the problem", arguments: [
        (["--batch"], "--batch needs a value (M)"), (["--batch", "1", "--batch", "2"], "--batch is given twice"),
        (["--phases=yes"], "--phases takes no value"), (["-b"], "unexpected argument '-b'; options start with --"),
        (["--nte", "3"], "unknown option '--nte' (did you mean --net?)"), (["--zzzzzz"], "unknown option '--zzzzzz'"),
    ])
    func errors(_ arguments: [String], _ message: String) {
        #expect {
            _ = try ArgumentParser.parse(arguments, options: options)
        } throws: { ($0 as? UsageError)?.message == message }
    }

    @Test("typed values are range-checked")
    func values() throws {
        let parsed = try ArgumentParser.parse(["--batch", "1,4,,16"], options: options)
        #expect(throws: UsageError("--batch: empty item in '1,4,,16'")) { try parsed.integerList("batch", default: [], in: 1...100) }
        let big = try ArgumentParser.parse(["--batch", "1000"], options: options)
        #expect(throws: UsageError("--batch: 1000 is out of range 1…100")) { try big.integer("batch", default: 1, in: 1...100) }
        let negative = try ArgumentParser.parse(["--batch", "-3"], options: options)
        #expect(throws: UsageError("--batch: expected a positive integer, got '-3'")) { try negative.integer("batch", default: 1, in: 1...100) }
    }
}
