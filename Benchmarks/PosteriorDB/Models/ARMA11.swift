import Distributions
import Inference
import TensorCore
import _Differentiation

/// posteriordb's `arma-arma11`: an ARMA(1, 1) model of a series y₁, …, y_T,
/// ```
/// μ ~ N(0, 10²),   φ ~ N(0, 2²),   θ ~ N(0, 2²),   σ ~ Cauchy(0, 2.5),  σ > 0
/// ν₁ = μ + φμ                       (taking ε₀ = 0 and y₀ = μ)
/// νₜ = μ + φ yₜ₋₁ + θ εₜ₋₁,   εₜ = yₜ − νₜ,   t = 2, …, T
/// εₜ ~ N(0, σ²)
/// ```
/// The recursion runs for all draws at once in one primitive,
/// ``arma11SquaredErrorSum(mu:phi:theta:series:)``, which gives Σₜ εₜ² for the likelihood.
/// Parameters `mu`, `phi`, `theta` and `sigma` (positive).
public struct ARMA11: PosteriorDBModel {
  public static let posteriorName = "arma-arma11"

  /// y, [T].
  public let series: Tensor<Double>

  /// The model of the series `y` (T ≥ 1 values).
  public init(series y: [Double]) {
    precondition(!y.isEmpty, "ARMA11: the series is empty")
    series = Tensor(y)
  }

  /// The model of `T` and `y`.
  public init(data: PosteriorData) throws {
    let count = try data.int("T")
    guard count >= 1 else {
      throw PosteriorDataError(path: data.path, field: "T", problem: "must be at least 1")
    }
    self.init(series: try data.vector("y", count: count))
  }

  public var parameters: [ParameterDeclaration] {
    [
      ParameterDeclaration("mu"),
      ParameterDeclaration("phi"),
      ParameterDeclaration("theta"),
      ParameterDeclaration("sigma", constraint: .positive),
    ]
  }

  @differentiable(reverse)
  public func logJoint(_ parameters: ParameterValues) -> Tensor<Double> {
    let mu = parameters[0]
    let phi = parameters[1]
    let theta = parameters[2]
    let sigma = parameters[3]
    let priors =
      normalLogPrior(mu, mean: 0, standardDeviation: 10)
      + normalLogPrior(phi, mean: 0, standardDeviation: 2)
      + normalLogPrior(theta, mean: 0, standardDeviation: 2)
      + Cauchy(location: Tensor(0.0), scale: Tensor(2.5)).logProbability(of: sigma)
      .squeezingShape(at: [1])
    let squares = arma11SquaredErrorSum(mu: mu, phi: phi, theta: theta, series: series)
    return priors
      + normalLogLikelihood(
        sumOfSquares: squares, standardDeviation: sigma,
        count: withoutDerivative(at: series.shape[0]))
  }
}
