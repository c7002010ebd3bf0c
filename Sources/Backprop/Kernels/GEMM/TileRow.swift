/// One row of a register tile: up to four SIMD vectors of C's row, each its own accumulator.
///
/// The micro-kernel uses the first `vectors` of them (a constant once specialised for a tile); the others are never
/// read and vanish from the compiled kernel, so a row of an AVX2 tile is two registers and one of AVX-512's three.
@usableFromInline
struct TileRow<V: SIMD> where V.Scalar: BackpropScalar {
    @usableFromInline var v0: V, v1: V, v2: V, v3: V

    /// +0 in every lane.
    @inlinable @inline(__always)
    init() { v0 = V(); v1 = V(); v2 = V(); v3 = V() }

    /// The first `vectors` vectors at `p`, one after another (unaligned).
    @inlinable @inline(__always)
    init(loading p: UnsafePointer<V.Scalar>, vectors: Int) {
        self.init()
        let raw = UnsafeRawPointer(p), size = MemoryLayout<V>.size
        v0 = raw.loadUnaligned(as: V.self)
        if vectors > 1 { v1 = raw.loadUnaligned(fromByteOffset: size, as: V.self) }
        if vectors > 2 { v2 = raw.loadUnaligned(fromByteOffset: 2 * size, as: V.self) }
        if vectors > 3 { v3 = raw.loadUnaligned(fromByteOffset: 3 * size, as: V.self) }
    }

    /// One step of each accumulator's chain: vᵢ ← fma(x, bᵢ, vᵢ).
    @inlinable @inline(__always)
    mutating func add(_ x: V, times b: TileRow, vectors: Int) {
        v0 = v0.addingProduct(x, b.v0)
        if vectors > 1 { v1 = v1.addingProduct(x, b.v1) }
        if vectors > 2 { v2 = v2.addingProduct(x, b.v2) }
        if vectors > 3 { v3 = v3.addingProduct(x, b.v3) }
    }

    /// vᵢ ← vᵢ · f: a factor applied after the sum (the weight gradient's 1/m).
    @inlinable @inline(__always)
    mutating func scale(by f: V, vectors: Int) {
        v0 *= f
        if vectors > 1 { v1 *= f }
        if vectors > 2 { v2 *= f }
        if vectors > 3 { v3 *= f }
    }

    /// Stores the first `vectors` vectors at `p` (unaligned).
    @inlinable @inline(__always)
    func store(to p: UnsafeMutablePointer<V.Scalar>, vectors: Int) {
        let raw = UnsafeMutableRawPointer(p), size = MemoryLayout<V>.size
        raw.storeBytes(of: v0, as: V.self)
        if vectors > 1 { raw.storeBytes(of: v1, toByteOffset: size, as: V.self) }
        if vectors > 2 { raw.storeBytes(of: v2, toByteOffset: 2 * size, as: V.self) }
        if vectors > 3 { raw.storeBytes(of: v3, toByteOffset: 3 * size, as: V.self) }
    }
}
