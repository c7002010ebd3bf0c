// Element-wise passes over contiguous runs of scalars, one SIMD vector at a time.
//
// A run whose length is not a multiple of the vector width ends with a partial vector: its valid lanes are
// gathered into a zero-padded vector, the same lane arithmetic runs on it, and only the valid lanes are written
// back. Every lane is computed independently, so an element's result does not depend on where it sits in a
// vector: the scalar tail of a 30-unit layer gets the same bits as a full vector would give it.

/// Loads `count` (< vector width) scalars into the low lanes of a zero vector.
@inlinable @inline(__always)
func loadPartial<T: BackpropScalar>(_ p: UnsafePointer<T>, _ count: Int) -> T.Vector {
    var v = T.Vector()
    for lane in 0..<count { v[lane] = p[lane] }
    return v
}

/// Stores the low `count` lanes of `v`.
@inlinable @inline(__always)
func storePartial<T: BackpropScalar>(_ v: T.Vector, _ p: UnsafeMutablePointer<T>, _ count: Int) {
    for lane in 0..<count { p[lane] = v[lane] }
}

/// Loads a full vector from an address with no alignment promise.
@inlinable @inline(__always)
func loadVector<T: BackpropScalar>(_ p: UnsafePointer<T>) -> T.Vector {
    UnsafeRawPointer(p).loadUnaligned(as: T.Vector.self)
}

/// Stores a full vector at an address with no alignment promise.
@inlinable @inline(__always)
func storeVector<T: BackpropScalar>(_ v: T.Vector, _ p: UnsafeMutablePointer<T>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: T.Vector.self)
}

/// output[i] = f(input[i]) for i in 0..<count (input and output may be the same run).
@inlinable @inline(__always)
func mapVectors<T: BackpropScalar>(
    _ count: Int, _ input: UnsafePointer<T>, _ output: UnsafeMutablePointer<T>, _ f: (T.Vector) -> T.Vector
) {
    let width = T.Vector.scalarCount
    var i = 0
    while i + width <= count {
        storeVector(f(loadVector(input + i)), output + i)
        i += width
    }
    if i < count {
        storePartial(f(loadPartial(input + i, count - i)), output + i, count - i)
    }
}

/// output[i] = f(x[i], y[i]) for i in 0..<count (output may be x or y).
@inlinable @inline(__always)
func mapVectors<T: BackpropScalar>(
    _ count: Int, _ x: UnsafePointer<T>, _ y: UnsafePointer<T>, _ output: UnsafeMutablePointer<T>,
    _ f: (T.Vector, T.Vector) -> T.Vector
) {
    let width = T.Vector.scalarCount
    var i = 0
    while i + width <= count {
        storeVector(f(loadVector(x + i), loadVector(y + i)), output + i)
        i += width
    }
    if i < count {
        let rest = count - i
        storePartial(f(loadPartial(x + i, rest), loadPartial(y + i, rest)), output + i, rest)
    }
}
