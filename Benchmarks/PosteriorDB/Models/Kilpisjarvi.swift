import Inference
import TensorCore
import _Differentiation

/// posteriordb's `kilpisjarvi_mod-kilpisjarvi`: a linear trend in the summer temperatures at
/// Kilpisjärvi over the years, with priors given in the data,
/// ```
/// α ~ N(pmualpha, psalpha²),   β ~ N(pmubeta, psbeta²),   σ > 0 (flat)
/// yₙ ~ N(α + β xₙ, σ²)
/// ```
/// The years xₙ are around 2000 and not centred, so α and β are correlated nearly −1 a
/// posteriori. Parameters `alpha`, `beta` and `sigma` (positive).
public struct Kilpisjarvi: PosteriorDBModel {
  public static let posteriorName = "kilpisjarvi_mod-kilpisjarvi"

  /// x, the years, [N].
  public let years: Tensor<Double>
  /// y, the temperatures, [N].
  public let temperatures: Tensor<Double>
  /// The prior mean and standard deviation of α (pmualpha, psalpha).
  public let alphaPrior: (mean: Double, standardDeviation: Double)
  /// The prior mean and standard deviation of β (pmubeta, psbeta).
  public let betaPrior: (mean: Double, standardDeviation: Double)

  public init(data: PosteriorData) throws {
    let count = try data.int("N")
    years = Tensor(try data.vector("x", count: count))
    temperatures = Tensor(try data.vector("y", count: count))
    alphaPrior = (try data.real("pmualpha"), try data.real("psalpha"))
    betaPrior = (try data.real("pmubeta"), try data.real("psbeta"))
    for (field, scale) in [("psalpha", alphaPrior.1), ("psbeta", betaPrior.1)] where !(scale > 0) {
      throw PosteriorDataError(
        path: data.path, field: field, problem: "is \(scale); it must be positive")
    }
  }

  public var parameters: [ParameterDeclaration] {
    [
      ParameterDeclaration("alpha"),
      ParameterDeclaration("beta"),
      ParameterDeclaration("sigma", constraint: .positive),
    ]
  }

  @differentiable(reverse)
  public func logJoint(_ parameters: ParameterValues) -> Tensor<Double> {
    let alpha = parameters[0]
    let beta = parameters[1]
    let residuals = temperatures - alpha - beta * years
    return normalLogPrior(
      alpha, mean: alphaPrior.mean, standardDeviation: alphaPrior.standardDeviation)
      + normalLogPrior(beta, mean: betaPrior.mean, standardDeviation: betaPrior.standardDeviation)
      + normalLogLikelihood(
        sumOfSquares: residuals.squared().sum(squeezingAxes: [1]),
        standardDeviation: parameters[2], count: withoutDerivative(at: years.shape[0]))
  }
}
