import Inference
import TensorCore
import _Differentiation

/// posteriordb's `sblri-blr`: Bayesian linear regression on D predictors without an
/// intercept,
/// ```
/// βⱼ ~ N(0, 10²),   σ ~ N(0, 10²) truncated to σ > 0
/// yₙ ~ N(xₙᵀβ, σ²)
/// ```
/// The predictors are large (|x| up to ~300), so β is known to ~10⁻³ while σ ≈ 1: posterior
/// scales three orders of magnitude apart. Parameters `beta` (`beta[1]` … `beta[D]`) and
/// `sigma` (positive).
public struct SimpleBayesianLinearRegression: PosteriorDBModel {
  public static let posteriorName = "sblri-blr"

  /// X, [N, D].
  public let design: Tensor<Double>
  /// y, [N].
  public let targets: Tensor<Double>

  public init(data: PosteriorData) throws {
    let count = try data.int("N")
    let width = try data.int("D")
    guard width >= 1 else {
      throw PosteriorDataError(path: data.path, field: "D", problem: "must be at least 1")
    }
    design = try data.matrix("X", rows: count, columns: width)
    targets = Tensor(try data.vector("y", count: count))
  }

  public var parameters: [ParameterDeclaration] {
    let width = design.shape[1]
    return [
      ParameterDeclaration(
        "beta", shape: [width], elementNames: stanElementNames("beta", count: width)),
      ParameterDeclaration("sigma", constraint: .positive),
    ]
  }

  @differentiable(reverse)
  public func logJoint(_ parameters: ParameterValues) -> Tensor<Double> {
    let beta = parameters[0]
    let sigma = parameters[1]
    return normalLogPrior(beta, mean: 0, standardDeviation: 10)
      + normalLogPrior(sigma, mean: 0, standardDeviation: 10)
      + linearRegressionLogLikelihood(
        coefficients: beta, standardDeviation: sigma, design: design, targets: targets)
  }
}
