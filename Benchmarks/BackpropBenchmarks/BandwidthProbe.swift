import Backprop

/// The bandwidth ceilings of `backprop bench-kernels`: how many bytes a second one thread moves between a level of
/// the memory hierarchy and the registers, measured by the three access patterns the kernels use.
///
///     read     s += x[i]              (the weights a matrix–vector product streams)
///     write    x[i] = v               (a result written once)
///     update   x[i] = x[i] · f        (read and written back: what the rank-one update does to ∂W)
///
/// Each loop keeps 8 independent vector accumulators (or stores) in flight, two vectors a step, so that the
/// latency of an addition (4 cycles) never sets the pace: a single chain of additions would measure the adder,
/// not the memory. The array's size decides the level: 16 KiB (L1), 512 KiB (L2), 8 MiB (L3), 256 MiB (memory).
public enum BandwidthProbe {
    /// The probes' kernels, as `KernelCase.kernel` names them.
    public static let kernels = ["read", "write", "update"]

    /// The footprints probed, in bytes, and the level each is meant to sit in.
    public static let footprints: [(bytes: Int, level: String)] = [
        (16 << 10, "L1"), (512 << 10, "L2"), (8 << 20, "L3"), (256 << 20, "memory"),
    ]

    /// Σ x[i], with 8 vector accumulators.
    @inlinable
    public static func read<T: BackpropScalar>(_ x: UnsafePointer<T>, count: Int) -> T {
        let width = T.Vector.scalarCount
        @inline(__always) func load(_ i: Int) -> T.Vector { UnsafeRawPointer(x + i).loadUnaligned(as: T.Vector.self) }
        var s0 = T.Vector(), s1 = T.Vector(), s2 = T.Vector(), s3 = T.Vector()
        var s4 = T.Vector(), s5 = T.Vector(), s6 = T.Vector(), s7 = T.Vector()
        var i = 0
        while i + 8 * width <= count {
            s0 += load(i); s1 += load(i + width); s2 += load(i + 2 * width); s3 += load(i + 3 * width)
            s4 += load(i + 4 * width); s5 += load(i + 5 * width); s6 += load(i + 6 * width); s7 += load(i + 7 * width)
            i += 8 * width
        }
        var total = (((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))).sum()
        while i < count { total += x[i]; i += 1 }
        return total
    }

    /// x[i] = value for every i, 8 vectors a step.
    @inlinable
    public static func write<T: BackpropScalar>(_ x: UnsafeMutablePointer<T>, count: Int, value: T) {
        let width = T.Vector.scalarCount, v = T.Vector(repeating: value)
        @inline(__always) func store(_ i: Int) { UnsafeMutableRawPointer(x + i).storeBytes(of: v, as: T.Vector.self) }
        var i = 0
        while i + 8 * width <= count {
            for u in 0..<8 { store(i + u * width) }
            i += 8 * width
        }
        while i < count { x[i] = value; i += 1 }
    }

    /// x[i] = x[i] · factor for every i, 8 vectors a step.
    @inlinable
    public static func update<T: BackpropScalar>(_ x: UnsafeMutablePointer<T>, count: Int, factor: T) {
        let width = T.Vector.scalarCount, f = T.Vector(repeating: factor)
        @inline(__always) func scale(_ i: Int) {
            let p = UnsafeMutableRawPointer(x + i)
            p.storeBytes(of: p.loadUnaligned(as: T.Vector.self) * f, as: T.Vector.self)
        }
        var i = 0
        while i + 8 * width <= count {
            for u in 0..<8 { scale(i + u * width) }
            i += 8 * width
        }
        while i < count { x[i] *= factor; i += 1 }
    }
}
