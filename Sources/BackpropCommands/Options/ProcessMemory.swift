import Foundation

/// Memory as the Linux kernel counts it, from its `/proc` files (nil elsewhere).
enum ProcessMemory {
    /// The peak resident set size of this process (VmHWM in /proc/self/status).
    static func peakResidentBytes() -> Int? { kilobytes("VmHWM", in: "/proc/self/status").map { $0 * 1024 } }

    /// The memory available to start new work without swapping (MemAvailable in /proc/meminfo).
    static func availableBytes() -> Int? { kilobytes("MemAvailable", in: "/proc/meminfo").map { $0 * 1024 } }

    /// The number on the line `KEY:   N kB` of a `/proc` file, or nil when the file or the line is missing.
    static func kilobytes(_ key: String, in path: String) -> Int? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(key + ":") {
            let fields = line.split(separator: " ")
            if fields.count >= 2, let kilobytes = Int(fields[1]) { return kilobytes }
        }
        return nil
    }
}
