/// The project's one seeded random number generator: SplitMix64 (Steele, Lea and Flood, 2014).
///
/// Every random thing in the project (initial weights, benchmark batches, train/test splits, shuffles, the
/// oracle's sample of parameters) comes from here, through the methods below. They use only integer arithmetic
/// and IEEE basic operations (`log` is the project's own), never the standard library's `random(in:using:)` or
/// `shuffle(using:)`, whose algorithms may change between Swift versions. So a seed gives the same numbers on
/// every platform and every toolchain, and every exercise answer reproduces.
public struct SplitMix64: RandomNumberGenerator, Sendable, Equatable {
    /// The generator's whole state.
    public var state: UInt64
    /// The second normal deviate of the last polar-method pair, handed out by the next `nextNormal()`.
    @usableFromInline var spareNormal: Double?

    /// A generator whose output is fixed by `seed`.
    public init(seed: UInt64) {
        state = seed
        spareNormal = nil
    }

    /// The next 64 random bits.
    @inlinable
    public mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    /// A uniform Double in [0, 1): the top 53 bits of `next()`, times 2⁻⁵³.
    @inlinable
    public mutating func nextUniform() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// A uniform Double in [low, high).
    @inlinable
    public mutating func nextUniform(in low: Double, _ high: Double) -> Double {
        low + (high - low) * nextUniform()
    }

    /// A standard normal deviate N(0, 1) by Marsaglia's polar method (two per accepted pair).
    public mutating func nextNormal() -> Double {
        if let spare = spareNormal {
            spareNormal = nil
            return spare
        }
        while true {
            let u = 2 * nextUniform() - 1
            let v = 2 * nextUniform() - 1
            let s = u * u + v * v
            if s > 0 && s < 1 {
                let factor = (-2 * Double.log(s) / s).squareRoot()
                spareNormal = v * factor
                return u * factor
            }
        }
    }

    /// A uniform integer in 0..<bound, without modulo bias (rejection on the top of the 64-bit range).
    /// - Precondition: `bound > 0`.
    public mutating func nextInt(below bound: Int) -> Int {
        precondition(bound > 0, "nextInt(below:) needs a positive bound")
        let n = UInt64(bound)
        let limit = UInt64.max - UInt64.max % n  // accept only values below a multiple of n
        while true {
            let x = next()
            if x < limit { return Int(x % n) }
        }
    }

    /// Shuffles `values` in place with Fisher–Yates, drawing from this generator.
    public mutating func shuffle<Element>(_ values: inout [Element]) {
        guard values.count > 1 else { return }
        for i in stride(from: values.count - 1, to: 0, by: -1) {
            let j = nextInt(below: i + 1)
            if i != j { values.swapAt(i, j) }
        }
    }
}
