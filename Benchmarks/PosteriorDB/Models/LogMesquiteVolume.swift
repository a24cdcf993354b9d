import Inference
import TensorCore
import _Differentiation

/// posteriordb's `mesquite-logmesquite_logvas`: the log weight of mesquite bushes on log
/// canopy volume, area and shape, log total height, log density and group,
/// ```
/// β ∈ ℝ⁷,   σ > 0                      (flat priors)
/// log weightₙ ~ N(β₁ + β₂ log(d1ₙ d2ₙ hₙ) + β₃ log(d1ₙ d2ₙ) + β₄ log(d1ₙ / d2ₙ)
///                  + β₅ log total_heightₙ + β₆ log densityₙ + β₇ groupₙ, σ²)
/// ```
/// (d1, d2 the canopy diameters, h the canopy height). Only 46 bushes and strongly
/// correlated predictors. Parameters `beta` (`beta[1]` … `beta[7]`) and `sigma` (positive).
public struct LogMesquiteVolume: PosteriorDBModel {
  public static let posteriorName = "mesquite-logmesquite_logvas"

  /// The design matrix of the seven predictors, intercept first, [N, 7].
  public let design: Tensor<Double>
  /// log weight, [N].
  public let logWeights: Tensor<Double>

  /// The model of the data, with Stan's transformed data (every logarithm checked finite).
  public init(data: PosteriorData) throws {
    let count = try data.int("N")
    func logs(_ field: String) throws -> [Double] {
      try logarithms(data.vector(field, count: count), field: field, in: data)
    }
    let diameter1 = try logs("diam1")
    let diameter2 = try logs("diam2")
    let canopyHeight = try logs("canopy_height")
    let area = zip(diameter1, diameter2).map { $0 + $1 }
    let volume = zip(area, canopyHeight).map { $0 + $1 }
    let shape = zip(diameter1, diameter2).map { $0 - $1 }
    design = designMatrix(columns: [
      ones(count), volume, area, shape, try logs("total_height"), try logs("density"),
      try data.vector("group", count: count),
    ])
    logWeights = Tensor(try logs("weight"))
  }

  public var parameters: [ParameterDeclaration] {
    [
      ParameterDeclaration("beta", shape: [7], elementNames: stanElementNames("beta", count: 7)),
      ParameterDeclaration("sigma", constraint: .positive),
    ]
  }

  @differentiable(reverse)
  public func logJoint(_ parameters: ParameterValues) -> Tensor<Double> {
    linearRegressionLogLikelihood(
      coefficients: parameters[0], standardDeviation: parameters[1], design: design,
      targets: logWeights)
  }
}
