import Distributions
import Inference
import TensorCore
import _Differentiation

/// posteriordb's `kidiq-kidscore_interaction`: a child's test score on whether the mother
/// finished high school, her IQ and their interaction,
/// ```
/// β ∈ ℝ⁴ (flat),   σ ~ Cauchy(0, 2.5),  σ > 0
/// kid_scoreₙ ~ N(β₁ + β₂ mom_hsₙ + β₃ mom_iqₙ + β₄ mom_hsₙ mom_iqₙ, σ²)
/// ```
/// Parameters `beta` (`beta[1]` … `beta[4]`) and `sigma` (positive).
public struct KidScoreInteraction: PosteriorDBModel {
  public static let posteriorName = "kidiq-kidscore_interaction"

  /// The design matrix [1, mom_hs, mom_iq, mom_hs · mom_iq], [N, 4].
  public let design: Tensor<Double>
  /// kid_score, [N].
  public let scores: Tensor<Double>

  public init(data: PosteriorData) throws {
    let count = try data.int("N")
    let scores = try data.vector("kid_score", count: count)
    let motherIQ = try data.vector("mom_iq", count: count)
    let highSchool = try data.vector("mom_hs", count: count)
    let interaction = zip(highSchool, motherIQ).map { $0 * $1 }
    design = designMatrix(columns: [ones(count), highSchool, motherIQ, interaction])
    self.scores = Tensor(scores)
  }

  public var parameters: [ParameterDeclaration] {
    [
      ParameterDeclaration("beta", shape: [4], elementNames: stanElementNames("beta", count: 4)),
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
