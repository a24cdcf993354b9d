import Distributions
import Inference
import TensorCore
import _Differentiation

/// posteriordb's `low_dim_gauss_mix-low_dim_gauss_mix`: a mixture of two normals with ordered
/// means,
/// ```
/// μ₁ < μ₂,   μₖ ~ N(0, 2²),   σₖ ~ N(0, 2²) truncated to σₖ > 0,   θ ~ Beta(5, 5)
/// log p(yₙ | μ, σ, θ) = log(θ N(yₙ; μ₁, σ₁²) + (1 − θ) N(yₙ; μ₂, σ₂²))
/// ```
/// There is no ordered constraint, so the model is written in μ₁ = `mu1` and the gap
/// μ₂ − μ₁ = `mu_gap` > 0 (a positive parameter, whose exp bijector brings the Jacobian):
/// Stan's `ordered` transform, μ₂ = μ₁ + exp ζ. The map (μ₁, gap) → (μ₁, μ₂) has Jacobian 1, so
/// the priors are those of μ₁ and μ₂. μ is reported as the derived quantities `mu[1]`, `mu[2]`.
///
/// Stan's `log_mix` of each point, summed over the data for all draws at once, is one
/// primitive, ``normalMixtureLogLikelihood(_:means:standardDeviations:logWeights:)``, with
/// log weights log θ and log(1 − θ).
///
/// Parameters `mu1`, `mu_gap` (positive), `sigma` [2] (positive; `sigma[1]`, `sigma[2]`) and
/// `theta` (unit interval).
public struct LowDimensionalGaussianMixture: PosteriorDBModel {
  public static let posteriorName = "low_dim_gauss_mix-low_dim_gauss_mix"

  /// y, [N].
  public let values: Tensor<Double>

  /// The model of `N` and `y`.
  public init(data: PosteriorData) throws {
    let count = try data.int("N")
    values = Tensor(try data.vector("y", count: count))
  }

  public var parameters: [ParameterDeclaration] {
    [
      ParameterDeclaration("mu1"),
      ParameterDeclaration("mu_gap", constraint: .positive),
      ParameterDeclaration(
        "sigma", shape: [2], constraint: .positive,
        elementNames: stanElementNames("sigma", count: 2)),
      ParameterDeclaration("theta", constraint: .unitInterval),
    ]
  }

  @differentiable(reverse)
  public func logJoint(_ parameters: ParameterValues) -> Tensor<Double> {
    let mu1 = parameters[0]
    let mu2 = mu1 + parameters[1]
    let sigma = parameters[2]
    let theta = parameters[3]
    let priors =
      normalLogPrior(sigma, mean: 0, standardDeviation: 2)
      + normalLogPrior(mu1, mean: 0, standardDeviation: 2)
      + normalLogPrior(mu2, mean: 0, standardDeviation: 2)
      + Beta(alpha: Tensor(5.0), beta: Tensor(5.0)).logProbability(of: theta)
      .squeezingShape(at: [1])
    let likelihood = normalMixtureLogLikelihood(
      values, means: Tensor(concatenating: [mu1, mu2], alongAxis: 1), standardDeviations: sigma,
      logWeights: Tensor(concatenating: [log(theta), log(onePlus: -theta)], alongAxis: 1))
    return priors + likelihood
  }

  /// μ₁ and μ₂ = μ₁ + gap, as `mu[1]` and `mu[2]`.
  public func derivedQuantities(_ parameters: ParameterValues) -> [DerivedQuantity] {
    let mu1 = parameters[0]
    let mu = Tensor(concatenating: [mu1, mu1 + parameters[1]], alongAxis: 1)
    return [DerivedQuantity(elementNames: stanElementNames("mu", count: 2), values: mu)]
  }
}
