/// One step of stochastic gradient descent on a network's parameters, from the MEAN gradient g of a mini-batch:
///
///     plain SGD            w ← w − η g
///     with L2 decay        w ← (1 − η λ′) w − η g          (weights only; λ′ = `weightDecay`)
///     with momentum μ      v ← μ v − η (g + λ′ w),  w ← w + v
///
/// Nielsen's network2 writes the decay as λ/N for N training examples: pass `weightDecay: λ / Double(N)`. Each
/// update of an element is one fused multiply-add where it can be (`(1 − ηλ′)·w − η·g` as one FMA after one
/// multiplication), the same operations for every engine, so training with either engine from the same seed ends in
/// the same bits.
public struct SGD<Scalar: BackpropScalar>: Sendable {
    /// η.
    public var learningRate: Scalar
    /// λ′, the decay per step of the weights (0: off).
    public var weightDecay: Scalar
    /// μ (0: plain SGD).
    public var momentum: Scalar
    /// The velocities v of momentum, shaped like the network's parameters once the first step is taken.
    public var velocities: [LayerParameters<Scalar>] = []

    /// An optimiser with these settings.
    public init(learningRate: Scalar, weightDecay: Scalar = 0, momentum: Scalar = 0) {
        self.learningRate = learningRate
        self.weightDecay = weightDecay
        self.momentum = momentum
    }

    /// Moves every parameter of `network` one step against `gradients`.
    /// - Precondition: `gradients.hasShapes(of: network)`.
    /// - Complexity: one pass over the parameters (two with momentum, which also updates the velocities).
    @inlinable
    public mutating func step(_ network: inout Network<Scalar>, along gradients: Gradients<Scalar>) {
        precondition(gradients.hasShapes(of: network), "gradients of another network's shapes")
        if momentum != 0 && !Gradients(loss: 0, layers: velocities).hasShapes(of: network) {
            velocities = network.layers.map { LayerParameters(inputs: $0.inputCount, outputs: $0.outputCount) }
        }
        for l in network.layers.indices {
            if momentum != 0 {
                update(&network.layers[l], gradients.layers[l], velocity: &velocities[l])
            } else {
                update(&network.layers[l], gradients.layers[l])
            }
        }
    }

    /// w ← (1 − η λ′) w − η g, b ← b − η g.
    @inlinable
    func update(_ layer: inout LayerParameters<Scalar>, _ gradient: LayerParameters<Scalar>) {
        let eta = learningRate, decay = 1 - learningRate * weightDecay
        layer.weights.elements.withUnsafeMutableBufferPointer { w in
            gradient.weights.elements.withUnsafeBufferPointer { g in
                for i in w.indices { w[i] = (decay * w[i]).addingProduct(-eta, g[i]) }
            }
        }
        layer.biases.withUnsafeMutableBufferPointer { b in
            gradient.biases.withUnsafeBufferPointer { g in
                for j in b.indices { b[j] = b[j].addingProduct(-eta, g[j]) }
            }
        }
    }

    /// v ← μ v − η (g + λ′ w), w ← w + v (the biases without decay).
    @inlinable
    func update(_ layer: inout LayerParameters<Scalar>, _ gradient: LayerParameters<Scalar>,
                velocity: inout LayerParameters<Scalar>) {
        let eta = learningRate, mu = momentum, lambda = weightDecay
        layer.weights.elements.withUnsafeMutableBufferPointer { w in
            gradient.weights.elements.withUnsafeBufferPointer { g in
                velocity.weights.elements.withUnsafeMutableBufferPointer { v in
                    for i in w.indices {
                        v[i] = (mu * v[i]).addingProduct(-eta, g[i].addingProduct(lambda, w[i]))
                        w[i] += v[i]
                    }
                }
            }
        }
        for j in layer.biases.indices {
            velocity.biases[j] = (mu * velocity.biases[j]).addingProduct(-eta, gradient.biases[j])
            layer.biases[j] += velocity.biases[j]
        }
    }
}
