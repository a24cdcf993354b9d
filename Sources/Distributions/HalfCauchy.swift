import RealModule
import TensorCore
import _Differentiation

/// The half-Cauchy distribution: the law of |X| for X Cauchy with location 0 and scale γ, a
/// common weakly informative prior for scale parameters (Gelman 2006).
///
/// ```
/// log p(x) = log(2/π) − log γ − log(1 + (x/γ)²),   x ≥ 0
/// ```
///
/// Negative values give −∞. Reparameterised as z = γ|ε| with ε standard Cauchy.
public struct HalfCauchy<Scalar: TensorScalar>:
  ParameterizedDistribution, ReparameterizedDistribution, AnalyticEntropy
{
  /// The scale γ > 0: the median.
  public var scale: Tensor<Scalar>

  /// Creates the half-Cauchy distribution with the given scale.
  ///
  /// - Parameter scale: γ, positive (not checked here: see ``validated()``).
  @inlinable
  @differentiable(reverse)
  public init(scale: Tensor<Scalar>) {
    self.scale = scale
  }

  /// The parameters and their domains, from which `batchShape` and `validated()` derive.
  @inlinable
  public var namedParameters: [NamedParameter<Scalar>] {
    [NamedParameter("scale", scale, .positive)]
  }

  /// The elementwise log density log(2/π) − log γ − log(1 + (x/γ)²), −∞ for x < 0.
  @inlinable
  @differentiable(reverse)
  public func logProbability(of value: Tensor<Scalar>) -> Tensor<Scalar> {
    let support = Support.nonNegative.membership(of: withoutDerivative(at: value))
    let density =
      -log(onePlus: (value / scale).squared()) - log(scale)
      + Scalar.log(2 / Scalar.pi)
    return density + support.logIndicator
  }

  /// The entropy log(2πγ).
  @inlinable
  @differentiable(reverse)
  public func entropy() -> Tensor<Scalar> {
    log(scale) + Scalar.log(2 * Scalar.pi)
  }

  /// Half-Cauchy noise |ε|, ε standard Cauchy, of shape `sampleShape + batchShape`.
  @inlinable
  public func sampleNoise(
    sampleShape: [Int], using generator: inout some RandomNumberGenerator
  ) -> Tensor<Scalar> {
    tensorOfDraws(shape: sampleShape + batchShape) { Swift.abs(generator.nextStandardCauchy()) }
  }

  /// z = γ|ε|, given the noise |ε|.
  @inlinable
  @differentiable(reverse)
  public func reparameterizedSample(noise: Tensor<Scalar>) -> Tensor<Scalar> {
    scale * noise
  }
}
