extension BatchEngine {
    /// The five steps of the matrix form, each on a part of the batch, reading and writing the engine's workspace:
    /// what `computeGradients` does, written once. `BatchSchedule` decides which rows (or which rows of ∂Wˡ, or
    /// which columns of ∂bˡ) each call covers and on which thread it runs.
    ///
    ///     forward          Zˡ = Aˡ⁻¹ Wˡ + bˡ, Aˡ = σ(Zˡ)       [r, h_l] = [r, h_{l−1}] · [h_{l−1}, h_l] + [h_l]
    ///     output error     Δᴸ = Aᴸ − Y, and each ℓᵢ             [r, c]
    ///     hidden errors    Δˡ = (Δˡ⁺¹ (Wˡ⁺¹)ᵀ) ∘ σ′(Zˡ)          [r, h_l] = [r, h_{l+1}] · [h_{l+1}, h_l] ∘ [r, h_l]
    ///     weight gradient  ∂Wˡ = (1/m) (Aˡ⁻¹)ᵀ Δˡ                [h_{l−1}, h_l] = [h_{l−1}, m] · [m, h_l]
    ///     bias gradient    ∂bˡ = (1/m) Σᵢ Δˡ[i, :]               [h_l] from [m, h_l]
    ///
    /// Row i of the first three depends only on row i of X and Y and on the parameters, so any split of the rows
    /// gives the same numbers. Each product is one GEMM that reads its transposed operand in place and fuses the
    /// element-wise work into its tiles (`TileEpilogues`): σ after the forward product, ∘ σ′ after the error
    /// product, 1/m after the weight-gradient product. No split ever divides a sum, so every element is computed
    /// by the same operations in the same order whatever the schedule: the bitwise contract.
    @usableFromInline
    struct Steps<Hidden: ActivationKernel> where Hidden.Scalar == Scalar {
        @usableFromInline let layer: LayerPointers<Scalar>
        /// h_0, …, h_L.
        @usableFromInline let h: [Int]
        @usableFromInline let output: OutputLayer
        /// X `[m, h_0]` and Y `[m, h_L]`.
        @usableFromInline let x: UnsafePointer<Scalar>, y: UnsafePointer<Scalar>
        /// Zᴸ `[m, c]`, kept for the loss, and ℓᵢ for each example.
        @usableFromInline let logits: UnsafeMutablePointer<Scalar>, losses: UnsafeMutablePointer<Scalar>
        /// m.
        @usableFromInline let examples: Int

        @inlinable
        init(layer: LayerPointers<Scalar>, h: [Int], output: OutputLayer, x: UnsafePointer<Scalar>,
             y: UnsafePointer<Scalar>, logits: UnsafeMutablePointer<Scalar>, losses: UnsafeMutablePointer<Scalar>,
             examples: Int) {
            self.layer = layer; self.h = h; self.output = output; self.x = x; self.y = y
            self.logits = logits; self.losses = losses; self.examples = examples
        }

        /// L.
        @inlinable var depth: Int { h.count - 1 }
        /// 1/m, the factor of the mean.
        @inlinable var scale: Scalar { 1 / Scalar(examples) }

        /// Forward, rows `rows`: Zˡ = Aˡ⁻¹ Wˡ + bˡ and Aˡ = σ(Zˡ) for l = 1…L−1 (σ applied to each tile as it is
        /// done), then Zᴸ and the output layer's Aᴸ = σᴸ(Zᴸ) row by row.
        @inlinable
        func forward(rows: Range<Int>, products: Products) {
            let L = depth, c = h[L], i0 = rows.lowerBound
            for l in 1..<L {
                products.run(.weights(l), m: rows.count, n: h[l], k: h[l - 1],
                             a: Operand(layer.input(l, x: x) + i0 * h[l - 1], stride: h[l - 1]),
                             b: Operand(layer.w(l), stride: h[l]), c: layer.a(l) + i0 * h[l],
                             start: .bias(layer.b(l)), epilogue: ActivationEpilogue<Hidden>())
            }
            products.run(.weights(L), m: rows.count, n: c, k: h[L - 1],
                         a: Operand(layer.input(L, x: x) + i0 * h[L - 1], stride: h[L - 1]),
                         b: Operand(layer.w(L), stride: c), c: logits + i0 * c, start: .bias(layer.b(L)),
                         epilogue: NoEpilogue<Scalar>())
            for i in rows { output.activate(logits + i * c, into: layer.a(L) + i * c, count: c) }
        }

        /// Output error, rows `rows`: Δᴸ = Aᴸ − Y (or the general rule, `OutputLayer`), and each example's loss ℓᵢ.
        @inlinable
        func outputError(rows: Range<Int>) {
            let L = depth, c = h[L]
            for i in rows {
                output.outputError(activation: layer.a(L) + i * c, target: y + i * c, into: layer.delta(L) + i * c,
                                   count: c)
                losses[i] = output.exampleLoss(logits: logits + i * c, activation: layer.a(L) + i * c,
                                               target: y + i * c, count: c)
            }
        }

        /// Hidden errors, rows `rows`: Δˡ = (Δˡ⁺¹ (Wˡ⁺¹)ᵀ) ∘ σ′(Zˡ) for l = L−1…1, Wˡ⁺¹ read transposed and σ′
        /// computed from the stored Aˡ.
        @inlinable
        func hiddenErrors(rows: Range<Int>, products: Products) {
            let i0 = rows.lowerBound
            for l in stride(from: depth - 1, through: 1, by: -1) {
                products.run(.transposedWeights(l + 1), m: rows.count, n: h[l], k: h[l + 1],
                             a: Operand(layer.delta(l + 1) + i0 * h[l + 1], stride: h[l + 1]),
                             b: Operand(layer.w(l + 1), stride: h[l + 1], transposed: true),
                             c: layer.delta(l) + i0 * h[l], start: .zero,
                             epilogue: DerivativeEpilogue<Hidden>(activations: layer.a(l) + i0 * h[l], stride: h[l]))
            }
        }

        /// Weight gradient of layer l, rows `rows` of ∂Wˡ (units of layer l − 1): ∂Wˡ = (1/m) (Aˡ⁻¹)ᵀ Δˡ, a sum
        /// over all m examples in order, Aˡ⁻¹ read transposed.
        @inlinable
        func weightGradient(layer l: Int, rows: Range<Int>, products: Products) {
            let r0 = rows.lowerBound
            products.run(.errors(l), m: rows.count, n: h[l], k: examples,
                         a: Operand(layer.input(l, x: x), stride: h[l - 1], transposed: true).offset(row: r0, column: 0),
                         b: Operand(layer.delta(l), stride: h[l]), c: layer.gw(l) + r0 * h[l], start: .zero,
                         epilogue: ScaleEpilogue(scale))
        }

        /// Bias gradient of layer l, columns `columns` of ∂bˡ: ∂bˡ = (1/m) Σᵢ Δˡ[i, :], each column summed down all
        /// m rows in order.
        @inlinable
        func biasGradient(layer l: Int, columns: Range<Int>) {
            guard !columns.isEmpty else { return }
            let j = columns.lowerBound
            columnSums(rows: examples, columns: columns.count, layer.delta(l) + j, stride: h[l], scale: scale,
                       into: layer.gb(l) + j)
        }

        /// 𝓛 = (1/m) Σᵢ ℓᵢ, the losses added in example order as the loop engine adds them.
        @inlinable
        func meanLoss() -> Scalar {
            var sum: Scalar = 0
            for i in 0..<examples { sum += losses[i] }
            return sum * scale
        }
    }

    /// How a step's matrix products run: split over the pool's threads by tiles of C (a step on all m rows at
    /// once), or on one thread with op(B) read from the operands packed for the call (a step on a chunk of rows,
    /// run as a task of `BatchSchedule`).
    @usableFromInline
    struct Products {
        @usableFromInline let workspaces: [GEMMWorkspace<Scalar>]
        @usableFromInline let pool: WorkerPool?
        /// The thread running a task (its GEMM workspace), and the call's packed operands.
        @usableFromInline let part: Int
        @usableFromInline let packed: PackedOperands<Scalar>?

        /// Products split over `pool` (if any).
        @inlinable
        init(workspaces: [GEMMWorkspace<Scalar>], pool: WorkerPool?) {
            self.workspaces = workspaces; self.pool = pool; part = 0; packed = nil
        }

        /// Products on thread `part`, reading op(B) from `packed`.
        @inlinable
        init(workspaces: [GEMMWorkspace<Scalar>], part: Int, packed: PackedOperands<Scalar>) {
            self.workspaces = workspaces; pool = nil; self.part = part; self.packed = packed
        }

        /// C [m, n] (row stride n) = start + op(A) · op(B), then the epilogue; op(B) is `operand`.
        @inlinable @inline(__always)
        func run<E: TileEpilogue>(
            _ operand: PackedOperand, m: Int, n: Int, k: Int, a: Operand<Scalar>, b: Operand<Scalar>,
            c: UnsafeMutablePointer<Scalar>, start: GEMMStart<Scalar>, epilogue: E
        ) where E.Scalar == Scalar {
            if let packed {
                gemmSingleThread(m: m, n: n, k: k, a: a, b: b, c: c, ldc: n, start: start, epilogue: epilogue,
                                 rowOffset: 0, columnOffset: 0, workspace: workspaces[part],
                                 prepackedB: UnsafePointer(packed.pointer(operand)))
            } else {
                gemm(m: m, n: n, k: k, a: a, b: b, c: c, ldc: n, start: start, epilogue: epilogue,
                     workspaces: workspaces, pool: pool)
            }
        }
    }
}
