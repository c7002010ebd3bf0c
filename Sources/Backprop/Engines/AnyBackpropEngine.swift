/// Any engine, behind one concrete type, without losing the concrete engine's speed.
///
/// Calling an engine through `any BackpropEngine<T>` reaches its generic implementation, compiled without knowing
/// T, which is many times slower for the library's engines. This wrapper is made where the concrete type is known
/// (`AnyBackpropEngine(LoopEngine<Double>())`): its initialiser is inlined there, so the closure it stores calls
/// the specialised code. Lists of engines (the benchmark, `backprop check`, the training loop) hold these.
public struct AnyBackpropEngine<Scalar: BackpropScalar>: BackpropEngine {
    public let name: String
    /// The wrapped engine's phase recorder, if it has one.
    public let recorder: (any RecordsPhases)?
    @usableFromInline let compute: (Network<Scalar>, Matrix<Scalar>, Matrix<Scalar>, inout Gradients<Scalar>) throws -> Void
    @usableFromInline let forward: (Network<Scalar>, Matrix<Scalar>) throws -> Matrix<Scalar>

    /// Wraps `engine`, under its own name or under `name` (the benchmark times a one-thread batch engine beside
    /// an N-thread one as "batch-1t").
    @inlinable
    public init<Engine: BackpropEngine>(_ engine: Engine, name: String? = nil) where Engine.Scalar == Scalar {
        self.name = name ?? engine.name
        recorder = engine as? any RecordsPhases
        compute = { network, inputs, targets, gradients in
            try engine.computeGradients(of: network, inputs: inputs, targets: targets, into: &gradients)
        }
        forward = { network, inputs in try engine.outputs(of: network, inputs: inputs) }
    }

    @inlinable
    public func computeGradients(
        of network: Network<Scalar>, inputs: Matrix<Scalar>, targets: Matrix<Scalar>,
        into gradients: inout Gradients<Scalar>
    ) throws {
        try compute(network, inputs, targets, &gradients)
    }

    @inlinable
    public func outputs(of network: Network<Scalar>, inputs: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try forward(network, inputs)
    }
}
