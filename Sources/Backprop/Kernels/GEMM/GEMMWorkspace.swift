/// The packing buffers and the edge tile of one thread, reused across calls.
@usableFromInline
final class GEMMWorkspace<Scalar: BackpropScalar> {
    @usableFromInline let packedA = AlignedBuffer<Scalar>()
    @usableFromInline let packedB = AlignedBuffer<Scalar>()
    /// The packed B panel the threads of a row-split product fill together (kept by the first thread's workspace).
    @usableFromInline let sharedB = AlignedBuffer<Scalar>()
    @usableFromInline let edgeTile = AlignedBuffer<Scalar>(
        capacity: GEMMBlocking<Scalar>.mr * GEMMBlocking<Scalar>.nr)
    /// The parallel jobs made so far, one per type (see `gemm`): kept by the first thread's workspace.
    @usableFromInline var parallelJobs: [ObjectIdentifier: AnyObject] = [:]
    @usableFromInline init() {}

    /// The job of type `Job`, made by `make` the first time.
    @inlinable
    func parallelJob<Job: AnyObject>(_ type: Job.Type, make: () -> Job) -> Job {
        if let job = parallelJobs[ObjectIdentifier(type)] { return unsafeDowncast(job, to: Job.self) }
        let job = make()
        parallelJobs[ObjectIdentifier(type)] = job
        return job
    }
}

extension GEMMWorkspace {
    /// One workspace for each thread of `pool` (the calling one included), or one for the calling thread alone.
    @usableFromInline
    static func perThread(of pool: WorkerPool?) -> [GEMMWorkspace] {
        (0..<(pool?.threadCount ?? 1)).map { _ in GEMMWorkspace() }
    }
}
