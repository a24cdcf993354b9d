import Optimizers
import RealModule
import TensorCore
import _Differentiation

/// The mean-field Gaussian family of ADVI (Kucukelbir et al. 2017, section 2.4):
/// independent normals q(ζ) = Πᵢ N(ζᵢ; μᵢ, σᵢ²) with σ = exp(ω), as in Stan, so that the
/// variational parameters (μ, ω) ∈ ℝ²ᴰ are unconstrained.
///
/// ```
/// ζ = μ + exp(ω) ⊙ ε,                      ε ~ N(0, I)
/// log q(ζ) = −½ Σᵢ ((ζᵢ − μᵢ)/σᵢ)² − Σᵢ ωᵢ − (D/2) log 2π
/// H[q] = Σᵢ ωᵢ + (D/2)(1 + log 2π)
/// ```
public struct MeanFieldGaussian: GaussianFamily {
  /// μ, [D].
  public var mean: Tensor<Double>
  /// ω = log σ, [D].
  public var logStandardDeviation: Tensor<Double>

  /// q with the given mean and ω, both [D].
  @differentiable(reverse)
  public init(mean: Tensor<Double>, logStandardDeviation: Tensor<Double>) {
    precondition(
      mean.rank == 1 && logStandardDeviation.shape == mean.shape,
      "MeanFieldGaussian: mean \(mean.shape) and logStandardDeviation "
        + "\(logStandardDeviation.shape) must be vectors of the same size")
    self.mean = mean
    self.logStandardDeviation = logStandardDeviation
  }

  /// q = N(mean, scale² I); scale 1 is Stan's initialisation (ω = 0).
  public init(mean: Tensor<Double>, scale: Double = 1) {
    self.init(
      mean: mean, logStandardDeviation: Tensor(repeating: Double.log(scale), shape: mean.shape))
  }

  public var dimension: Int { mean.shape[0] }
  public var noiseDimension: Int { mean.shape[0] }

  @differentiable(reverse, wrt: self)
  public func reparameterizedSample(noise: Tensor<Double>) -> Tensor<Double> {
    mean + exp(logStandardDeviation) * noise
  }

  @differentiable(reverse)
  public func logDensity(of draws: Tensor<Double>) -> Tensor<Double> {
    let standardized = (draws - mean) * exp(-logStandardDeviation)
    let constant = withoutDerivative(at: gaussianLogNormalizer(dimension: dimension))
    return -0.5 * standardized.squared().sum(squeezingAxes: [1])
      - logStandardDeviation.sum() - constant
  }

  @differentiable(reverse)
  public func entropy() -> Tensor<Double> {
    logStandardDeviation.sum()
      + withoutDerivative(at: gaussianEntropyConstant(dimension: dimension))
  }

  /// diag(σ²).
  public func covariance() -> Tensor<Double> {
    Tensor(diagonal: exp(2 * logStandardDeviation))
  }

  /// σ = exp(ω).
  public func marginalStandardDeviations() -> Tensor<Double> { exp(logStandardDeviation) }

  public var parameterKeyPaths: [WritableKeyPath<MeanFieldGaussian, Tensor<Double>>] {
    [\.mean, \.logStandardDeviation]
  }
  public var tangentKeyPaths: [WritableKeyPath<TangentVector, Tensor<Double>>] {
    [\.mean, \.logStandardDeviation]
  }
}
