import TensorCore
import _Differentiation

/// Stochastic gradient descent with optional momentum, Nesterov momentum and weight decay,
/// following PyTorch's `torch.optim.SGD` (with no dampening) so that runs can be compared.
///
/// For each parameter θ with gradient g, learning rate η, momentum μ and weight decay λ:
/// ```
/// d ← g + λθ
/// b ← d                       on the first step (μ > 0)
/// b ← μb + d                  afterwards
/// d ← d + μb   (Nesterov)     or   d ← b
/// θ ← θ − ηd
/// ```
/// With μ = 0 this is plain gradient descent θ ← θ − η(g + λθ). Nesterov momentum is the
/// formulation of Sutskever, Martens, Dahl and Hinton, "On the importance of initialization
/// and momentum in deep learning", ICML 2013.
///
/// Parameters are updated in place, one pass over each tensor, with no tensor allocated after
/// the momentum buffers are created on the first step.
public struct SGD<Model: ParameterGroup>: CheckpointableOptimizer {
  /// The step size η.
  public var learningRate: Double
  /// The momentum coefficient μ ∈ [0, 1); 0 disables momentum.
  public var momentum: Double
  /// Whether to use Nesterov momentum (requires μ > 0).
  public var nesterov: Bool
  /// The L2 penalty λ added to the gradient as λθ; 0 disables it.
  public var weightDecay: Double

  /// The number of updates taken so far.
  public var step: Int { _step }
  /// The momentum buffers b, one per parameter in key-path order; empty without momentum or
  /// before the first step.
  public var velocities: [Tensor<Model.Scalar>] { _velocities }

  @usableFromInline var _step = 0
  @usableFromInline var _velocities: [Tensor<Model.Scalar>] = []

  @usableFromInline let parameterUpdate = ParameterUpdate<Model.Scalar>(optimizer: "SGD")

  /// Creates an optimiser for models like `model`.
  ///
  /// - Parameters:
  ///   - model: a model of the type to optimise (only its type is used).
  ///   - learningRate: η > 0.
  ///   - momentum: μ ∈ [0, 1), by default 0.
  ///   - nesterov: Nesterov momentum, by default off; needs μ > 0.
  ///   - weightDecay: λ ≥ 0, by default 0.
  public init(
    for model: Model, learningRate: Double, momentum: Double = 0, nesterov: Bool = false,
    weightDecay: Double = 0
  ) {
    userPrecondition(learningRate > 0, "SGD: learningRate \(learningRate) must be > 0")
    userPrecondition(momentum >= 0 && momentum < 1, "SGD: momentum \(momentum) must be in [0, 1)")
    userPrecondition(!nesterov || momentum > 0, "SGD: Nesterov momentum needs momentum > 0")
    userPrecondition(weightDecay >= 0, "SGD: weightDecay \(weightDecay) must be ≥ 0")
    self.learningRate = learningRate
    self.momentum = momentum
    self.nesterov = nesterov
    self.weightDecay = weightDecay
  }

  /// Takes one step of (momentum) gradient descent on `model`.
  @inlinable
  public mutating func update(_ model: inout Model, along gradient: Model.TangentVector) {
    let first = _velocities.isEmpty
    if momentum > 0 && first {
      _velocities = model.parameters.map { Tensor<Model.Scalar>(zeros: $0.shape) }
    }
    let eta = Model.Scalar(learningRate)
    let mu = Model.Scalar(momentum)
    let lambda = Model.Scalar(weightDecay)
    let (useMomentum, useNesterov) = (momentum > 0, nesterov)
    model.updateParameters(along: gradient) { k, parameter, g in
      parameterUpdate(&parameter, index: k, gradient: g) { theta, g, stride in
        guard useMomentum else {
          for i in theta.indices { theta[i] -= eta * (g[i &* stride] + lambda * theta[i]) }
          return
        }
        _velocities[k].withUnsafeMutableBufferPointer { b in
          userPrecondition(b.count == theta.count, "SGD: parameter \(k) changed shape")
          for i in theta.indices {
            let d = g[i &* stride] + lambda * theta[i]
            b[i] = first ? d : mu * b[i] + d
            theta[i] -= eta * (useNesterov ? d + mu * b[i] : b[i])
          }
        }
      }
    }
    _step += 1
  }

  /// The step count as `"step"` and the momentum buffers as `"velocity.0"`, `"velocity.1"`, …
  public func exportState() -> [String: Tensor<Model.Scalar>] {
    var state = ["step": Tensor<Model.Scalar>(Model.Scalar(step))]
    for (index, velocity) in velocities.enumerated() { state["velocity.\(index)"] = velocity }
    return state
  }

  /// Restores a state saved by ``exportState()``; momentum buffers are expected when the step
  /// count is positive and momentum is on.
  public mutating func importState(
    _ state: [String: Tensor<Model.Scalar>], matching model: Model
  ) throws {
    let step = try OptimizerStateReader.step(in: state, optimizer: "SGD")
    let shapes = model.parameters.map { $0.shape }
    let hasBuffers = state.keys.contains { $0.hasPrefix("velocity.") }
    let velocities =
      hasBuffers || (momentum > 0 && step > 0)
      ? try OptimizerStateReader.buffers("velocity", in: state, shapes: shapes, optimizer: "SGD")
      : []
    _step = step
    _velocities = velocities
  }
}
