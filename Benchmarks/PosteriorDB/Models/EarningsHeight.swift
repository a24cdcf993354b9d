import Inference
import TensorCore
import _Differentiation

/// posteriordb's `earnings-earn_height`: yearly earnings (in dollars) on height (in inches),
/// ```
/// β ∈ ℝ²,   σ > 0                      (flat priors)
/// earnₙ ~ N(β₁ + β₂ heightₙ, σ²)
/// ```
/// The coefficients are far from 1 in scale (β₁ ≈ −6·10⁴, σ ≈ 2·10⁴): a test of how an
/// algorithm copes with badly scaled parameters. Parameters `beta` (`beta[1]`, `beta[2]`) and
/// `sigma` (positive).
public struct EarningsHeight: PosteriorDBModel {
  public static let posteriorName = "earnings-earn_height"

  /// The design matrix [1, height], [N, 2].
  public let design: Tensor<Double>
  /// earn, [N].
  public let earnings: Tensor<Double>

  public init(data: PosteriorData) throws {
    let count = try data.int("N")
    let earnings = try data.vector("earn", count: count)
    let height = try data.vector("height", count: count)
    design = designMatrix(columns: [ones(count), height])
    self.earnings = Tensor(earnings)
  }

  public var parameters: [ParameterDeclaration] {
    [
      ParameterDeclaration("beta", shape: [2], elementNames: stanElementNames("beta", count: 2)),
      ParameterDeclaration("sigma", constraint: .positive),
    ]
  }

  @differentiable(reverse)
  public func logJoint(_ parameters: ParameterValues) -> Tensor<Double> {
    linearRegressionLogLikelihood(
      coefficients: parameters[0], standardDeviation: parameters[1], design: design,
      targets: earnings)
  }
}
