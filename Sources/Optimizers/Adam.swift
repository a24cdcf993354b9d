import RealModule
import TensorCore
import _Differentiation

/// Adam: Kingma and Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015, with the
/// bias correction of their Algorithm 1, computed as PyTorch's `torch.optim.Adam` does so that
/// the numbers match it.
///
/// For each parameter θ with gradient g, at step t = 1, 2, …:
/// ```
/// g ← g + λθ                                  (L2 weight decay, off by default)
/// m ← β₁m + (1 − β₁)g                          computed as m + (1 − β₁)(g − m)
/// v ← β₂v + (1 − β₂)g²
/// θ ← θ − (η / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
/// ```
/// with m = v = 0 before the first step. The bias corrections are computed in `Double` and
/// the elementwise update in the parameters' scalar type, as PyTorch does for float32
/// tensors; ε is added after the bias correction of √v (PyTorch's placement, not the "ε̂"
/// of the paper's final remark).
///
/// The state (``step`` and the moment estimates) can be exported and imported (see
/// ``exportState()``), so that a run resumed from a checkpoint is bit-identical to an
/// uninterrupted one. Parameters are updated in place, one pass over each tensor, with no
/// allocation after the moment buffers are created on the first step.
public struct Adam<Model: ParameterGroup>: CheckpointableOptimizer {
  /// The step size η, by default 0.001.
  public var learningRate: Double
  /// The decay rate β₁ of the first-moment estimate, by default 0.9.
  public var beta1: Double
  /// The decay rate β₂ of the second-moment estimate, by default 0.999.
  public var beta2: Double
  /// The ε added to the denominator for numerical stability, by default 1e-8.
  public var epsilon: Double
  /// The L2 penalty λ added to the gradient as λθ, by default 0.
  public var weightDecay: Double

  /// The number of updates taken so far: t of the last update.
  public var step: Int { _step }
  /// The first-moment estimates m, one per parameter in key-path order (empty before the first
  /// step).
  public var firstMoments: [Tensor<Model.Scalar>] { _firstMoments }
  /// The second-moment estimates v, one per parameter in key-path order (empty before the
  /// first step).
  public var secondMoments: [Tensor<Model.Scalar>] { _secondMoments }

  @usableFromInline var _step = 0
  @usableFromInline var _firstMoments: [Tensor<Model.Scalar>] = []
  @usableFromInline var _secondMoments: [Tensor<Model.Scalar>] = []

  @usableFromInline let parameterUpdate = ParameterUpdate<Model.Scalar>(optimizer: "Adam")

  /// Creates an optimiser for models like `model` (only its type is used), with PyTorch's
  /// defaults.
  ///
  /// - Precondition: η > 0, 0 ≤ β₁ < 1, 0 ≤ β₂ < 1, ε ≥ 0, λ ≥ 0.
  public init(
    for model: Model, learningRate: Double = 1e-3, beta1: Double = 0.9, beta2: Double = 0.999,
    epsilon: Double = 1e-8, weightDecay: Double = 0
  ) {
    precondition(learningRate > 0, "Adam: learningRate \(learningRate) must be > 0")
    precondition(beta1 >= 0 && beta1 < 1, "Adam: beta1 \(beta1) must be in [0, 1)")
    precondition(beta2 >= 0 && beta2 < 1, "Adam: beta2 \(beta2) must be in [0, 1)")
    precondition(epsilon >= 0, "Adam: epsilon \(epsilon) must be ≥ 0")
    precondition(weightDecay >= 0, "Adam: weightDecay \(weightDecay) must be ≥ 0")
    self.learningRate = learningRate
    self.beta1 = beta1
    self.beta2 = beta2
    self.epsilon = epsilon
    self.weightDecay = weightDecay
  }

  /// Takes one Adam step on `model`.
  @inlinable
  public mutating func update(_ model: inout Model, along gradient: Model.TangentVector) {
    typealias Scalar = Model.Scalar
    let (modelPaths, gradientPaths) = parameterUpdate.keyPaths(model, gradient)
    if _firstMoments.isEmpty {
      _firstMoments = modelPaths.map { Tensor<Scalar>(zeros: model[keyPath: $0].shape) }
      _secondMoments = _firstMoments
    }
    precondition(
      _firstMoments.count == modelPaths.count,
      "Adam: the state holds \(_firstMoments.count) parameters, the model \(modelPaths.count)")
    _step += 1
    let (correction1, correction2) = Self.biasCorrections(beta1, beta2, step: _step)
    let stepSize = Scalar(learningRate / correction1)
    let correction2Root = Scalar(correction2.squareRoot())
    let oneMinusBeta1 = Scalar(1 - beta1)
    let beta2 = Scalar(self.beta2)
    let oneMinusBeta2 = Scalar(1 - self.beta2)
    let epsilon = Scalar(self.epsilon)
    let lambda = Scalar(weightDecay)
    for k in modelPaths.indices {
      let g = gradient[keyPath: gradientPaths[k]]
      parameterUpdate(&model, at: modelPaths[k], index: k, gradient: g) { theta, g, stride in
        _firstMoments[k].withUnsafeMutableBufferPointer { m in
          _secondMoments[k].withUnsafeMutableBufferPointer { v in
            precondition(m.count == theta.count, "Adam: parameter \(k) changed shape")
            for i in theta.indices {
              let gi = g[i &* stride] + lambda * theta[i]
              m[i] += oneMinusBeta1 * (gi - m[i])
              v[i] = v[i] * beta2 + oneMinusBeta2 * gi * gi
              let denominator = v[i].squareRoot() / correction2Root + epsilon
              theta[i] -= stepSize * (m[i] / denominator)
            }
          }
        }
      }
    }
  }

  /// The bias corrections 1 − β₁ᵗ and 1 − β₂ᵗ, with the powers from C's `pow`, as Python's
  /// `beta ** step` in PyTorch.
  @usableFromInline
  static func biasCorrections(
    _ beta1: Double, _ beta2: Double, step: Int
  ) -> (Double, Double) {
    let t = Double(step)
    return (1 - Double.pow(beta1, t), 1 - Double.pow(beta2, t))
  }
}
