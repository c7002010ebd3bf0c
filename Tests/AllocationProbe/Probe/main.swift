// Counts the heap allocations of the engines in steady state: after a warm-up call (which sizes the workspaces),
// every further call on the same shapes must allocate nothing. Run by AllocationTests.swift as a subprocess (so
// that no other test allocates at the same time); prints one line per configuration: "<name> <allocations>".
import Backprop
import MallocCounter
#if canImport(Glibc)
import Glibc
#endif

/// `ALLOCATION_PROBE_TRACE=1` prints the call stack of every steady-state allocation to standard error.
let traces = getenv("ALLOCATION_PROBE_TRACE") != nil

func steadyState<Engine: BackpropEngine>(_ engine: Engine, _ sizes: [Int], m: Int, calls: Int = 20) throws -> Int {
    let network = try Network<Engine.Scalar>(sizes: sizes, hidden: .sigmoid, output: .softmaxCrossEntropy, seed: 1)
    let batch = Batch.synthetic(for: network, examples: m, seed: 2)
    var gradients = Gradients(zeroFor: network)
    try engine.computeGradients(of: network, inputs: batch.inputs, targets: batch.targets, into: &gradients)
    try engine.computeGradients(of: network, inputs: batch.inputs, targets: batch.targets, into: &gradients)
    let before = malloc_counter_allocations()
    malloc_counter_trace(traces ? 1 : 0)
    for _ in 0..<calls {
        try engine.computeGradients(of: network, inputs: batch.inputs, targets: batch.targets, into: &gradients)
    }
    malloc_counter_trace(0)
    return malloc_counter_allocations() - before
}

let shapes: [[Int]] = [[784, 30, 10], [7, 33, 5, 3], [5, 3]]
var lines: [String] = []
for sizes in shapes {
    // 256 examples only for the first shape: the packed GEMM path, split over 2 threads.
    for m in sizes == shapes[0] ? [1, 3, 64, 256] : [1, 3, 64] {
        let name = Network<Double>.describe(sizes) + " m=\(m)"
        lines.append("loop-double \(name) \(try steadyState(LoopEngine<Double>(), sizes, m: m))")
        lines.append("loop-float \(name) \(try steadyState(LoopEngine<Float>(), sizes, m: m))")
        lines.append("batch-double \(name) \(try steadyState(BatchEngine<Double>(), sizes, m: m))")
        lines.append("batch-float \(name) \(try steadyState(BatchEngine<Float>(), sizes, m: m))")
        lines.append("batch-2threads-double \(name) \(try steadyState(BatchEngine<Double>(threads: 2), sizes, m: m))")
    }
}
print("probe-sanity \(malloc_counter_allocations() > 0 ? 0 : 1)")  // the counter must have seen the set-up
for line in lines { print(line) }
