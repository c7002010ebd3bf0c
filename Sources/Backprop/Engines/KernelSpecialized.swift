/// An engine whose passes are generic over the hidden layers' activation kernel, so that the compiler builds one
/// pass per σ with σ and σ′ inlined into its loops, rather than one pass that chooses σ for every element.
///
/// The choice of kernel for `network.hidden` is made here, once per pass, for both engines.
@usableFromInline
protocol KernelSpecialized: BackpropEngine, AnyObject {
    /// Makes the workspace fit `network` and a batch of `examples` rows (grown, never shrunk).
    func prepareWorkspace(for network: Network<Scalar>, examples: Int)

    /// Backpropagation over the rows of X `[m, h_0]` and Y `[m, c]` with σ = `Hidden`, into `gradients`.
    /// - Precondition: the inputs fit the network, `gradients` is prepared for it, the workspace is ready.
    func run<Hidden: ActivationKernel>(
        _: Hidden.Type, _ network: Network<Scalar>, _ inputs: Matrix<Scalar>, _ targets: Matrix<Scalar>,
        _ gradients: inout Gradients<Scalar>
    ) where Hidden.Scalar == Scalar

    /// The forward pass alone over the rows of X `[m, h_0]` with σ = `Hidden`, Aᴸ into `outputs` `[m, c]`.
    /// - Precondition: the inputs fit the network, `outputs` is `[m, c]`, the workspace is ready.
    func forward<Hidden: ActivationKernel>(
        _: Hidden.Type, _ network: Network<Scalar>, _ inputs: Matrix<Scalar>, into outputs: inout Matrix<Scalar>
    ) where Hidden.Scalar == Scalar
}

extension KernelSpecialized {
    /// Backpropagation over the rows of X and Y into `gradients`: the inputs checked, the workspace made ready, and
    /// `run` with the kernel of `network.hidden`.
    /// - Throws: `BackpropError` if X or Y does not fit the network.
    @inlinable
    func specializedGradients(
        _ network: Network<Scalar>, _ inputs: Matrix<Scalar>, _ targets: Matrix<Scalar>,
        _ gradients: inout Gradients<Scalar>
    ) throws {
        try network.validate(inputs: inputs, targets: targets)
        gradients.prepare(for: network)
        prepareWorkspace(for: network, examples: inputs.rows)
        run(network, inputs, targets, &gradients)
    }

    /// The outputs Aᴸ `[m, c]` for the rows of X: the inputs checked, the workspace made ready, and `forward` with
    /// the kernel of `network.hidden`.
    /// - Throws: `BackpropError` if X does not fit the network.
    @inlinable
    func specializedOutputs(_ network: Network<Scalar>, _ inputs: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try network.validate(inputs: inputs)
        var outputs = Matrix<Scalar>(rows: inputs.rows, columns: network.outputCount)
        guard inputs.rows > 0 else { return outputs }
        prepareWorkspace(for: network, examples: inputs.rows)
        forward(network, inputs, into: &outputs)
        return outputs
    }

    /// `run` with the kernel of `network.hidden`.
    @inlinable
    func run(
        _ network: Network<Scalar>, _ inputs: Matrix<Scalar>, _ targets: Matrix<Scalar>,
        _ gradients: inout Gradients<Scalar>
    ) {
        switch network.hidden {
        case .sigmoid: run(SigmoidKernel<Scalar>.self, network, inputs, targets, &gradients)
        case .tanh: run(TanhKernel<Scalar>.self, network, inputs, targets, &gradients)
        case .relu: run(ReluKernel<Scalar>.self, network, inputs, targets, &gradients)
        case .identity: run(IdentityKernel<Scalar>.self, network, inputs, targets, &gradients)
        }
    }

    /// `forward` with the kernel of `network.hidden`.
    @inlinable
    func forward(_ network: Network<Scalar>, _ inputs: Matrix<Scalar>, into outputs: inout Matrix<Scalar>) {
        switch network.hidden {
        case .sigmoid: forward(SigmoidKernel<Scalar>.self, network, inputs, into: &outputs)
        case .tanh: forward(TanhKernel<Scalar>.self, network, inputs, into: &outputs)
        case .relu: forward(ReluKernel<Scalar>.self, network, inputs, into: &outputs)
        case .identity: forward(IdentityKernel<Scalar>.self, network, inputs, into: &outputs)
        }
    }
}
