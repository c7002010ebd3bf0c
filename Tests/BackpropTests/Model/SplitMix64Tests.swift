import Testing
@testable import Backprop

@Suite("SplitMix64 generator")
struct SplitMix64Tests {
    @Test("matches the published reference outputs")
    func reference() {
        var zero = SplitMix64(seed: 0)
        #expect([zero.next(), zero.next(), zero.next()] == [0xe220_a839_7b1d_cdaf, 0x6e78_9e6a_a1b9_65f4, 0x06c4_5d18_8009_454f])
        var other = SplitMix64(seed: 1_234_567)
        #expect([other.next(), other.next(), other.next()] == [0x599e_d017_fb08_fc85, 0x2c73_f084_5854_0fa5, 0x883e_bce5_a3f2_7c77])
    }

    @Test("uniform deviates lie in [0, 1) with mean ½")
    func uniform() {
        var g = SplitMix64(seed: 3)
        let values = (0..<100_000).map { _ in g.nextUniform() }
        #expect(values.allSatisfy { $0 >= 0 && $0 < 1 })
        let mean = values.reduce(0, +) / Double(values.count)
        #expect(abs(mean - 0.5) < 0.005)
    }

    @Test("normal deviates have mean 0 and variance 1")
    func normal() {
        var g = SplitMix64(seed: 4)
        let values = (0..<200_000).map { _ in g.nextNormal() }
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)
        #expect(abs(mean) < 0.01)
        #expect(abs(variance - 1) < 0.01)
        #expect(values.filter { abs($0) > 3 }.count < 1000)  // 0.27 % expected beyond 3σ
    }

    @Test("integers below a bound cover it evenly")
    func integers() {
        var g = SplitMix64(seed: 5)
        var counts = [Int](repeating: 0, count: 7)
        for _ in 0..<70_000 { counts[g.nextInt(below: 7)] += 1 }
        #expect(counts.allSatisfy { abs($0 - 10_000) < 500 })
    }

    @Test("a shuffle is a permutation, and the same seed gives the same one")
    func shuffle() {
        var a = Array(0..<100), b = Array(0..<100)
        var g1 = SplitMix64(seed: 6), g2 = SplitMix64(seed: 6)
        g1.shuffle(&a)
        g2.shuffle(&b)
        #expect(a == b)
        #expect(a != Array(0..<100))
        #expect(a.sorted() == Array(0..<100))
    }
}
