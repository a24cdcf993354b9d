import RealModule
import TensorCore
import _Differentiation

/// The normal (Gaussian) distribution N(μ, σ²), one independent scalar per batch element.
///
/// ```
/// log p(x) = −½ ((x − μ)/σ)² − log σ − ½ log 2π,   x ∈ ℝ
/// ```
///
/// Reparameterised as z = μ + σε with ε ~ N(0, 1), drawn by the Box–Muller transform
/// (`Tensor(randomNormal:)`).
public struct Normal<Scalar: TensorScalar>:
  ParameterizedDistribution, ReparameterizedDistribution, AnalyticEntropy
{
  /// The mean μ (any real).
  public var mean: Tensor<Scalar>
  /// The standard deviation σ > 0.
  public var standardDeviation: Tensor<Scalar>

  /// Creates N(mean, standardDeviation²); the two parameters broadcast to the batch shape.
  ///
  /// - Parameters:
  ///   - mean: μ, any real.
  ///   - standardDeviation: σ, positive (not checked here: see ``validated()``).
  /// - Precondition: the shapes broadcast (checked here, with a message naming the
  ///   distribution).
  @inlinable
  @differentiable(reverse)
  public init(mean: Tensor<Scalar>, standardDeviation: Tensor<Scalar>) {
    _ = broadcastShape(mean.shape, standardDeviation.shape, operation: "Normal")
    self.mean = mean
    self.standardDeviation = standardDeviation
  }

  /// The parameters and their domains, from which `batchShape` and `validated()` derive.
  @inlinable
  public var namedParameters: [NamedParameter<Scalar>] {
    [
      NamedParameter("mean", mean, .finite),
      NamedParameter("standardDeviation", standardDeviation, .positive),
    ]
  }

  /// The elementwise log density, −½((x − μ)/σ)² − log σ − ½ log 2π.
  @inlinable
  @differentiable(reverse)
  public func logProbability(of value: Tensor<Scalar>) -> Tensor<Scalar> {
    let standardized = (value - mean) / standardDeviation
    return -0.5 * standardized.squared() - log(standardDeviation)
      - Scalar.log(2 * Scalar.pi) / 2
  }

  /// The entropy ½ + ½ log 2π + log σ.
  @inlinable
  @differentiable(reverse)
  public func entropy() -> Tensor<Scalar> {
    log(standardDeviation) + (1 + Scalar.log(2 * Scalar.pi)) / 2
  }

  /// Standard normal noise ε of shape `sampleShape + batchShape`.
  @inlinable
  public func sampleNoise(
    sampleShape: [Int], using generator: inout some RandomNumberGenerator
  ) -> Tensor<Scalar> {
    Tensor(randomNormal: sampleShape + batchShape, using: &generator)
  }

  /// z = μ + σε.
  @inlinable
  @differentiable(reverse)
  public func reparameterizedSample(noise: Tensor<Scalar>) -> Tensor<Scalar> {
    mean + standardDeviation * noise
  }
}
