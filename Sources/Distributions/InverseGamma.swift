import RealModule
import TensorCore
import _Differentiation

/// The inverse-gamma distribution: the law of 1/X for X ~ Gamma(α, rate β), conjugate prior of
/// a normal variance. Mean β/(α − 1) for α > 1.
///
/// ```
/// log p(x) = α log β − log Γ(α) − (α + 1) log x − β/x,   x > 0
/// ```
///
/// Values x ≤ 0 give −∞. Sampled as β·exp(−log ε) with log ε the log of a Gamma(α, 1) draw,
/// kept in log space so that small α does not overflow. Reparameterised through log ε with
/// implicit gradients, as ``Gamma``.
public struct InverseGamma<Scalar: TensorScalar>:
  ParameterizedDistribution, ReparameterizedDistribution, AnalyticEntropy
{
  /// The concentration (shape) α > 0.
  public var concentration: Tensor<Scalar>
  /// The scale β > 0.
  public var scale: Tensor<Scalar>

  /// Creates the inverse-gamma distribution; the parameters broadcast to the batch shape.
  ///
  /// - Parameters:
  ///   - concentration: α, positive.
  ///   - scale: β, positive (the domains are not checked here: see ``validated()``).
  /// - Precondition: the shapes broadcast (checked here, with a message naming the
  ///   distribution).
  @inlinable
  @differentiable(reverse)
  public init(concentration: Tensor<Scalar>, scale: Tensor<Scalar>) {
    _ = broadcastShape(concentration.shape, scale.shape, operation: "InverseGamma")
    self.concentration = concentration
    self.scale = scale
  }

  /// The parameters and their domains, from which `batchShape` and `validated()` derive.
  @inlinable
  public var namedParameters: [NamedParameter<Scalar>] {
    [
      NamedParameter("concentration", concentration, .positive),
      NamedParameter("scale", scale, .positive),
    ]
  }

  /// The elementwise log density α log β − log Γ(α) − (α + 1) log x − β/x, −∞ for x ≤ 0.
  @inlinable
  @differentiable(reverse)
  public func logProbability(of value: Tensor<Scalar>) -> Tensor<Scalar> {
    let support = Support.positive.membership(of: withoutDerivative(at: value))
    let x = value.replacing(outside: support.inside, with: 1)
    let alpha = concentration
    let density = alpha * log(scale) - logGamma(alpha) - (alpha + 1) * log(x) - scale / x
    return density + support.logIndicator
  }

  /// The entropy α + log β + log Γ(α) − (1 + α)ψ(α), with ψ the digamma function.
  @inlinable
  @differentiable(reverse)
  public func entropy() -> Tensor<Scalar> {
    let alpha = concentration
    return alpha + log(scale) + logGamma(alpha) - (1 + alpha) * digamma(alpha)
  }

  /// Log-gamma noise log ε, ε ~ Gamma(α, 1), of shape `sampleShape + batchShape`, drawn with
  /// the current concentration α.
  @inlinable
  public func sampleNoise(
    sampleShape: [Int], using generator: inout some RandomNumberGenerator
  ) -> Tensor<Scalar> {
    logGammaDraws(
      concentration: concentration.broadcasted(to: sampleShape + batchShape), using: &generator)
  }

  /// z = β·exp(−log ε) for the noise log ε, with the implicit gradient d(log ε)/dα.
  ///
  /// - Precondition: the noise was drawn by ``sampleNoise(sampleShape:using:)`` with the same
  ///   concentration.
  @inlinable
  @differentiable(reverse)
  public func reparameterizedSample(noise: Tensor<Scalar>) -> Tensor<Scalar> {
    let alpha = concentration.broadcasted(to: withoutDerivative(at: noise.shape))
    return scale * exp(-noise.implicitLogGammaDraws(concentration: alpha))
  }
}
