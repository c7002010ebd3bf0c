import Backprop

/// Measures this core's peak floating-point rate: 12 independent chains of vector FMAs (enough to cover the FMA
/// latency on every current x86 and ARM core), nothing but registers, for about `seconds`.
///
/// `backprop bench` reports each engine's GFLOP/s as a percentage of this figure (times the thread count), unless
/// `--peak-gflops` gives one. It is a measurement, not a datasheet value: it includes the clock the core actually
/// runs at, turbo and all.
public enum PeakProbe {
    /// The measured peak in GFLOP/s for one thread of `Scalar` (2 flops per FMA lane).
    public static func gigaflops<Scalar: BackpropScalar>(_: Scalar.Type, seconds: Double = 0.05) -> Double {
        // Concrete calls, so that the chains are specialised here whatever module asks.
        Scalar.self == Float.self ? measure(Float.self, seconds: seconds) : measure(Double.self, seconds: seconds)
    }

    static func measure<Scalar: BackpropScalar>(_: Scalar.Type, seconds: Double) -> Double {
        var best = 0.0
        let iterations = 1 << 16
        var sink = Scalar.Vector()
        let start = MonotonicClock.nanoseconds()
        repeat {
            let t = MonotonicClock.nanoseconds()
            sink += chains(Scalar.self, iterations: iterations)
            let elapsed = MonotonicClock.seconds(since: t)
            let flops = Double(iterations * 12 * Scalar.Vector.scalarCount * 2)
            best = max(best, flops / elapsed / 1e9)
        } while MonotonicClock.seconds(since: start) < seconds
        // Keep the result alive so the optimiser cannot drop the work.
        if sink[0] == .infinity { print("", terminator: "") }
        return best
    }

    @inline(never)
    static func chains<Scalar: BackpropScalar>(_: Scalar.Type, iterations: Int) -> Scalar.Vector {
        typealias V = Scalar.Vector
        let x = V(repeating: 0.999_999), y = V(repeating: 1e-9)
        var a0 = V(repeating: 1), a1 = V(repeating: 2), a2 = V(repeating: 3), a3 = V(repeating: 4)
        var a4 = V(repeating: 5), a5 = V(repeating: 6), a6 = V(repeating: 7), a7 = V(repeating: 8)
        var a8 = V(repeating: 9), a9 = V(repeating: 10), a10 = V(repeating: 11), a11 = V(repeating: 12)
        for _ in 0..<iterations {
            a0 = y.addingProduct(a0, x); a1 = y.addingProduct(a1, x); a2 = y.addingProduct(a2, x)
            a3 = y.addingProduct(a3, x); a4 = y.addingProduct(a4, x); a5 = y.addingProduct(a5, x)
            a6 = y.addingProduct(a6, x); a7 = y.addingProduct(a7, x); a8 = y.addingProduct(a8, x)
            a9 = y.addingProduct(a9, x); a10 = y.addingProduct(a10, x); a11 = y.addingProduct(a11, x)
        }
        return a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11
    }
}
