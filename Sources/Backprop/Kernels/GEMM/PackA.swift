/// Copies op(A)[0..<mc, 0..<kc] into MR-row slivers of `Tile`: sliver p holds, for each k in order, the MR values
/// op(A)[p·MR + r, k], r = 0…MR−1. Rows past mc are zero.
@inlinable
func packA<Tile: RegisterTile>(_: Tile.Type, _ a: Operand<Tile.Scalar>, mc: Int, kc: Int,
                               into packed: UnsafeMutablePointer<Tile.Scalar>) {
    typealias T = Tile.Scalar
    let mr = Tile.mr
    if a.transposed {
        // op(A)[i, k] = base[k · stride + i]: for each k, the mc scalars of one stored row are contiguous.
        // - Sliver by sliver over all of K would jump a whole stored row per scalar; row by row over all slivers
        //   would write each row's scalars MR · KC apart, one per sliver, which in Double with MR = 6, KC = 256 is
        //   exactly three pages, so every store of a row would land in the same L1 set. So: 8 stored rows at a
        //   time (read once, 8 × mc scalars in L1), each sliver's 8 · MR packed scalars written together (six whole
        //   cache lines in Double).
        // - A full sliver's MR scalars are moved as runs of four starting at 0, 4, 8, … with the last one ending at
        //   MR ([0, 4) and [2, 6) for MR = 6): two loads and two stores instead of six of each (a whole 8-Float
        //   vector would run into the next k's scalars). Scalars in two runs are written twice with the same values.
        precondition(mr >= 4, "the transposed packing moves runs of four scalars")
        let fullSlivers = mc / mr
        let rest = mc - fullSlivers * mr
        let rowsAtOnce = 8
        let size = MemoryLayout<T>.stride
        var k0 = 0
        while k0 < kc {
            let k1 = min(k0 + rowsAtOnce, kc)
            for sliver in 0..<fullSlivers {
                var from = UnsafeRawPointer(a.base + k0 * a.stride + sliver * mr)
                var to = UnsafeMutableRawPointer(packed + sliver * mr * kc + k0 * mr)
                for _ in k0..<k1 {
                    // The runs at 0, 4 and 8, each moved back to end at MR at most (MR is a constant: the tests of
                    // MR fold away, leaving two moves for MR = 6 or 8, three for 12).
                    @inline(__always) func move(_ run: Int) {
                        let at = min(run, mr - 4) * size
                        to.storeBytes(of: from.loadUnaligned(fromByteOffset: at, as: SIMD4<T>.self), toByteOffset: at,
                                      as: SIMD4<T>.self)
                    }
                    move(0)
                    if mr > 4 { move(4) }
                    if mr > 8 { move(8) }
                    from += a.stride * size
                    to += mr * size
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
        let first = a.base + sliver * a.stride
        if rows == mr {
            // op(A)[i, k] = base[i · stride + k]: MR rows read side by side, the sliver written in order. One
            // pointer per row (the rows past MR, a constant, are never formed).
            let s = a.stride
            let r0 = first, r1 = r0 + s, r2 = r1 + s, r3 = r2 + s, r4 = r3 + s, r5 = r4 + s
            let r6 = r5 + s, r7 = r6 + s, r8 = r7 + s, r9 = r8 + s, r10 = r9 + s, r11 = r10 + s
            precondition(mr >= 4 && mr <= maximumTileRows, "MR = \(mr)")
            var out = dst
            for k in 0..<kc {
                out[0] = r0[k]; out[1] = r1[k]; out[2] = r2[k]; out[3] = r3[k]
                if mr > 4 { out[4] = r4[k] }
                if mr > 5 { out[5] = r5[k] }
                if mr > 6 { out[6] = r6[k] }
                if mr > 7 { out[7] = r7[k] }
                if mr > 8 { out[8] = r8[k] }
                if mr > 9 { out[9] = r9[k] }
                if mr > 10 { out[10] = r10[k] }
                if mr > 11 { out[11] = r11[k] }
                out += mr
            }
        } else {
            for k in 0..<kc {
                for r in 0..<rows { dst[k * mr + r] = first[r * a.stride + k] }
                for r in rows..<mr { dst[k * mr + r] = 0 }
            }
        }
        sliver += mr
        dst += mr * kc
    }
}
