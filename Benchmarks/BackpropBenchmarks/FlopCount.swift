import Backprop

/// The floating-point operations one gradient call performs, counted from the operations the engines execute
/// (both perform exactly the same ones: the bitwise contract). An FMA counts as 2; σ itself (exp, division)
/// counts as 0, as BLAS and NumPy benchmarks count; so GFLOP/s measures the linear algebra (docs/performance.md).
///
/// With F = Σₗ h_{l−1}·h_l (weights), B = Σ_{l=2…L} h_{l−1}·h_l (weights used backwards) and H = Σ_{l<L} h_l
/// (hidden units), per batch of m examples:
///
///     forward           2·m·F                         (zⱼ = bⱼ + Σ aᵢ Wᵢⱼ: one FMA per weight and example)
///     output error      m·c·e                         (e = 1 for δᴸ = a − y; 4 for (a − y) ∘ a(1 − a))
///     hidden errors     2·m·B + m·H·(1 + s)           (the product, then ∘ σ′: 1 multiply, s for σ′ itself:
///                                                      2 for sigmoid a(1 − a) and tanh 1 − a², 0 for relu, identity)
///     weight gradients  2·m·F + F                     (one FMA per weight and example, then × 1/m)
///     bias gradients    m·(H + c) + (H + c)            (one addition per unit and example, then × 1/m)
public struct FlopCount: Equatable, Sendable {
    public var forward: Int
    public var outputError: Int
    public var hiddenErrors: Int
    public var weightGradients: Int
    public var biasGradients: Int

    public var total: Int { forward + outputError + hiddenErrors + weightGradients + biasGradients }

    public init(sizes: [Int], examples m: Int, hidden: Activation, output: OutputLayer) {
        let layers = sizes.count - 1
        let f = (1...layers).reduce(0) { $0 + sizes[$1 - 1] * sizes[$1] }
        let b = layers >= 2 ? (2...layers).reduce(0) { $0 + sizes[$1 - 1] * sizes[$1] } : 0
        let h = layers >= 2 ? (1..<layers).reduce(0) { $0 + sizes[$1] } : 0
        let c = sizes[layers]
        let e = output == .sigmoidSquaredError ? 4 : 1
        let s = (hidden == .sigmoid || hidden == .tanh) ? 2 : 0
        forward = 2 * m * f
        outputError = m * c * e
        hiddenErrors = 2 * m * b + m * h * (1 + s)
        weightGradients = 2 * m * f + f
        biasGradients = m * (h + c) + (h + c)
    }

    public init(_ benchmarkCase: BenchmarkCase) {
        self.init(sizes: benchmarkCase.sizes, examples: benchmarkCase.examples, hidden: benchmarkCase.hidden,
                  output: benchmarkCase.output)
    }
}
