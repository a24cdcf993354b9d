import Inference
import TensorCore
import _Differentiation

/// posteriordb's `nes1972-nes`: party identification (7-point scale) in the 1972 National
/// Election Study on ideology, race, age group, education, gender and income,
/// ```
/// age30_44ₙ = [ageₙ = 2],   age45_64ₙ = [ageₙ = 3],   age65upₙ = [ageₙ = 4]
/// β ∈ ℝ⁹,   σ > 0                      (flat priors)
/// partyid7ₙ ~ N(β₁ + β₂ real_ideoₙ + β₃ race_adjₙ + β₄ age30_44ₙ + β₅ age45_64ₙ
///               + β₆ age65upₙ + β₇ educ1ₙ + β₈ genderₙ + β₉ incomeₙ, σ²)
/// ```
/// Parameters `beta` (`beta[1]` … `beta[9]`) and `sigma` (positive).
public struct NES1972: PosteriorDBModel {
  public static let posteriorName = "nes1972-nes"

  /// The design matrix of the nine predictors, intercept first, [N, 9].
  public let design: Tensor<Double>
  /// partyid7, [N].
  public let partyIdentification: Tensor<Double>

  public init(data: PosteriorData) throws {
    let count = try data.int("N")
    let ages = try data.integers("age_discrete", count: count)
    func indicator(_ group: Int) -> [Double] { ages.map { $0 == group ? 1 : 0 } }
    design = designMatrix(columns: [
      ones(count), try data.vector("real_ideo", count: count),
      try data.vector("race_adj", count: count), indicator(2), indicator(3), indicator(4),
      try data.vector("educ1", count: count), try data.vector("gender", count: count),
      try data.vector("income", count: count),
    ])
    partyIdentification = Tensor(try data.vector("partyid7", count: count))
  }

  public var parameters: [ParameterDeclaration] {
    [
      ParameterDeclaration("beta", shape: [9], elementNames: stanElementNames("beta", count: 9)),
      ParameterDeclaration("sigma", constraint: .positive),
    ]
  }

  @differentiable(reverse)
  public func logJoint(_ parameters: ParameterValues) -> Tensor<Double> {
    linearRegressionLogLikelihood(
      coefficients: parameters[0], standardDeviation: parameters[1], design: design,
      targets: partyIdentification)
  }
}
