import Backprop
import BackpropBenchmarks
import CommandSupport
import Foundation

/// `backprop bench-kernels` (formerly `bench-kernels`): GFLOP/s of the matrix kernels, one row per kernel,
/// precision and shape, with the teaching ladder (naive → unit-stride → reordered → blocked → packed) in the same table.
enum BenchKernelsCommand: Subcommand {
    static let name = "bench-kernels"
    static let summary = "time the matrix kernels: the GEMM ladder, and the products at the engines' shapes"

    static var options: [OptionSpec] {
        [OptionSpec("precision", value: "P", help: "double, float, both (default both)"),
         OptionSpec("seed", value: "S", help: "seed of the matrices' elements (default 1)"),
         OptionSpec("compare", value: "numpy", help: "also time NumPy's A @ B on the square shapes"),
         OptionSpec("filter", value: "TEXT", help: "only the rows whose kernel or shape mentions TEXT (comma-separated alternatives)"),
         OptionSpec("roofline", value: "FILE", help: "also draw the roofline as SVG: the measured peak and bandwidths, every kernel, and both engines' phases at m = 1…1024")]
            + TimingOptions.specs(threads: "threads of the products", quick: "a few seconds: the small shapes, short samples (a smoke test)")
    }

    static func run(_ arguments: ParsedArguments, context: CommandContext) throws -> Int32 {
        let console = context.console
        let precisions: [Precision] = switch try arguments.choice("precision", ["double", "float", "both"], default: "both") {
        case "double": [.double]
        case "float": [.float]
        default: Precision.allCases
        }
        let (threads, format, settings, quick) = try TimingOptions.parse(arguments, seed: try arguments.seed(default: 1))
        let peak = try TimingOptions.peakRates(arguments)
        var cases = KernelBenchmark.defaultCases(precisions: precisions, threads: threads)
        if quick { cases = cases.filter { $0.m * $0.n * $0.k <= 256 * 256 * 256 && $0.kernel != "naive" } }
        if let filter = arguments.string("filter") {
            let words = filter.split(separator: ",").map(String.init)
            cases = cases.filter { c in words.contains { c.label.contains($0) || c.role.contains($0) } }
        }
        // The roofline needs the read probes, the matrix–vector kernels and the GEMM at m = 1…1024, whatever the
        // filter kept.
        let rooflinePath = arguments.string("roofline")
        if let rooflinePath {
            try AtomicFile.ensureWritable(rooflinePath)
            let needed = KernelBenchmark.defaultCases(precisions: precisions, threads: [1]).filter {
                $0.kernel == "read" || $0.kernel.hasPrefix("gemv") || $0.kernel == "rank1-update"
                    || $0.kernel == "packed" && $0.role == "square"
            } + precisions.flatMap { p in Roofline.gemmCases(sizes: [784, 30, 10], precision: p) + Roofline.gemmCases(sizes: [784, 256, 128, 10], precision: p) }
            cases += needed.filter { !cases.contains($0) }
        }

        // With --compare numpy, NumPy's A @ B is timed on the packed kernel's square shapes, sample for sample.
        var numpy: NumPyReference?
        if let compare = arguments.string("compare") {
            guard compare == "numpy" else { throw UsageError("--compare: '\(compare)' is not numpy") }
            switch NumPyReference.locate() {
            case .success(let reference): numpy = reference
            case .failure(let refusal): console.note(refusal.message)
            }
        }
        if MachineInfo.isDebugBuild {
            console.note("WARNING: this is a DEBUG build; its timings mean nothing. Run: swift run -c release backprop bench-kernels")
        }
        var results: [KernelResult] = []
        let cpuAtStart = HostCPUTime.now()
        for (index, kernelCase) in cases.enumerated() {
            console.progress("[\(index + 1)/\(cases.count)] \(kernelCase.label) \(kernelCase.precision) \(kernelCase.m)×\(kernelCase.n)×\(kernelCase.k)")
            var external: ExternalTimer?
            if let numpy, kernelCase.kernel == "packed", kernelCase.role == "square" {
                do {
                    external = try numpy.prepareMatmul(precision: kernelCase.precision.rawValue, m: kernelCase.m, n: kernelCase.n,
                                                       k: kernelCase.k, threads: kernelCase.threads, settings: settings)
                } catch let refusal as BenchmarkRefusal {
                    console.note(refusal.message)
                }
            }
            do {
                results += try KernelBenchmark.run(kernelCase, settings: settings, external: external)
            } catch let refusal as BenchmarkRefusal {
                console.note(refusal.message)
                results += try KernelBenchmark.run(kernelCase, settings: settings)
            }
        }
        console.endProgress()
        let numpyDescription = numpy?.description

        let machine = MachineInfo.current()
        func numpyRate(_ c: KernelCase) -> Double? {
            // Independent products are the machine's ceiling, not one product: no ratio to NumPy's one.
            guard c.kernel != "packed-independent" else { return nil }
            return results.first { $0.kernelCase.kernel == "numpy-matmul" && $0.kernelCase.precision == c.precision
                && $0.kernelCase.m == c.m && $0.kernelCase.n == c.n && $0.kernelCase.k == c.k && $0.kernelCase.threads == c.threads
                && !c.transposeA && !c.transposeB }?.gigaflops
        }
        switch format {
        case "csv":
            console.note("backprop bench-kernels: \(machine.summary)")
            console.line("kernel,precision,m,n,k,threads,median_seconds,gflops,gbytes_per_second,host_steal_percent")
            for r in results {
                let c = r.kernelCase
                let name = c.kernel + (c.transposeA ? "-AtB" : c.transposeB ? "-ABt" : "")
                console.line("\(name),\(c.precision),\(c.m),\(c.n),\(c.k),\(c.threads),\(String(format: "%.6g", r.timing.median)),\(String(format: "%.4g", r.gigaflops)),\(r.gigabytesPerSecond.map { String(format: "%.4g", $0) } ?? ""),\(r.hostSteal.map { String(format: "%.4g", 100 * $0) } ?? "")")
            }
        case "json":
            struct Row: Encodable { var kernel: String, precision: String, m: Int, n: Int, k: Int, threads: Int, median_seconds: Double, gflops: Double, gbytes_per_second: Double?, host_steal_percent: Double?, role: String }
            struct Report: Encodable { var machine: MachineInfo; var results: [Row] }
            let rows = results.map { r in
                let c = r.kernelCase
                return Row(kernel: c.kernel + (c.transposeA ? "-AtB" : c.transposeB ? "-ABt" : ""), precision: c.precision.rawValue,
                           m: c.m, n: c.n, k: c.k, threads: c.threads, median_seconds: r.timing.median, gflops: r.gigaflops, gbytes_per_second: r.gigabytesPerSecond,
                           host_steal_percent: r.hostSteal.map { 100 * $0 }, role: c.role)
            }
            console.write(String(decoding: try JSONCoding.encode(Report(machine: machine, results: rows)), as: UTF8.self) + "\n")
        default:
            console.line("backprop bench-kernels: \(machine.summary)")
            console.line("peak (\(peak.source), one thread): \(String(format: "%.1f", peak.double)) GFLOP/s double, \(String(format: "%.1f", peak.float)) float" + (numpyDescription.map { "; reference: \($0)" } ?? ""))
            console.line()
            var rows: [[String]] = []
            // Where the system counts it: the share of the time the CPUs wanted to run that the host took.
            let counted = results.contains { $0.hostSteal != nil }
            for r in results {
                let c = r.kernelCase
                let share = 100 * r.gigaflops / peak.peak(c.precision, threads: c.threads)
                var row = [c.label, c.precision.rawValue, String(c.m), String(c.n), String(c.k), String(c.threads),
                           String(format: "%.3g µs", r.timing.median * 1e6), String(format: "%.1f", r.gigaflops),
                           String(format: "%.0f%%", share), numpyRate(c).map { String(format: "%.2f×", r.gigaflops / $0) } ?? "",
                           r.gigabytesPerSecond.map { String(format: "%.1f", $0) } ?? ""]
                if counted { row.append(r.hostSteal.map { String(format: "%.1f%%", 100 * $0) } ?? "-") }
                rows.append(row + [c.role])
            }
            let header = ["kernel", "precision", "m", "n", "k", "thr", "median", "GFLOP/s", "% peak", "vs NumPy", "GB/s"]
                + (counted ? ["steal"] : []) + ["shape"]
            console.line(BenchmarkTable.render(header, rows, rightAligned: Set(2..<(counted ? 12 : 11))))
            if let cpuAtStart, let share = HostCPUTime.now()?.stolenShare(since: cpuAtStart),
               let worst = results.filter({ $0.hostSteal != nil }).max(by: { $0.hostSteal! < $1.hostSteal! }) {
                let c = worst.kernelCase
                let percent = { (share: Double) in String(format: "%.1f%%", 100 * share) }
                console.line()
                console.line("steal = the share of the time this machine's CPUs wanted to run that the host took, while a row's samples ran: \(percent(share)) over the whole run, at most \(percent(worst.hostSteal!)) (\(c.label) \(c.precision) \(c.m)×\(c.n)×\(c.k), \(c.threads) thread\(c.threads == 1 ? "" : "s")).")
            }
        }
        if let rooflinePath {
            var panels: [RooflineChart.Panel] = []
            for precision in precisions {
                let ceilings = Roofline.ceilings(results, precision: precision, peak: peak.peak(precision, threads: 1))
                let kernels = Roofline.kernelPoints(results, precision: precision)
                for sizes in [[784, 30, 10], [784, 256, 128, 10]] {
                    console.progress("roofline: both engines' phases on \(Network<Double>.describe(sizes)), \(precision)")
                    let engines = try precision == .double
                        ? Roofline.enginePoints(Double.self, sizes: sizes, settings: settings)
                        : Roofline.enginePoints(Float.self, sizes: sizes, settings: settings)
                    let name = Network<Double>.describe(sizes)
                    // The GEMM at this network's forward shape only.
                    let gemm = kernels.filter { point in
                        !point.group.hasPrefix("GEMM at") || results.contains { r in
                            r.kernelCase.role.hasPrefix(name + " forward Z1 for the roofline")
                                && "\(r.kernelCase.m)×\(r.kernelCase.n)×\(r.kernelCase.k)" == point.label
                        }
                    }
                    panels.append(RooflineChart.Panel(title: "\(name), \(precision)", ceilings: ceilings, points: gemm + engines))
                }
            }
            console.endProgress()
            let subtitle = "\(machine.cpu), one thread; peak and bandwidths measured; bytes counted as each matrix once per call (the loop engine: W and ∂W once per example)"
            try AtomicFile.write(Data(RooflineChart(panels: panels, subtitle: subtitle).svg().utf8), to: rooflinePath)
            console.note("wrote \(rooflinePath)")
        }
        return 0
    }
}
