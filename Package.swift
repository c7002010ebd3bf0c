// swift-tools-version: 6.2
//
// Backprop: one example at a time, or all m at once.
//
// No package dependencies: only the Swift toolchain (stdlib, Foundation, Glibc, Dispatch, Swift Testing) and the
// system's zlib (to read gzip files as MNIST and Fashion-MNIST are distributed).
//
// Code generation. Swift on x86-64 Linux compiles for baseline x86-64 (SSE2, no FMA) unless it is told a CPU,
// and then every fused multiply-add becomes a call into libm. The kernels are written with explicit FMA, so we
// compile for the machine that builds the package (`-target-cpu native`, like `-march=native`): AVX2 and FMA on
// a machine that has them, correct (slower) code on one that does not. Results are the same either way, because
// an FMA is correctly rounded whether the hardware or libm computes it. Set BACKPROP_TARGET_CPU to choose another
// CPU (e.g. `x86-64` to try the baseline path, or `haswell` to build for other machines); `none` passes no flag.
// swift-tools-version 6.2 lets a package carry such `unsafeFlags` without blocking packages that depend on it.
//
// AVX-512. Swift has no `#if` on the target's features, so the package tells the GEMM which register tile to use:
// BACKPROP_AVX512 is defined when the target CPU has AVX-512 (32 vector registers, a larger tile; see
// Sources/Backprop/Kernels/GEMM/GEMMBlocking.swift). For `native`, the building machine's /proc/cpuinfo says (a
// hypervisor that hides AVX-512 from the guest hides it there and from the compiler alike); for a named CPU, the
// list below of LLVM's names of CPUs that have it. BACKPROP_AVX512=1 or 0 overrides either. The results are the
// same bits with either tile; only the speed differs.
import Foundation
import PackageDescription

let targetCPU = Context.environment["BACKPROP_TARGET_CPU"] ?? "native"
// The choice is also compiled in (BACKPROP_TARGET_CPU_NATIVE, …) so that `backprop bench` can print it.
let targetCPUName = String(targetCPU.uppercased().map { $0.isLetter || $0.isNumber ? $0 : "_" })
let avx512CPUs: Set<String> = [
    "skylake-avx512", "cascadelake", "cooperlake", "cannonlake", "icelake-client", "icelake-server", "tigerlake",
    "rocketlake", "sapphirerapids", "emeraldrapids", "graniterapids", "graniterapids-d", "znver4", "znver5",
    "skx", "diamondrapids", "knl", "knm",
]
func targetHasAVX512() -> Bool {
    if let choice = Context.environment["BACKPROP_AVX512"] { return choice == "1" }
    guard targetCPU == "native" else { return avx512CPUs.contains(targetCPU) }
    guard let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
          let flags = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return false }
    return flags.split(separator: " ").contains("avx512f")
}
let codeGeneration: [SwiftSetting] = (targetCPU == "none"
    ? [.define("BACKPROP_TARGET_CPU_NONE")]
    : [.unsafeFlags(["-target-cpu", targetCPU]), .define("BACKPROP_TARGET_CPU_\(targetCPUName)")])
    + (targetHasAVX512() ? [.define("BACKPROP_AVX512")] : [])

let package = Package(
    name: "Backprop",
    // Synchronization's atomics (the worker pool) need macOS 15 on Apple platforms; Linux has no such floor.
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Backprop", targets: ["Backprop"]),
        .executable(name: "backprop", targets: ["BackpropTool"]),
    ],
    targets: [
        // The system's zlib: Debian's zlib1g-dev (which the Swift toolchain itself requires on Linux), macOS's SDK.
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]),
        // The library: the network description, the two engines and their readable forms, the kernels, the
        // finite-difference oracle, training, the file formats. What `import Backprop` gives.
        .target(name: "Backprop", dependencies: ["CZlib"], swiftSettings: codeGeneration),
        // The data sets shipped with the project (digits, iris), as resources.
        .target(
            name: "BackpropDatasets",
            dependencies: ["Backprop"],
            resources: [.copy("Data")],
            swiftSettings: codeGeneration),
        // The exercises: the functions a student writes (as `StudentSubmission`), the mistakes students make, and
        // the step checker behind `backprop exercises`.
        .target(name: "BackpropExercises", dependencies: ["Backprop", "CommandSupport"], swiftSettings: codeGeneration),
        // The student's work: the exercises' functions, checked by `backprop exercises`.
        .target(name: "StudentWork", dependencies: ["Backprop", "BackpropExercises"], swiftSettings: codeGeneration),
        // What the commands and the benchmark print with: text tables, number formats, files written atomically.
        .target(name: "CommandSupport", dependencies: ["Backprop"]),
        // The benchmark harness: cases as data, honest timing, tables, CSV/JSON, SVG, the NumPy bridge.
        .target(
            name: "BackpropBenchmarks",
            dependencies: ["Backprop", "CommandSupport"],
            path: "Benchmarks/BackpropBenchmarks",
            swiftSettings: codeGeneration),
        // Every `backprop` subcommand as library code, so tests can run them in-process.
        .target(
            name: "BackpropCommands",
            dependencies: ["Backprop", "BackpropBenchmarks", "BackpropDatasets", "BackpropExercises", "CommandSupport",
                           "StudentWork"],
            swiftSettings: codeGeneration),
        // The `backprop` executable: parses nothing itself, hands the arguments to BackpropCommands.
        .executableTarget(
            name: "BackpropTool",
            dependencies: ["BackpropCommands"],
            swiftSettings: codeGeneration),

        // Allocation counting for the no-allocation test: a C interposer of malloc and friends (Linux), and a probe
        // executable that runs the engines in steady state. Test support only; the library never links them.
        .target(name: "MallocCounter", path: "Tests/AllocationProbe/MallocCounter"),
        .executableTarget(
            name: "AllocationProbe",
            dependencies: ["Backprop", "MallocCounter"],
            path: "Tests/AllocationProbe/Probe",
            swiftSettings: codeGeneration,
            linkerSettings: [.unsafeFlags(["-Xlinker", "--export-dynamic"], .when(platforms: [.linux]))]),

        // The exercises' solutions and a catalogue of wrong ones (never shipped in Sources/StudentWork), and the
        // `backprop` command with one of them in the student's place, for the checker's tests.
        .target(name: "ExerciseSolutions", dependencies: ["Backprop", "BackpropExercises"], path: "Tests/ExerciseSolutions"),
        .executableTarget(
            name: "backprop-fixture",
            dependencies: ["BackpropCommands", "BackpropExercises", "ExerciseSolutions"],
            path: "Tests/CheckedSubmission"),

        // Test support, shared by the test targets and never shipped: files written the way they are distributed
        // (gzip, the IDX image sets), engine test cases, and the bit-for-bit comparison of gradients.
        .target(name: "TestSupport", dependencies: ["Backprop"], path: "Tests/TestSupport"),

        .testTarget(
            name: "BackpropTests",
            dependencies: ["Backprop", "CZlib", "TestSupport"],
            swiftSettings: codeGeneration),
        .testTarget(
            name: "BackpropExercisesTests",
            dependencies: ["Backprop", "BackpropExercises", "ExerciseSolutions", "TestSupport"],
            swiftSettings: codeGeneration),
        .testTarget(
            name: "CommandSupportTests",
            dependencies: ["CommandSupport", "TestSupport"]),
        .testTarget(
            name: "BackpropDatasetsTests",
            dependencies: ["BackpropDatasets"],
            swiftSettings: codeGeneration),
        .testTarget(
            name: "BackpropBenchmarksTests",
            dependencies: ["BackpropBenchmarks"],
            swiftSettings: codeGeneration),
        .testTarget(
            name: "BackpropCommandsTests",
            dependencies: ["BackpropCommands", "BackpropTool", "AllocationProbe",
                           "BackpropExercises", "ExerciseSolutions", "TestSupport", "backprop-fixture"],
            swiftSettings: codeGeneration),
    ]
)
