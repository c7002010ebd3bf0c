/// The output layer's activation.
public enum OutputActivation: String, CaseIterable, Codable, Sendable {
    /// aᴸ = σ(zᴸ), each output independently in (0, 1): multi-label or binary targets.
    case sigmoid
    /// aᴸ = softmax(zᴸ) = e^zᴸ / Σⱼ e^zⱼᴸ: a probability distribution over c ≥ 2 classes.
    case softmax
    /// aᴸ = zᴸ: regression.
    case identity
}
