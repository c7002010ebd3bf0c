/// A heap buffer of scalars aligned to a cache line, owned by a workspace and reused across calls.
///
/// `reserve(_:)` reallocates only when asked for more than it holds, so a workspace reaches its steady size on
/// the first batch and allocates nothing afterwards.
@usableFromInline
final class AlignedBuffer<Scalar: BackpropScalar> {
    @usableFromInline private(set) var pointer: UnsafeMutablePointer<Scalar>
    @usableFromInline private(set) var capacity: Int

    @usableFromInline
    init(capacity: Int = 0) {
        self.capacity = max(capacity, 1)
        pointer = Self.allocate(self.capacity)
    }

    @usableFromInline
    static func allocate(_ count: Int) -> UnsafeMutablePointer<Scalar> {
        let raw = UnsafeMutableRawPointer.allocate(byteCount: count * MemoryLayout<Scalar>.stride, alignment: 64)
        let typed = raw.bindMemory(to: Scalar.self, capacity: count)
        typed.initialize(repeating: 0, count: count)
        return typed
    }

    /// Makes room for at least `count` scalars (contents are not kept when it grows).
    @inlinable
    func reserve(_ count: Int) {
        if count > capacity {
            pointer.deallocate()
            capacity = count
            pointer = Self.allocate(count)
        }
    }

    deinit { pointer.deallocate() }
}
