import RealModule
import TensorCore
import _Differentiation

/// The half-normal distribution: the law of |X| for X ~ N(0, σ²).
///
/// ```
/// log p(x) = ½ log(2/π) − log σ − x²/(2σ²),   x ≥ 0
/// ```
///
/// Negative values give −∞. Reparameterised as z = σ|ε| with ε ~ N(0, 1).
public struct HalfNormal<Scalar: TensorScalar>:
  ParameterizedDistribution, ReparameterizedDistribution, AnalyticEntropy
{
  /// The scale σ > 0, the standard deviation of the underlying normal.
  public var scale: Tensor<Scalar>

  /// Creates the half-normal distribution with the given scale.
  ///
  /// - Parameter scale: σ, positive (not checked here: see ``validated()``).
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

  /// The elementwise log density ½ log(2/π) − log σ − x²/(2σ²), −∞ for x < 0.
  @inlinable
  @differentiable(reverse)
  public func logProbability(of value: Tensor<Scalar>) -> Tensor<Scalar> {
    let support = Support.nonNegative.membership(of: withoutDerivative(at: value))
    let density =
      -0.5 * (value / scale).squared() - log(scale)
      + Scalar.log(2 / Scalar.pi) / 2
    return density + support.logIndicator
  }

  /// The entropy ½ log(πσ²/2) + ½.
  @inlinable
  @differentiable(reverse)
  public func entropy() -> Tensor<Scalar> {
    log(scale) + (Scalar.log(Scalar.pi / 2) + 1) / 2
  }

  /// Half-normal noise |ε|, ε ~ N(0, 1), of shape `sampleShape + batchShape`.
  @inlinable
  public func sampleNoise(
    sampleShape: [Int], using generator: inout some RandomNumberGenerator
  ) -> Tensor<Scalar> {
    abs(Tensor(randomNormal: sampleShape + batchShape, using: &generator))
  }

  /// z = σ|ε|, given the noise |ε|.
  @inlinable
  @differentiable(reverse)
  public func reparameterizedSample(noise: Tensor<Scalar>) -> Tensor<Scalar> {
    scale * noise
  }
}
