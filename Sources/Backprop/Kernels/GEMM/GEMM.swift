// The matrix product the batch engine is made of: C = op(A) · op(B), packed and cache-blocked as in BLIS
// (Van Zee and van de Geijn, 2015), with a register-blocked SIMD micro-kernel, for Float and Double.
//
//     op(A) [M, K] · op(B) [K, N] → C [M, N]
//
// The three products of backpropagation are the three ways of reading the operands in place:
//
//     forward          Zˡ  = Aˡ⁻¹ · Wˡ + bˡ      op(A) = Aˡ⁻¹            op(B) = Wˡ
//     hidden errors    Δˡ  = (Δˡ⁺¹ · Wˡ⁺¹ᵀ) ∘ σ′   op(A) = Δˡ⁺¹            op(B) = (Wˡ⁺¹)ᵀ, read transposed
//     weight gradient  ∂Wˡ = (1/m) Aˡ⁻¹ᵀ · Δˡ     op(A) = (Aˡ⁻¹)ᵀ, read transposed   op(B) = Δˡ
//
// THE BITWISE CONTRACT (docs/bitwise-identity.md). For every element C[i, j] the kernel performs exactly
//
//     c ← start;   for k = 0, 1, …, K−1 in order:  c ← fma(op(A)[i, k], op(B)[k, j], c);   c ← epilogue(c)
//
// where `start` is +0, the bias bⱼ, or the value already in C. Blocking over K stores c and loads it back
// between blocks (exact); packing only copies; threads split C's rows or columns, never K. So the result does not
// depend on the block sizes, the vector width, the tile an element falls in, or the number of threads, and it is
// the same chain of operations the loop engine performs one example at a time.

/// C[0..<m, 0..<n] = start + op(A) · op(B), then the epilogue, split over the pool's threads by rows or by
/// columns of C (whole register tiles), never along K, so the result is bitwise the same for any thread count.
/// In this build's tiles (`GEMMBlocking`).
///
/// - Precondition: `workspaces.count ≥ pool.threadCount` when a pool is given.
/// - Complexity: 2·M·N·K flops.
@inlinable
func gemm<T: BackpropScalar, E: TileEpilogue>(
    m: Int, n: Int, k: Int, a: Operand<T>, b: Operand<T>, c: UnsafeMutablePointer<T>, ldc: Int,
    start: GEMMStart<T>, epilogue: E, workspaces: [GEMMWorkspace<T>], pool: WorkerPool?
) where E.Scalar == T {
    gemm(tile: GEMMBlocking<T>.self, m: m, n: n, k: k, a: a, b: b, c: c, ldc: ldc, start: start, epilogue: epilogue,
         workspaces: workspaces, pool: pool)
}

/// The same product in the tiles of `Tile` (any configuration, for the tests).
@inlinable
func gemm<Tile: RegisterTile, E: TileEpilogue>(
    tile: Tile.Type, m: Int, n: Int, k: Int, a: Operand<Tile.Scalar>, b: Operand<Tile.Scalar>,
    c: UnsafeMutablePointer<Tile.Scalar>, ldc: Int, start: GEMMStart<Tile.Scalar>, epilogue: E,
    workspaces: [GEMMWorkspace<Tile.Scalar>], pool: WorkerPool?
) where E.Scalar == Tile.Scalar {
    let mr = Tile.mr, nr = Tile.nr
    let threads = pool?.threadCount ?? 1
    let rowTiles = (m + mr - 1) / mr, columnTiles = (n + nr - 1) / nr
    // Too little work to share: 2·M·N·K below ~1 MFLOP costs less than waking a thread.
    guard let pool, threads > 1, max(rowTiles, columnTiles) >= 2, m * n * k >= 1 << 19 else {
        gemmSingleThread(tile: tile, m: m, n: n, k: k, a: a, b: b, c: c, ldc: ldc, start: start, epilogue: epilogue,
                         rowOffset: 0, columnOffset: 0, workspace: workspaces[0])
        return
    }
    // Split the dimension with more tiles; on a tie, the one whose other operand is cheaper to pack twice.
    let splitColumns = columnTiles > rowTiles || (columnTiles == rowTiles && m <= n)
    let tiles = splitColumns ? columnTiles : rowTiles
    let parts = min(threads, tiles)
    // The job is an object made once per epilogue type and kept in the first workspace, with its closure made
    // here, in the specialized code: a parallel call only writes its parameters, and allocates nothing.
    let job = workspaces[0].parallelJob(ParallelGEMM<Tile, E>.self) { ParallelGEMM<Tile, E>() }
    // Rows split and B packed whole by every part: share the packing instead. Only where every part takes the
    // packed path (K > 8; at least 2 row tiles per part, so no part is a matrix–vector product).
    var sharedBuffer: UnsafeMutablePointer<Tile.Scalar>?
    var blockCapacity = 0
    if !splitColumns && k > 8 && rowTiles >= 2 * parts {
        blockCapacity = Tile.packedBlockCapacity(n: n, k: k)
        workspaces[0].sharedB.reserve(2 * blockCapacity)
        sharedBuffer = workspaces[0].sharedB.pointer
    }
    job.parameters = ParallelGEMM.Parameters(
        m: m, n: n, k: k, a: a, b: b, c: c, ldc: ldc, start: start, epilogue: epilogue, workspaces: workspaces,
        tiles: tiles, parts: parts, splitColumns: splitColumns, sharedB: sharedBuffer, sharedBlock: blockCapacity)
    if job.body == nil { job.body = { [unowned job] part in job.run(part: part) } }
    pool.run(parts: parts, job.body!)
    job.parameters = nil
}
