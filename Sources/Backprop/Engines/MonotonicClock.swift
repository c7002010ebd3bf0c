#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Nanoseconds from the system's monotonic clock (CLOCK_MONOTONIC): never jumps with the wall clock, and costs a
/// few tens of nanoseconds to read, so engines can time their phases.
public enum MonotonicClock {
    /// The current reading in nanoseconds.
    @inlinable
    public static func nanoseconds() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
    }

    /// Seconds elapsed since `start` (a reading of `nanoseconds()`).
    @inlinable
    public static func seconds(since start: UInt64) -> Double {
        Double(nanoseconds() &- start) * 1e-9
    }
}
