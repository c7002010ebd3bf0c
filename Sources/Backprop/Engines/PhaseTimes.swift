/// One of the note's five steps, as the engines time them.
public enum Phase: Int, CaseIterable, Sendable {
    /// Every Zˡ = Aˡ⁻¹ Wˡ + bˡ and Aˡ = σ(Zˡ).
    case forward
    /// Δᴸ = Aᴸ − Y (or the general rule), and each example's loss.
    case outputError
    /// Δˡ = (Δˡ⁺¹ (Wˡ⁺¹)ᵀ) ∘ σ′(Zˡ) for l = L−1…1.
    case hiddenErrors
    /// ∂𝓛/∂Wˡ = (1/m) (Aˡ⁻¹)ᵀ Δˡ.
    case weightGradients
    /// ∂𝓛/∂bˡ = (1/m) Σᵢ Δˡ[i, :].
    case biasGradients

    /// The phase's name in tables: "forward", "output error", …
    public var name: String {
        switch self {
        case .forward: "forward"
        case .outputError: "output error"
        case .hiddenErrors: "hidden errors"
        case .weightGradients: "weight gradients"
        case .biasGradients: "bias gradients"
        }
    }
}

/// Where an engine's time went on its last call, in seconds, when it was asked to record phases.
public struct PhaseTimes: Equatable, Sendable {
    public var forward: Double = 0
    public var outputError: Double = 0
    public var hiddenErrors: Double = 0
    public var weightGradients: Double = 0
    public var biasGradients: Double = 0

    public init() {}

    /// The seconds of one phase.
    @inlinable
    public subscript(phase: Phase) -> Double {
        get {
            switch phase {
            case .forward: forward
            case .outputError: outputError
            case .hiddenErrors: hiddenErrors
            case .weightGradients: weightGradients
            case .biasGradients: biasGradients
            }
        }
        set {
            switch phase {
            case .forward: forward = newValue
            case .outputError: outputError = newValue
            case .hiddenErrors: hiddenErrors = newValue
            case .weightGradients: weightGradients = newValue
            case .biasGradients: biasGradients = newValue
            }
        }
    }

    /// The sum of the phases.
    public var total: Double { Phase.allCases.reduce(0) { $0 + self[$1] } }

    /// The phases as (name, seconds), in the order they run.
    public var named: [(name: String, seconds: Double)] { Phase.allCases.map { ($0.name, self[$0]) } }

    public static func + (lhs: PhaseTimes, rhs: PhaseTimes) -> PhaseTimes {
        var sum = lhs
        for phase in Phase.allCases { sum[phase] += rhs[phase] }
        return sum
    }
}

/// A stopwatch that charges the time since its last lap to a phase: how an engine fills its `PhaseTimes`.
/// When off, a lap is one test of a flag, and the clock is never read.
@usableFromInline
struct PhaseClock {
    @usableFromInline let isOn: Bool
    @usableFromInline var times = PhaseTimes()
    @usableFromInline var last: UInt64

    @inlinable
    init(isOn: Bool) {
        self.isOn = isOn
        last = isOn ? MonotonicClock.nanoseconds() : 0
    }

    /// Charges the time since the last lap (or the start) to `phase`.
    @inlinable @inline(__always)
    mutating func lap(_ phase: Phase) {
        guard isOn else { return }
        let now = MonotonicClock.nanoseconds()
        times[phase] += Double(now &- last) * 1e-9
        last = now
    }
}

/// An engine that can record where its time goes (both library engines can; a student's need not).
public protocol RecordsPhases: AnyObject {
    /// When true, every call records `phaseTimes`.
    var recordsPhases: Bool { get set }
    /// The phase times of the last call.
    var phaseTimes: PhaseTimes { get }
}
