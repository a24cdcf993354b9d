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
/// The errors follow the linear recursion εₜ = aₜ − θ εₜ₋₁ with aₜ = yₜ − μ − φ yₜ₋₁
/// (a₁ = y₁ − μ − φμ), which ``linearRecurrence(_:coefficient:)`` runs for all draws at once.
/// Parameters `mu`, `phi`, `theta` and `sigma` (positive).
public struct ARMA11: PosteriorDBModel {
  public static let posteriorName = "arma-arma11"

  /// y, [T].
  public let series: Tensor<Double>
  /// The previous value of each step, yₜ₋₁, with 0 at t = 1 (where μ stands for it), [T].
  let previous: Tensor<Double>
  /// 1 at t = 1 and 0 after, [T]: where the previous value is μ.
  let first: Tensor<Double>

  /// The model of the series `y` (T ≥ 1 values).
  public init(series y: [Double]) {
    precondition(!y.isEmpty, "ARMA11: the series is empty")
    series = Tensor(y)
    previous = Tensor([0] + y.dropLast())
    first = Tensor([1] + [Double](repeating: 0, count: y.count - 1))
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
    let errors = predictionErrors(mu: mu, phi: phi, theta: theta)
    return priors
      + normalLogLikelihood(
        sumOfSquares: errors.squared().sum(squeezingAxes: [1]), standardDeviation: sigma,
        count: withoutDerivative(at: series.shape[0]))
  }

  /// ε₁, …, ε_T for each draw, [L, T].
  @differentiable(reverse)
  func predictionErrors(
    mu: Tensor<Double>, phi: Tensor<Double>, theta: Tensor<Double>
  ) -> Tensor<Double> {
    let innovations = series - mu - phi * previous - (phi * mu) * first
    return linearRecurrence(innovations, coefficient: -theta)
  }
}
