import Optimizers
import RealModule
import TensorCore
import _Differentiation

/// The adaptive step-size sequence of ADVI (Kucukelbir et al. 2017, eq. 10 and 11, as Stan
/// implements it): a Robbins–Monro decay times a per-coordinate scale from a running average
/// of squared gradients.
///
/// For each parameter θ with gradient g at iteration i = 1, 2, …:
/// ```
/// s ← g²                           at i = 1
/// s ← α g² + (1 − α) s             afterwards
/// ρ = η · i^(−1/2 + ε) / (τ + √s)
/// θ ← θ − ρ ⊙ g
/// ```
/// with α = 0.1, τ = 1 and ε = 10⁻¹⁶ by default. (ADVI ascends the ELBO; here the gradient is
/// that of −ELBO, hence the minus.) The scale η is chosen by ``StepSizeAdaptation`` unless
/// given. The decay i^(−1/2) makes the iterates settle; see ``IterateAverager`` for the
/// averaging on top.
public struct AdaptiveStepSize<Model: ParameterGroup>: Optimizer {
  /// η, the overall scale of the step sizes.
  public var learningRate: Double
  /// α, the weight of the newest squared gradient in the running average.
  public var alpha: Double
  /// τ, added to √s so that the first steps are not huge.
  public var tau: Double
  /// ε in the exponent −1/2 + ε.
  public var epsilon: Double

  /// The number of updates so far (i of the last one).
  public private(set) var step = 0
  /// The running averages s of squared gradients, one per parameter (empty before the first
  /// update).
  public private(set) var squaredGradientAverages: [Tensor<Model.Scalar>] = []

  /// An optimiser for models like `model` (only its type is used).
  ///
  /// - Precondition: η > 0, 0 < α ≤ 1, τ > 0.
  public init(
    for model: Model, learningRate: Double, alpha: Double = 0.1, tau: Double = 1,
    epsilon: Double = 1e-16
  ) {
    userPrecondition(learningRate > 0, "AdaptiveStepSize: learningRate \(learningRate) must be > 0")
    userPrecondition(alpha > 0 && alpha <= 1, "AdaptiveStepSize: alpha \(alpha) must be in (0, 1]")
    userPrecondition(tau > 0, "AdaptiveStepSize: tau \(tau) must be > 0")
    self.learningRate = learningRate
    self.alpha = alpha
    self.tau = tau
    self.epsilon = epsilon
  }

  /// Takes one step on `model` against `gradient`.
  public mutating func update(_ model: inout Model, along gradient: Model.TangentVector) {
    typealias Scalar = Model.Scalar
    let first = squaredGradientAverages.isEmpty
    if first {
      squaredGradientAverages = model.parameters.map { Tensor(zeros: $0.shape) }
    }
    step += 1
    let decay = Scalar(learningRate * Double.pow(Double(step), -0.5 + epsilon))
    let (alpha, tau) = (Scalar(self.alpha), Scalar(self.tau))
    model.updateParameters(along: gradient) { k, theta, g in
      let stride = g.shape == theta.shape ? 1 : 0
      userPrecondition(
        stride == 1 || g.scalarCount == 1,
        "AdaptiveStepSize: gradient \(g.shape) for parameter \(k) of shape \(theta.shape)")
      theta.withUnsafeMutableBufferPointer { theta in
        squaredGradientAverages[k].withUnsafeMutableBufferPointer { s in
          g.withUnsafeBufferPointer { g in
            for i in theta.indices {
              let gi = g[i &* stride]
              s[i] = first ? gi * gi : alpha * gi * gi + (1 - alpha) * s[i]
              theta[i] -= decay / (tau + s[i].squareRoot()) * gi
            }
          }
        }
      }
    }
  }
}
