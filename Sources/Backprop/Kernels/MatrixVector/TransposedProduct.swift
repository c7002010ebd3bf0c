/// s[j] = Σₖ W[j, k] · δ′[k] for k = 0…n−1 in order: the (Wˡ⁺¹ δˡ⁺¹) of the hidden error, before ∘ σ′.
///
/// - Parameters: `w` is `[rows, n]` row-major (Wˡ⁺¹, h_l × h_{l+1}), `delta` has n entries, `s` has `rows`.
/// - Complexity: 2·rows·n flops. The sum runs along W's rows, but the order forbids splitting it across vector
///   lanes, so lanes hold different j: each vector is gathered from `width` rows, four vectors at a time so that
///   four independent chains hide the FMA latency.
@inlinable
func transposedProduct<T: BackpropScalar>(
    rows: Int, n: Int, w: UnsafePointer<T>, delta: UnsafePointer<T>, s: UnsafeMutablePointer<T>, ldw: Int? = nil
) {
    typealias V = T.Vector
    let width = V.scalarCount
    let ldw = ldw ?? n
    @inline(__always) func gather(_ p: UnsafePointer<T>, _ lanes: Int) -> V {
        var v = V()
        for lane in 0..<lanes { v[lane] = p[lane * ldw] }
        return v
    }
    var j = 0
    // Four full vectors (4·width rows) at a time.
    while j + 4 * width <= rows {
        var s0 = V(), s1 = V(), s2 = V(), s3 = V()
        let base = w + j * ldw
        for k in 0..<n {
            let d = V(repeating: delta[k])
            s0 = s0.addingProduct(gather(base + k, width), d)
            s1 = s1.addingProduct(gather(base + width * ldw + k, width), d)
            s2 = s2.addingProduct(gather(base + 2 * width * ldw + k, width), d)
            s3 = s3.addingProduct(gather(base + 3 * width * ldw + k, width), d)
        }
        storeVector(s0, s + j)
        storeVector(s1, s + j + width)
        storeVector(s2, s + j + 2 * width)
        storeVector(s3, s + j + 3 * width)
        j += 4 * width
    }
    // The rest, one (possibly partial) vector at a time.
    while j < rows {
        let lanes = min(width, rows - j)
        var acc = V()
        let base = w + j * ldw
        for k in 0..<n {
            acc = acc.addingProduct(gather(base + k, lanes), V(repeating: delta[k]))
        }
        storePartial(acc, s + j, lanes)
        j += lanes
    }
}
