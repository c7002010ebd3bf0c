import Backprop

/// The two engines a command compares or trains with, in either precision, sharing the command's threads.
public protocol EngineFactory: Sendable {
    /// The loop engine (the reference) and the batch engine, the batch engine on `pool`'s threads (one without).
    func engines<T: BackpropScalar>(_: T.Type, pool: WorkerPool?) -> (loop: AnyBackpropEngine<T>, batch: AnyBackpropEngine<T>)
}

/// The library's `LoopEngine` and `BatchEngine`.
public struct LibraryEngines: EngineFactory {
    public init() {}

    public func engines<T: BackpropScalar>(_: T.Type, pool: WorkerPool?) -> (loop: AnyBackpropEngine<T>, batch: AnyBackpropEngine<T>) {
        (AnyBackpropEngine(LoopEngine<T>()), AnyBackpropEngine(BatchEngine<T>(pool: pool)))
    }
}
