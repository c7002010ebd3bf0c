/// Copies op(A)[0..<mc, 0..<kc] into MR-row slivers: sliver p holds, for each k in order, the MR values
/// op(A)[p·MR + r, k], r = 0…MR−1. Rows past mc are zero.
@inlinable
func packA<T: BackpropScalar>(_ a: Operand<T>, mc: Int, kc: Int, into packed: UnsafeMutablePointer<T>) {
    let mr = GEMMBlocking<T>.mr
    if a.transposed {
        // op(A)[i, k] = base[k · stride + i]: for each k, the mc scalars of one stored row are contiguous.
        // - Sliver by sliver over all of K would jump a whole stored row per scalar; row by row over all slivers
        //   would write each row's scalars 6 · KC apart, one per sliver, which in Double is exactly three pages,
        //   so every store of a row would land in the same L1 set. So: 8 stored rows at a time (read once,
        //   8 × mc scalars in L1), each sliver's 8 · MR packed scalars written together (six whole cache lines in
        //   Double).
        // - A full sliver's MR = 6 scalars are moved as two overlapping runs of four, [0, 4) and [2, 6): two loads
        //   and two stores instead of six of each (a whole 8-Float vector would run into the next k's scalars).
        //   The middle two are written twice with the same values.
        precondition(mr == 6, "the transposed packing moves six scalars as two overlapping runs of four")
        let fullSlivers = mc / mr
        let rest = mc - fullSlivers * mr
        let rowsAtOnce = 8
        var k0 = 0
        while k0 < kc {
            let k1 = min(k0 + rowsAtOnce, kc)
            for sliver in 0..<fullSlivers {
                var from = UnsafeRawPointer(a.base + k0 * a.stride + sliver * mr)
                var to = UnsafeMutableRawPointer(packed + sliver * mr * kc + k0 * mr)
                for _ in k0..<k1 {
                    let low = from.loadUnaligned(as: SIMD4<T>.self)
                    let high = from.loadUnaligned(fromByteOffset: 2 * MemoryLayout<T>.stride, as: SIMD4<T>.self)
                    to.storeBytes(of: low, as: SIMD4<T>.self)
                    to.storeBytes(of: high, toByteOffset: 2 * MemoryLayout<T>.stride, as: SIMD4<T>.self)
                    from += a.stride * MemoryLayout<T>.stride
                    to += mr * MemoryLayout<T>.stride
                }
            }
            if rest > 0 {
                for k in k0..<k1 {
                    let from = a.base + k * a.stride + fullSlivers * mr
                    let out = packed + fullSlivers * mr * kc + k * mr
                    for r in 0..<rest { out[r] = from[r] }
                    for r in rest..<mr { out[r] = 0 }
                }
            }
            k0 = k1
        }
        return
    }
    var sliver = 0
    var dst = packed
    while sliver < mc {
        let rows = min(mr, mc - sliver)
        if rows == mr {
            // op(A)[i, k] = base[i · stride + k]: six rows read side by side, the sliver written in order.
            let r0 = a.base + sliver * a.stride, r1 = r0 + a.stride, r2 = r1 + a.stride
            let r3 = r2 + a.stride, r4 = r3 + a.stride, r5 = r4 + a.stride
            var out = dst
            for k in 0..<kc {
                out[0] = r0[k]; out[1] = r1[k]; out[2] = r2[k]; out[3] = r3[k]; out[4] = r4[k]; out[5] = r5[k]
                out += mr
            }
        } else {
            for k in 0..<kc {
                for r in 0..<rows { dst[k * mr + r] = a.base[(sliver + r) * a.stride + k] }
                for r in rows..<mr { dst[k * mr + r] = 0 }
            }
        }
        sliver += mr
        dst += mr * kc
    }
}
