import RealModule
import TensorCore
import _Differentiation

/// The Cauchy distribution with location x₀ (its median) and scale γ; it has no mean.
///
/// ```
/// log p(x) = −log π − log γ − log(1 + ((x − x₀)/γ)²),   x ∈ ℝ
/// ```
///
/// The last term is evaluated with `log(onePlus:)`, accurate near the location. Reparameterised
/// as z = x₀ + γε with ε standard Cauchy, drawn by inversion as tan(π(u − ½)).
public struct Cauchy<Scalar: TensorScalar>:
  ParameterizedDistribution, ReparameterizedDistribution, AnalyticEntropy
{
  /// The location x₀ (any real): the median and mode.
  public var location: Tensor<Scalar>
  /// The scale γ > 0: half the interquartile range.
  public var scale: Tensor<Scalar>

  /// Creates the Cauchy distribution; the parameters broadcast to the batch shape.
  ///
  /// - Parameters:
  ///   - location: x₀, any real.
  ///   - scale: γ, positive (not checked here: see ``validated()``).
  /// - Precondition: the shapes broadcast (checked here, with a message naming the
  ///   distribution).
  @inlinable
  @differentiable(reverse)
  public init(location: Tensor<Scalar>, scale: Tensor<Scalar>) {
    _ = broadcastShape(location.shape, scale.shape, operation: "Cauchy")
    self.location = location
    self.scale = scale
  }

  /// The parameters and their domains, from which `batchShape` and `validated()` derive.
  @inlinable
  public var namedParameters: [NamedParameter<Scalar>] {
    [NamedParameter("location", location, .finite), NamedParameter("scale", scale, .positive)]
  }

  /// The elementwise log density −log π − log γ − log(1 + ((x − x₀)/γ)²).
  @inlinable
  @differentiable(reverse)
  public func logProbability(of value: Tensor<Scalar>) -> Tensor<Scalar> {
    let standardized = (value - location) / scale
    return -log(onePlus: standardized.squared()) - log(scale) - Scalar.log(Scalar.pi)
  }

  /// The entropy log(4πγ).
  @inlinable
  @differentiable(reverse)
  public func entropy() -> Tensor<Scalar> {
    log(scale) + Scalar.log(4 * Scalar.pi)
  }

  /// Standard Cauchy noise ε of shape `sampleShape + batchShape`.
  @inlinable
  public func sampleNoise(
    sampleShape: [Int], using generator: inout some RandomNumberGenerator
  ) -> Tensor<Scalar> {
    tensorOfDraws(shape: sampleShape + batchShape) { generator.nextStandardCauchy() }
  }

  /// z = x₀ + γε.
  @inlinable
  @differentiable(reverse)
  public func reparameterizedSample(noise: Tensor<Scalar>) -> Tensor<Scalar> {
    location + scale * noise
  }
}
