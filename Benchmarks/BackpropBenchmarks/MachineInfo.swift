import Backprop
import Foundation

/// What a benchmark ran on: printed in every header and written into every CSV/JSON file.
public struct MachineInfo: Codable, Sendable, Equatable {
    /// The CPU's model name (from /proc/cpuinfo), e.g. "AMD EPYC".
    public var cpu: String
    /// Logical cores the process may use.
    public var cores: Int
    /// "release" or "debug" (a debug build's timings mean nothing).
    public var build: String
    /// How the code was compiled for the CPU: "native (AVX2, FMA)", "baseline", …
    public var codeGeneration: String
    /// "Linux x86_64".
    public var system: String

    public static func current() -> MachineInfo {
        MachineInfo(cpu: cpuModel() ?? "unknown CPU", cores: ProcessInfo.processInfo.activeProcessorCount,
                    build: isDebugBuild ? "debug" : "release", codeGeneration: codeGenerationDescription(),
                    system: systemDescription())
    }

    /// True in a debug build of this module (SwiftPM defines DEBUG there).
    public static var isDebugBuild: Bool {
        #if DEBUG
        true
        #else
        false
        #endif
    }

    static func cpuModel() -> String? {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("model name") {
            if let colon = line.firstIndex(of: ":") {
                return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
        }
        return nil
    }

    static func cpuFlags() -> Set<String> {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return [] }
        for line in text.split(separator: "\n") where line.hasPrefix("flags") {
            return Set(line.split(separator: " ").map(String.init))
        }
        return []
    }

    /// The target and the GEMM's register tile: "native (AVX2, FMA), AVX2 tile 6 × 8".
    static func codeGenerationDescription() -> String {
        #if BACKPROP_TARGET_CPU_NATIVE
        let flags = cpuFlags()
        let features = ["avx512f", "avx2", "fma"].filter(flags.contains).map { $0.uppercased() }
        let target = "native" + (features.isEmpty ? "" : " (\(features.joined(separator: ", ")))")
        #elseif BACKPROP_TARGET_CPU_NONE
        let target = "baseline (no -target-cpu)"
        #else
        let target = "custom -target-cpu (BACKPROP_TARGET_CPU)"
        #endif
        return target + ", " + MatrixMultiplier<Double>.registerTile + " in double"
    }

    static func systemDescription() -> String {
        #if os(Linux)
        let os = "Linux"
        #elseif os(macOS)
        let os = "macOS"
        #else
        let os = "unknown OS"
        #endif
        #if arch(x86_64)
        return os + " x86_64"
        #elseif arch(arm64)
        return os + " arm64"
        #else
        return os
        #endif
    }

    /// "AMD EPYC, 2 cores, Linux x86_64, release build, native (AVX2, FMA)".
    public var summary: String { "\(cpu), \(cores) cores, \(system), \(build) build, \(codeGeneration)" }
}
