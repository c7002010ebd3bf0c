import Backprop
import BackpropExercises

// Nothing to change here: this hands your functions to `backprop exercises`.

/// Your work, as the checker calls it.
public let studentSubmission = StudentSubmission(
    oneExample: { try oneExampleGradients(network: $0, x: $1, y: $2) },
    steps: MatrixFormSteps(
        forward: { try forward(input: $0, weights: $1, bias: $2) },
        outputError: { try outputError(output: $0, targets: $1) },
        hiddenError: { try hiddenError(deltaAbove: $0, weightsAbove: $1, activations: $2, hidden: $3) },
        weightGradient: { try weightGradient(input: $0, delta: $1) },
        biasGradient: { try biasGradient(delta: $0) }),
    batchEngine: { AnyBackpropEngine(StudentBatchEngine(steps: $0)) })
