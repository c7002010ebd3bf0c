import Foundation
import Testing
@testable import BackpropBenchmarks

@Suite("NumPy reference co-process")
struct NumPyReferenceTests {
    @Test("its environment limits BLAS to the thread count and keeps idle BLAS threads from spinning", arguments: [1, 2])
    func environment(threads: Int) {
        let environment = NumPyReference.environment(threads: threads)
        for name in ["OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"] {
            #expect(environment[name] == String(threads), "\(name)")
        }
        #expect(environment["OPENBLAS_CORETYPE"] == nil && environment["OPENBLAS_L2_SIZE"] == nil)
        let inherited = ProcessInfo.processInfo.environment["OPENBLAS_THREAD_TIMEOUT"]
        #expect(environment["OPENBLAS_THREAD_TIMEOUT"] == (inherited ?? "20"))
    }
}
