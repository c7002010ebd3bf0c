import Backprop

/// Each mistake made in one step, around the readable matrix form: on the step's own inputs, the output a student's
/// step with that mistake returns (to rounding: the checker compares to a relative 1e-9, not bit for bit). Each
/// returns nil for a mistake of another step, and where these inputs cannot show the mistake (a transposed square
/// matrix needs a square one).
extension Mistake {
    /// Zˡ from Aˡ⁻¹ `[m, h_{l−1}]`, Wˡ `[h_{l−1}, h_l]`, bˡ `[h_l]`, with this mistake made.
    func forward(_ a: Matrix<Double>, _ w: Matrix<Double>, _ b: [Double]) -> Matrix<Double>? {
        let k = a.columns
        switch self {
        case .missingBias: return MatrixForm.forward(a, w, b.map { _ in 0 })
        case .transposedWeights: return w.rows == w.columns ? MatrixForm.forward(a, w.transposed, b) : nil
        case .biasIndexedByExample:
            guard a.rows <= b.count else { return nil }
            return Matrix((0..<a.rows).map { i in
                MatrixForm.forward(a.rows(i..<i + 1), w, Array(repeating: b[i], count: w.columns)).elements
            })
        case .biasInsideSum: return MatrixForm.forward(a, w, b.map { $0 * Double(k) })
        case .sumSkipsFirst: return k > 1 ? MatrixForm.forward(a.columns(1..<k), w.rows(1..<k), b) : nil
        case .sumSkipsLast: return k > 1 ? MatrixForm.forward(a.columns(0..<k - 1), w.rows(0..<k - 1), b) : nil
        case .sumNotReset:
            // Each element's sum starts where the previous one's ended (less its bias), in row-major order.
            let sums = MatrixForm.forward(a, w, b.map { _ in 0 }).runningSums
            return Matrix(rows: sums.rows, columns: sums.columns,
                          elements: sums.elements.indices.map { sums.elements[$0] + b[$0 % sums.columns] })
        default: return nil
        }
    }

    /// Δᴸ from Aᴸ and Y `[m, c]`, with this mistake made, for the output layer `layer`.
    func outputError(_ a: Matrix<Double>, _ y: Matrix<Double>, layer: OutputLayer) -> Matrix<Double>? {
        switch self {
        case .extraDerivativeAtOutput:
            return MatrixForm.outputError(a, y, layer: layer).multiplied(by: a.map { $0 * (1 - $0) })
        case .outputActivationAppliedTwice:
            return MatrixForm.outputError(MatrixForm.activations(a, hidden: nil, output: layer), y, layer: layer)
        default: return nil
        }
    }

    /// Δˡ from Δˡ⁺¹ `[m, h_{l+1}]`, Wˡ⁺¹ `[h_l, h_{l+1}]`, Aˡ `[m, h_l]` and σ, with this mistake made.
    func hiddenError(_ d: Matrix<Double>, _ w: Matrix<Double>, _ a: Matrix<Double>,
                     _ hidden: Activation) -> Matrix<Double>? {
        let k = d.columns
        // Δˡ⁺¹ (Wˡ⁺¹)ᵀ alone: identity's σ′ is 1.
        var product: Matrix<Double> { MatrixForm.hiddenError(d, w, a, .identity) }
        switch self {
        case .untransposedWeights: return w.rows == w.columns ? MatrixForm.hiddenError(d, w.transposed, a, hidden) : nil
        case .missingDerivative: return product
        case .derivativeOfActivation: return MatrixForm.hiddenError(d, w, a.map { hidden.value($0) }, hidden)
        case .activationForDerivative: return product.multiplied(by: a)
        case .valueForDerivative: return product.multiplied(by: a.map { hidden.value($0) })
        case .sigmoidDerivativeAlways: return MatrixForm.hiddenError(d, w, a, .sigmoid)
        case .derivativeTransposed:
            guard a.rows == a.columns else { return nil }
            return product.multiplied(by: a.transposed.map { hidden.derivative(fromActivation: $0) })
        case .sumSkipsFirst: return k > 1 ? MatrixForm.hiddenError(d.columns(1..<k), w.columns(1..<k), a, hidden) : nil
        case .sumSkipsLast: return k > 1 ? MatrixForm.hiddenError(d.columns(0..<k - 1), w.columns(0..<k - 1), a, hidden) : nil
        case .sumNotReset: return product.runningSums.multiplied(by: a.map { hidden.derivative(fromActivation: $0) })
        default: return nil
        }
    }

    /// ∂Wˡ from Aˡ⁻¹ `[m, h_{l−1}]` and Δˡ `[m, h_l]`, with this mistake made.
    func weightGradient(_ a: Matrix<Double>, _ d: Matrix<Double>) -> Matrix<Double>? {
        let m = a.rows
        let mean = MatrixForm.weightGradient(a, d)
        // The sum of the examples `rows`, over m: the mean with some examples left out.
        func some(_ rows: Range<Int>) -> Matrix<Double> {
            rows.isEmpty ? mean.map { _ in 0 }
                : MatrixForm.weightGradient(a.rows(rows), d.rows(rows)).map { $0 * Double(rows.count) / Double(m) }
        }
        switch self {
        case .missingMean: return mean.map { $0 * Double(m) }
        case .meanOverMMinusOne: return m > 1 ? mean.map { $0 * Double(m) / Double(m - 1) } : nil
        case .lastExampleOnly: return m > 1 ? some(m - 1..<m) : nil
        case .firstExampleOnly: return m > 1 ? some(0..<1) : nil
        case .oneExampleFormula: return m > 1 ? MatrixForm.weightGradient(a.rows(0..<1), d.rows(0..<1)) : nil
        case .sumSkipsFirst: return some(1..<m)
        case .sumSkipsLast: return some(0..<m - 1)
        case .sumNotReset: return mean.map { $0 * Double(m) }.runningSums.map { $0 / Double(m) }
        case .sumsMultiplied:
            guard m > 1 else { return nil }
            let columnSums = (MatrixForm.biasGradient(a), MatrixForm.biasGradient(d))
            return Matrix((0..<a.columns).map { k in (0..<d.columns).map { j in columnSums.0[k] * columnSums.1[j] * Double(m) } })
        default: return nil
        }
    }

    /// ∂bˡ from Δˡ `[m, h_l]`, with this mistake made.
    func biasGradient(_ d: Matrix<Double>) -> [Double]? {
        let m = d.rows
        let mean = MatrixForm.biasGradient(d)
        func some(_ rows: Range<Int>) -> [Double] {
            rows.isEmpty ? mean.map { _ in 0 }
                : MatrixForm.biasGradient(d.rows(rows)).map { $0 * Double(rows.count) / Double(m) }
        }
        switch self {
        case .missingMean: return mean.map { $0 * Double(m) }
        case .meanOverMMinusOne: return m > 1 ? mean.map { $0 * Double(m) / Double(m - 1) } : nil
        case .biasSummedOverUnits: return MatrixForm.biasGradient(d.transposed).map { $0 * Double(d.columns) / Double(m) }
        case .lastExampleOnly: return m > 1 ? some(m - 1..<m) : nil
        case .firstExampleOnly: return m > 1 ? some(0..<1) : nil
        case .oneExampleFormula: return m > 1 ? d.row(0) : nil
        case .sumSkipsFirst: return some(1..<m)
        case .sumSkipsLast: return some(0..<m - 1)
        case .sumNotReset:
            let sums = Matrix(rows: 1, columns: mean.count, elements: mean.map { $0 * Double(m) }).runningSums
            return sums.elements.map { $0 / Double(m) }
        default: return nil
        }
    }
}

extension Matrix where Scalar == Double {
    /// Rows `range` as a matrix.
    func rows(_ range: Range<Int>) -> Matrix<Double> {
        Matrix(rows: range.count, columns: columns, elements: Array(elements[range.lowerBound * columns ..< range.upperBound * columns]))
    }

    /// Columns `range` as a matrix.
    func columns(_ range: Range<Int>) -> Matrix<Double> {
        Matrix(rowArrays.map { Array($0[range]) })
    }

    /// The element-wise (Hadamard) product with a matrix of the same shape.
    func multiplied(by other: Matrix<Double>) -> Matrix<Double> {
        Matrix(rows: rows, columns: columns, elements: zip(elements, other.elements).map { $0 * $1 })
    }

    /// Each element plus all the elements before it in row-major order: a running sum never reset.
    var runningSums: Matrix<Double> {
        var total = 0.0
        return map { total += $0; return total }
    }
}
