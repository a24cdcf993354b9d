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
/// uninterrupted one. Parameters are updated in place, one pass over each tensor, with no tensor
/// allocated after the moment buffers are created on the first step.
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
    userPrecondition(learningRate > 0, "Adam: learningRate \(learningRate) must be > 0")
    userPrecondition(beta1 >= 0 && beta1 < 1, "Adam: beta1 \(beta1) must be in [0, 1)")
    userPrecondition(beta2 >= 0 && beta2 < 1, "Adam: beta2 \(beta2) must be in [0, 1)")
    userPrecondition(epsilon >= 0, "Adam: epsilon \(epsilon) must be ≥ 0")
    userPrecondition(weightDecay >= 0, "Adam: weightDecay \(weightDecay) must be ≥ 0")
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
    if _firstMoments.isEmpty {
      _firstMoments = model.parameters.map { Tensor<Scalar>(zeros: $0.shape) }
      _secondMoments = _firstMoments
    }
    _step += 1
    let (correction1, correction2) = Self.biasCorrections(beta1, beta2, step: _step)
    let kernel = AdamKernel<Scalar>(
      stepSize: Scalar(learningRate / correction1),
      correction2Root: Scalar(correction2.squareRoot()), oneMinusBeta1: Scalar(1 - beta1),
      beta2: Scalar(beta2), oneMinusBeta2: Scalar(1 - beta2), epsilon: Scalar(epsilon),
      weightDecay: Scalar(weightDecay))
    let parameterCount = _firstMoments.count
    var updated = 0
    model.updateParameters(along: gradient) { k, parameter, g in
      updated += 1
      userPrecondition(
        k < parameterCount,
        "Adam: the state holds \(parameterCount) parameters, the model at least \(k + 1)")
      parameterUpdate(&parameter, index: k, gradient: g) { theta, g, stride in
        _firstMoments[k].withUnsafeMutableBufferPointer { m in
          _secondMoments[k].withUnsafeMutableBufferPointer { v in
            userPrecondition(m.count == theta.count, "Adam: parameter \(k) changed shape")
            kernel(
              theta: theta.baseAddress!, m: m.baseAddress!, v: v.baseAddress!,
              gradient: g.baseAddress!, count: m.count, dense: stride == 1)
          }
        }
      }
    }
    userPrecondition(
      updated == parameterCount,
      "Adam: the state holds \(parameterCount) parameters, the model \(updated)")
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

extension Adam {
  /// The state as named tensors: the step count t as the rank-0 `"step"`, and the moment
  /// estimates as `"firstMoment.0"`, `"secondMoment.0"`, `"firstMoment.1"`, … in key-path
  /// order. Tensors share storage with the optimiser (copy-on-write), so exporting is free.
  ///
  /// The step count is stored in the scalar type, exact up to 2²⁴ steps for `Float`.
  public func exportState() -> [String: Tensor<Model.Scalar>] {
    var state = ["step": Tensor<Model.Scalar>(Model.Scalar(step))]
    for index in _firstMoments.indices {
      state["firstMoment.\(index)"] = firstMoments[index]
      state["secondMoment.\(index)"] = secondMoments[index]
    }
    return state
  }

  /// Restores a state saved by ``exportState()``; continuing then gives bit-identical
  /// parameters to a run that was never interrupted. Hyperparameters are not part of the state.
  ///
  /// - Throws: ``OptimizerStateError`` when `"step"` is missing or not a non-negative integer,
  ///   or when a moment estimate is missing or shaped unlike its parameter in `model`.
  public mutating func importState(
    _ state: [String: Tensor<Model.Scalar>], matching model: Model
  ) throws {
    let step = try OptimizerStateReader.step(in: state, optimizer: "Adam")
    var first: [Tensor<Model.Scalar>] = []
    var second: [Tensor<Model.Scalar>] = []
    if step > 0 {
      let shapes = model.parameters.map { $0.shape }
      first = try OptimizerStateReader.buffers(
        "firstMoment", in: state, shapes: shapes, optimizer: "Adam")
      second = try OptimizerStateReader.buffers(
        "secondMoment", in: state, shapes: shapes, optimizer: "Adam")
    }
    _step = step
    _firstMoments = first
    _secondMoments = second
  }
}
