import Distributions
import Inference
import TensorCore
import _Differentiation

/// posteriordb's `gp_pois_regr-gp_regr`: Gaussian-process regression of y on one-dimensional
/// inputs x, with a squared-exponential covariance and noise σ on the diagonal (σ, not σ², as
/// in the Stan program):
/// ```
/// ρ ~ Gamma(25, 4),   α ~ N⁺(0, 2²),   σ ~ N⁺(0, 1)
/// y ~ N(0, K + σI),   Kᵢⱼ = α² exp(−(xᵢ − xⱼ)² / (2ρ²))
/// ```
/// Parameters `rho`, `alpha` and `sigma`, all positive. The half-normal priors are normals
/// restricted to σ > 0 by the constraint; the truncation adds only a constant (log 2 each),
/// which is left out, as Stan leaves it out. The other densities keep their normalising
/// constants.
///
/// Vectorised over the L draws: one `[L, N, N]` stack of covariances, one Cholesky factor per
/// draw. A draw whose covariance is not numerically positive definite gets a NaN log joint
/// (rather than stopping), and ADVI rejects the step, as Stan rejects a draw whose
/// `cholesky_decompose` fails.
public struct GaussianProcessRegression: ProbabilisticModel, Sendable {
  /// The inputs x, `[N]`.
  public let x: Tensor<Double>
  /// The observations y, `[N]`.
  public let y: Tensor<Double>

  /// The model of observations `y` at inputs `x` (posteriordb's data: N = 11 points).
  ///
  /// Stops with a message (in every build) unless there are as many inputs as observations,
  /// at least one, all finite.
  public init(x: [Double], y: [Double]) {
    guard x.count == y.count, !x.isEmpty, (x + y).allSatisfy(\.isFinite) else {
      fatalError(
        "GaussianProcessRegression: needs as many finite inputs as observations, got "
          + "\(x.count) inputs and \(y.count) observations")
    }
    self.x = Tensor(x)
    self.y = Tensor(y)
  }

  public var parameters: [ParameterDeclaration] {
    [
      ParameterDeclaration("rho", constraint: .positive),
      ParameterDeclaration("alpha", constraint: .positive),
      ParameterDeclaration("sigma", constraint: .positive),
    ]
  }

  @differentiable(reverse)
  public func logJoint(_ p: ParameterValues) -> Tensor<Double> {
    let (rho, alpha, sigma) = (p["rho"], p["alpha"], p["sigma"])  // each [L, 1]
    let covariance = squaredExponentialCovariance(x, magnitude: alpha, lengthScale: rho)
      .addingToDiagonal(sigma)  // [L, N, N]
    let prior =
      Gamma(concentration: 25, rate: 4).logProbability(of: rho)
      + Normal(mean: 0, standardDeviation: 2).logProbability(of: alpha)
      + Normal(mean: 0, standardDeviation: 1).logProbability(of: sigma)  // [L, 1]
    let likelihood = multivariateNormalLogDensity(
      of: y, mean: 0, scaleTril: batchedCholesky(covariance))  // [L]
    return prior.squeezingShape(at: [1]) + likelihood
  }
}
