import Inference
import TensorCore
import _Differentiation

/// posteriordb's `earnings-logearn_interaction_z`: log earnings on standardised height, sex
/// and their interaction,
/// ```
/// z_heightₙ = (heightₙ − mean(height)) / sd(height)       (sd with divisor N − 1, as Stan's)
/// β ∈ ℝ⁴,   σ > 0                                         (flat priors)
/// log earnₙ ~ N(β₁ + β₂ z_heightₙ + β₃ maleₙ + β₄ z_heightₙ maleₙ, σ²)
/// ```
/// Parameters `beta` (`beta[1]` … `beta[4]`) and `sigma` (positive).
public struct LogEarningsInteraction: PosteriorDBModel {
  public static let posteriorName = "earnings-logearn_interaction_z"

  /// The design matrix [1, z_height, male, z_height · male], [N, 4].
  public let design: Tensor<Double>
  /// log earn, [N].
  public let logEarnings: Tensor<Double>

  /// The model of `N`, `earn`, `height` and `male`, with Stan's transformed data.
  ///
  /// - Throws: ``PosteriorDataError`` for a missing field, a wrong length, an earning that is
  ///   not positive or fewer than two heights.
  public init(data: PosteriorData) throws {
    let count = try data.int("N")
    let earnings = try data.vector("earn", count: count)
    let height = try data.vector("height", count: count)
    let male = try data.vector("male", count: count)
    guard count >= 2 else {
      throw PosteriorDataError(
        path: data.path, field: "N", problem: "is \(count); standardising needs at least 2 rows")
    }
    let mean = height.reduce(0, +) / Double(count)
    let variance = height.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(count - 1)
    let zHeight = height.map { ($0 - mean) / variance.squareRoot() }
    let interaction = zip(zHeight, male).map { $0 * $1 }
    design = designMatrix(columns: [ones(count), zHeight, male, interaction])
    logEarnings = Tensor(try logarithms(earnings, field: "earn", in: data))
  }

  public var parameters: [ParameterDeclaration] {
    [
      ParameterDeclaration("beta", shape: [4], elementNames: stanElementNames("beta", count: 4)),
      ParameterDeclaration("sigma", constraint: .positive),
    ]
  }

  @differentiable(reverse)
  public func logJoint(_ parameters: ParameterValues) -> Tensor<Double> {
    linearRegressionLogLikelihood(
      coefficients: parameters[0], standardDeviation: parameters[1], design: design,
      targets: logEarnings)
  }
}
