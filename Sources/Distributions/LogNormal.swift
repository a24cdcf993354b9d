import RealModule
import TensorCore
import _Differentiation

/// The log-normal distribution: the law of e^X for X ~ N(μ, σ²).
///
/// ```
/// log p(x) = −log x − log σ − ½ log 2π − (log x − μ)²/(2σ²),   x > 0
/// ```
///
/// Values x ≤ 0 give −∞. Reparameterised as z = exp(μ + σε) with ε ~ N(0, 1).
public struct LogNormal<Scalar: TensorScalar>:
  ParameterizedDistribution, ReparameterizedDistribution, AnalyticEntropy
{
  /// The location μ: the mean of log x (the median of x is e^μ).
  public var location: Tensor<Scalar>
  /// The scale σ > 0: the standard deviation of log x.
  public var scale: Tensor<Scalar>

  /// Creates the log-normal distribution of e^X, X ~ N(location, scale²); the parameters
  /// broadcast to the batch shape.
  ///
  /// - Parameters:
  ///   - location: μ, any real.
  ///   - scale: σ, positive (not checked here: see ``validated()``).
  /// - Precondition: the shapes broadcast (checked here, with a message naming the
  ///   distribution).
  @inlinable
  @differentiable(reverse)
  public init(location: Tensor<Scalar>, scale: Tensor<Scalar>) {
    _ = broadcastShape(location.shape, scale.shape, operation: "LogNormal")
    self.location = location
    self.scale = scale
  }

  /// The parameters and their domains, from which `batchShape` and `validated()` derive.
  @inlinable
  public var namedParameters: [NamedParameter<Scalar>] {
    [NamedParameter("location", location, .finite), NamedParameter("scale", scale, .positive)]
  }

  /// The elementwise log density −log x − log σ − ½ log 2π − (log x − μ)²/(2σ²), −∞ for x ≤ 0.
  @inlinable
  @differentiable(reverse)
  public func logProbability(of value: Tensor<Scalar>) -> Tensor<Scalar> {
    let support = Support.positive.membership(of: withoutDerivative(at: value))
    let logValue = log(value.replacing(outside: support.inside, with: 1))
    let standardized = (logValue - location) / scale
    let density =
      -0.5 * standardized.squared() - logValue - log(scale)
      - Scalar.log(2 * Scalar.pi) / 2
    return density + support.logIndicator
  }

  /// The entropy μ + ½ + log σ + ½ log 2π.
  @inlinable
  @differentiable(reverse)
  public func entropy() -> Tensor<Scalar> {
    location + log(scale) + (1 + Scalar.log(2 * Scalar.pi)) / 2
  }

  /// Standard normal noise ε of shape `sampleShape + batchShape`.
  @inlinable
  public func sampleNoise(
    sampleShape: [Int], using generator: inout some RandomNumberGenerator
  ) -> Tensor<Scalar> {
    Tensor(randomNormal: sampleShape + batchShape, using: &generator)
  }

  /// z = exp(μ + σε).
  @inlinable
  @differentiable(reverse)
  public func reparameterizedSample(noise: Tensor<Scalar>) -> Tensor<Scalar> {
    exp(location + scale * noise)
  }
}
