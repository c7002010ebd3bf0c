/// Copies op(B)[0..<kc, 0..<nc] into NR-column slivers of `Tile`: sliver q holds, for each k in order, the NR values
/// op(B)[k, q·NR + c], c = 0…NR−1. Columns past nc are zero.
///
/// The copies move `Scalar.Vector`s (the 256-bit vector) whatever the tile's own vector: NR is a whole number of
/// them in every tile.
@inlinable
func packB<Tile: RegisterTile>(_: Tile.Type, _ b: Operand<Tile.Scalar>, kc: Int, nc: Int,
                               into packed: UnsafeMutablePointer<Tile.Scalar>) {
    typealias T = Tile.Scalar
    typealias V = T.Vector
    let nr = Tile.nr
    let width = V.scalarCount
    let vectors = nr / width
    var sliver = 0
    var dst = packed
    while sliver < nc {
        let columns = min(nr, nc - sliver)
        if b.transposed && columns == nr {
            // op(B)[k, j] = base[j · stride + k]: the sliver's NR stored rows, transposed a square block of
            // vectors at a time.
            packTransposedSliver(Tile.self, b.base + sliver * b.stride, stride: b.stride, kc: kc, into: dst)
        } else if b.transposed {
            // A ragged last sliver read transposed: NR stored rows read side by side, scalar by scalar.
            let first = b.base + sliver * b.stride
            var out = dst
            for k in 0..<kc {
                for c in 0..<columns { out[c] = first[c * b.stride + k] }
                for c in columns..<nr { out[c] = 0 }
                out += nr
            }
        } else if columns == nr {
            // op(B)[k, j] = base[k · stride + j]: NR / width vectors per k.
            for k in 0..<kc {
                let src = b.base + k * b.stride + sliver
                for v in 0..<vectors { storeVector(loadVector(src + v * width), dst + k * nr + v * width) }
            }
        } else {
            // A ragged last sliver (a 30-unit layer: 14 of 16 Float columns). Each row's full vectors are copied,
            // its partial vector read whole with the lanes past the sliver (the next row's first values) zeroed by
            // a mask, and the vectors after it stored as zeros, as long as the partial vector ends within the
            // block's last needed element; the rows after that are copied lane by lane, so nothing past the matrix
            // is touched. The same values as a scalar copy, far fewer steps.
            let full = columns / width, partial = columns - full * width
            let read = full + (partial > 0 ? 1 : 0)
            var lanes = V()
            for lane in 0..<width { lanes[lane] = T(lane) }
            let keep = lanes .< V(repeating: T(partial))
            // Row k's last vector read ends at k·stride + sliver + read·width; the last needed element is at
            // (kc − 1)·stride + sliver + columns.
            let room = (kc - 1) * b.stride + columns - read * width
            let vectorRows = room < 0 ? 0 : min(kc, room / b.stride + 1)
            for k in 0..<vectorRows {
                let src = b.base + k * b.stride + sliver, out = dst + k * nr
                // As many steps as the sliver has vectors (a constant), each a copy, the masked copy, or zeros.
                for v in 0..<vectors {
                    if v < full {
                        storeVector(loadVector(src + v * width), out + v * width)
                    } else if v < read {
                        storeVector(V().replacing(with: loadVector(src + v * width), where: keep), out + v * width)
                    } else {
                        storeVector(V(), out + v * width)
                    }
                }
            }
            for k in vectorRows..<kc {
                let src = b.base + k * b.stride + sliver
                for c in 0..<columns { dst[k * nr + c] = src[c] }
                for c in columns..<nr { dst[k * nr + c] = 0 }
            }
        }
        sliver += nr
        dst += nr * kc
    }
}

/// Packs one full B sliver read transposed: out[k · NR + c] = first[c · stride + k] for k < kc, c < NR.
///
/// The NR stored rows are contiguous along k, the packed sliver along c, so each w × w block (w = the 256-bit
/// vector's width) is loaded as w vectors of stored rows and stored as w vectors of packed rows, transposed in
/// registers by log₂ w rounds of `deinterleave` (each round rotates the block's index bits by one: three rounds for
/// 8 × 8, two for 4 × 4), instead of a scalar gather. Values are only moved.
@inlinable
func packTransposedSliver<Tile: RegisterTile>(
    _: Tile.Type, _ first: UnsafePointer<Tile.Scalar>, stride: Int, kc: Int, into out: UnsafeMutablePointer<Tile.Scalar>
) {
    typealias T = Tile.Scalar
    typealias V = T.Vector
    let w = V.scalarCount, nr = Tile.nr
    let fullK = kc / w * w
    for block in 0..<(nr / w) {
        let rows = first + block * w * stride
        let column = out + block * w
        var k = 0
        while k < fullK {
            let src = rows + k, dst = column + k * nr
            if w == 8 {
                var r0 = loadVector(src), r1 = loadVector(src + stride)
                var r2 = loadVector(src + 2 * stride), r3 = loadVector(src + 3 * stride)
                var r4 = loadVector(src + 4 * stride), r5 = loadVector(src + 5 * stride)
                var r6 = loadVector(src + 6 * stride), r7 = loadVector(src + 7 * stride)
                for _ in 0..<3 {
                    let (n0, n4) = T.deinterleave(r0, r1), (n1, n5) = T.deinterleave(r2, r3)
                    let (n2, n6) = T.deinterleave(r4, r5), (n3, n7) = T.deinterleave(r6, r7)
                    (r0, r1, r2, r3, r4, r5, r6, r7) = (n0, n1, n2, n3, n4, n5, n6, n7)
                }
                storeVector(r0, dst); storeVector(r1, dst + nr); storeVector(r2, dst + 2 * nr)
                storeVector(r3, dst + 3 * nr); storeVector(r4, dst + 4 * nr); storeVector(r5, dst + 5 * nr)
                storeVector(r6, dst + 6 * nr); storeVector(r7, dst + 7 * nr)
            } else if w == 4 {
                var r0 = loadVector(src), r1 = loadVector(src + stride)
                var r2 = loadVector(src + 2 * stride), r3 = loadVector(src + 3 * stride)
                for _ in 0..<2 {
                    let (n0, n2) = T.deinterleave(r0, r1), (n1, n3) = T.deinterleave(r2, r3)
                    (r0, r1, r2, r3) = (n0, n1, n2, n3)
                }
                storeVector(r0, dst); storeVector(r1, dst + nr); storeVector(r2, dst + 2 * nr)
                storeVector(r3, dst + 3 * nr)
            } else {
                for t in 0..<w { for c in 0..<w { dst[t * nr + c] = src[c * stride + t] } }
            }
            k += w
        }
        for k in fullK..<kc {
            for c in 0..<w { column[k * nr + c] = rows[c * stride + k] }
        }
    }
}
