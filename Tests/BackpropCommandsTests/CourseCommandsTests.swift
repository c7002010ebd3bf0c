import Testing
@testable import Backprop
@testable import BackpropCommands

@Suite("Classroom commands: shapes, explain, exercises", .serialized)
struct CourseCommandsTests {
    @Test("shapes lists every quantity for one example and for m, in 80 columns")
    func shapes() {
        let result = runCommand(["shapes", "--net", "784-30-10", "--batch", "64"])
        #expect(result.code == 0)
        for expected in ["x, X      [784, 1]     [64, 784]", "W¹        [784, 30]    [784, 30]", "δ², Δ²    [10, 1]      [64, 10]",
                         "∂W¹ = (1/m)(A⁰)ᵀ Δ¹   [784, 64]·[64, 30]", "Δ¹ = (Δ² (W²)ᵀ) ∘ σ′   [64, 10]·[10, 30]"] {
            #expect(result.out.contains(expected), "missing: \(expected)")
        }
        #expect(result.out.split(separator: "\n").allSatisfy { $0.count <= 80 })
    }

    @Test("shapes in the other convention: examples as columns, W output × input, in 80 columns")
    func shapesByColumns() {
        let result = runCommand(["shapes", "--net", "784-30-10", "--batch", "64", "--convention", "columns"])
        #expect(result.code == 0)
        for expected in ["x, X      [784, 1]     [784, 64]", "W¹        [30, 784]    [30, 784]",
                         "Z¹ = W¹ A⁰ + b¹ 1ₘᵀ    [30, 784]·[784, 64]", "Δ¹ = ((W²)ᵀ Δ²) ∘ σ′    [30, 10]·[10, 64]",
                         "∂W¹ = (1/m) Δ¹ (A⁰)ᵀ   [30, 64]·[64, 784]"] {
            #expect(result.out.contains(expected), "missing: \(expected)\n\(result.out)")
        }
        #expect(result.out.split(separator: "\n").allSatisfy { $0.count <= 80 })
    }

    @Test("shapes counts the memory of a gradient call: the part that grows with m is m·(h_0 + h_L + 2·Σ h_l)",
          arguments: [("double", "2.17 MB"), ("float", "1.09 MB")])
    func shapesMemory(_ precision: String, _ total: String) {
        let result = runCommand(["shapes", "--net", "784-30-10", "--batch", "256", "--precision", precision])
        #expect(result.code == 0)
        // 23,860 parameters; X and Y 256·794 = 203,264 numbers; Aˡ and Δˡ 2·256·40 = 20,480.
        for expected in ["2 × 23,860 numbers", "m·(h_0 + h_L) = 203,264", "2·m·Σ h_l = 20,480", "in all                      \(total)"] {
            #expect(result.out.contains(expected), "missing: \(expected)\n\(result.out)")
        }
    }

    @Test("explain matches every row of Δ to its example's δ and shows identical gradients", arguments: [
        ["--net", "2-3-2", "--batch", "3", "--seed", "1"], ["--net", "5-5-5-5", "--batch", "6", "--output", "sigmoid"],
        ["--net", "3-4-1", "--output", "identity", "--hidden", "relu"],
    ])
    func explain(_ flags: [String]) {
        let result = runCommand(["explain"] + flags)
        #expect(result.code == 0, "\(result.err)")
        #expect(result.out.contains("≡ example 0's δ") && !result.out.contains("≠"))
        #expect(result.out.contains("Every row of Δˡ is its example's δˡ"))
        #expect(result.out.split(separator: "\n").allSatisfy { $0.count <= 80 })
    }

    @Test("explain with an engine one ULP off says MISMATCH, and exits 1")
    func explainMismatch() {
        let result = runCommand(["explain", "--net", "2-3-2"], engines: .faulty)
        #expect(result.code == 1)
        #expect(result.out.contains("MISMATCH") && result.out.contains("BatchEngine DIFFERENT"))
    }

    @Test("explain refuses layers too wide to print")
    func explainTooWide() {
        let result = runCommand(["explain", "--net", "784-30-10"])
        #expect(result.code == 2 && result.err.contains("keep every layer at 5 units or fewer"))
    }
}
