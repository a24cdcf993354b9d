import Distributions
import Inference
import TensorCore
import _Differentiation

/// posteriordb's `kidiq-kidscore_momiq`: a child's test score on the mother's IQ,
/// ```
/// β ∈ ℝ² (flat),   σ ~ Cauchy(0, 2.5),  σ > 0
/// kid_scoreₙ ~ N(β₁ + β₂ mom_iqₙ, σ²)
/// ```
/// Parameters `beta` (`beta[1]`, `beta[2]`) and `sigma` (positive).
public struct KidScoreMomIQ: PosteriorDBModel {
  public static let posteriorName = "kidiq-kidscore_momiq"

  /// The design matrix [1, mom_iq], [N, 2].
  public let design: Tensor<Double>
  /// kid_score, [N].
  public let scores: Tensor<Double>

  public init(data: PosteriorData) throws {
    let count = try data.int("N")
    let scores = try data.vector("kid_score", count: count)
    let motherIQ = try data.vector("mom_iq", count: count)
    design = designMatrix(columns: [ones(count), motherIQ])
    self.scores = Tensor(scores)
  }

  public var parameters: [ParameterDeclaration] {
    [
      ParameterDeclaration("beta", shape: [2], elementNames: stanElementNames("beta", count: 2)),
      ParameterDeclaration("sigma", constraint: .positive),
    ]
  }

  @differentiable(reverse)
  public func logJoint(_ parameters: ParameterValues) -> Tensor<Double> {
    let sigma = parameters[1]
    let prior = Cauchy(location: Tensor(0.0), scale: Tensor(2.5)).logProbability(of: sigma)
    return prior.squeezingShape(at: [1])
      + linearRegressionLogLikelihood(
        coefficients: parameters[0], standardDeviation: sigma, design: design, targets: scores)
  }
}
