import Foundation

/// How the commands print numbers in tables and messages.
public enum NumberFormat {
    /// "1.2e-09", "0": a relative error or a difference, two significant digits.
    public static func scientific(_ value: Double) -> String {
        value == 0 ? "0" : String(format: "%.1e", value)
    }

    /// "¹", "²³": a layer number as a superscript, as in Wˡ.
    public static func superscript(_ n: Int) -> String {
        let digits = ["⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"]
        return String(n).map { $0.wholeNumberValue.map { digits[$0] } ?? String($0) }.joined()
    }

    /// "0.0123", "1.23e+03", "0": three significant digits, whichever notation is shorter.
    public static func short(_ value: Double) -> String {
        value == 0 ? "0" : String(format: "%.3g", value)
    }
}
