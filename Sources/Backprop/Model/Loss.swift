/// The loss of one example, ℓ(aᴸ, y); the engines differentiate the MEAN loss 𝓛 = (1/m) Σᵢ ℓᵢ.
public enum Loss: String, CaseIterable, Codable, Sendable {
    /// Cross-entropy: −Σⱼ [yⱼ ln aⱼ + (1 − yⱼ) ln(1 − aⱼ)] after a sigmoid, −Σⱼ yⱼ ln aⱼ after a softmax.
    case crossEntropy = "cross-entropy"
    /// Squared error: ½ Σⱼ (aⱼ − yⱼ)².
    case squaredError = "squared-error"
}
