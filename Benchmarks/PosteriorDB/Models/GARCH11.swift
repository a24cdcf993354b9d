import Inference
import TensorCore
import _Differentiation

/// posteriordb's `garch-garch11`: a GARCH(1, 1) model of a series y₁, …, y_T with a known
/// first volatility σ₁,
/// ```
/// μ ∈ ℝ,   α₀ > 0,   0 < α₁ < 1,   0 < β₁ < 1 − α₁        (flat priors)
/// σₜ² = α₀ + α₁ (yₜ₋₁ − μ)² + β₁ σₜ₋₁²,   t = 2, …, T
/// yₜ ~ N(μ, σₜ²)
/// ```
/// β₁'s upper bound depends on α₁, and constraints here have fixed bounds, so the model is
/// written in β₁ = (1 − α₁) r with r = `beta1_raw` ∈ (0, 1): the flat density of β₁ on
/// (0, 1 − α₁) is, in r, the constant Jacobian 1 − α₁, and the log joint adds log(1 − α₁) (with
/// the logistic bijector's own Jacobian for r, this is Stan's transform for the bound). β₁ is
/// reported as the derived quantity `beta1`.
///
/// The recursion and the likelihood run for all draws at once in one primitive,
/// ``garch11LogLikelihood(mu:alpha0:alpha1:beta1:series:initialVolatility:)``. Parameters
/// `mu`, `alpha0` (positive), `alpha1` (unit interval) and `beta1_raw` (unit interval).
public struct GARCH11: PosteriorDBModel {
  public static let posteriorName = "garch-garch11"

  /// y, [T].
  public let series: Tensor<Double>
  /// σ₁, the volatility of the first step.
  public let initialVolatility: Double

  /// The model of the series `y` (T ≥ 1 values) with first volatility σ₁ > 0.
  public init(series y: [Double], initialVolatility: Double) {
    precondition(!y.isEmpty, "GARCH11: the series is empty")
    precondition(initialVolatility > 0, "GARCH11: σ₁ must be positive")
    series = Tensor(y)
    self.initialVolatility = initialVolatility
  }

  /// The model of `T`, `y` and `sigma1`.
  public init(data: PosteriorData) throws {
    let count = try data.int("T")
    guard count >= 1 else {
      throw PosteriorDataError(path: data.path, field: "T", problem: "must be at least 1")
    }
    let sigma1 = try data.real("sigma1")
    guard sigma1 > 0 else {
      throw PosteriorDataError(
        path: data.path, field: "sigma1", problem: "is \(sigma1); it must be positive")
    }
    self.init(series: try data.vector("y", count: count), initialVolatility: sigma1)
  }

  public var parameters: [ParameterDeclaration] {
    [
      ParameterDeclaration("mu"),
      ParameterDeclaration("alpha0", constraint: .positive),
      ParameterDeclaration("alpha1", constraint: .unitInterval),
      ParameterDeclaration("beta1_raw", constraint: .unitInterval),
    ]
  }

  @differentiable(reverse)
  public func logJoint(_ parameters: ParameterValues) -> Tensor<Double> {
    let alpha1 = parameters[2]
    let likelihood = garch11LogLikelihood(
      mu: parameters[0], alpha0: parameters[1], alpha1: alpha1,
      beta1: (1 - alpha1) * parameters[3], series: series, initialVolatility: initialVolatility)
    return likelihood + log(1 - alpha1).squeezingShape(at: [1])
  }

  /// β₁ = (1 − α₁) r, as `beta1`.
  public func derivedQuantities(_ parameters: ParameterValues) -> [DerivedQuantity] {
    [DerivedQuantity("beta1", values: (1 - parameters[2]) * parameters[3])]
  }
}
