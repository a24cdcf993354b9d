import RealModule
import TensorCore
import _Differentiation

/// The gamma distribution with concentration (shape) α and rate β: mean α/β, variance α/β².
///
/// ```
/// log p(x) = α log β − log Γ(α) + (α − 1) log x − βx,   x > 0
/// ```
///
/// Values x ≤ 0 give −∞ (also at x = 0 when α = 1, where the density has a finite limit: the
/// boundary has probability zero).
///
/// Sampled by the method of Marsaglia and Tsang (2000), with the boost G(α) = G(α + 1)·u^{1/α}
/// for α < 1, then divided by β. Reparameterised with implicit gradients (Figurnov, Mohamed &
/// Mnih 2018): the noise is log ε for ε ~ Gamma(α, 1), and z = ε/β where dε/dα is taken at
/// fixed quantile of ε, so gradients flow into both α and β.
public struct Gamma<Scalar: TensorScalar>:
  ParameterizedDistribution, ReparameterizedDistribution, AnalyticEntropy
{
  /// The concentration (shape) α > 0.
  public var concentration: Tensor<Scalar>
  /// The rate β > 0 (the inverse of the scale).
  public var rate: Tensor<Scalar>

  /// Creates the gamma distribution; the parameters broadcast to the batch shape.
  ///
  /// - Parameters:
  ///   - concentration: α, positive.
  ///   - rate: β, positive (the domains are not checked here: see ``validated()``).
  /// - Precondition: the shapes broadcast (checked here, with a message naming the
  ///   distribution).
  @inlinable
  @differentiable(reverse)
  public init(concentration: Tensor<Scalar>, rate: Tensor<Scalar>) {
    _ = broadcastShape(concentration.shape, rate.shape, operation: "Gamma")
    self.concentration = concentration
    self.rate = rate
  }

  /// The parameters and their domains, from which `batchShape` and `validated()` derive.
  @inlinable
  public var namedParameters: [NamedParameter<Scalar>] {
    [
      NamedParameter("concentration", concentration, .positive),
      NamedParameter("rate", rate, .positive),
    ]
  }

  /// The elementwise log density α log β − log Γ(α) + (α − 1) log x − βx, −∞ for x ≤ 0.
  @inlinable
  @differentiable(reverse)
  public func logProbability(of value: Tensor<Scalar>) -> Tensor<Scalar> {
    let support = Support.positive.membership(of: withoutDerivative(at: value))
    let x = value.replacing(outside: support.inside, with: 1)
    let alpha = concentration
    let density = alpha * log(rate) - logGamma(alpha) + (alpha - 1) * log(x) - rate * x
    return density + support.logIndicator
  }

  /// The entropy α − log β + log Γ(α) + (1 − α)ψ(α), with ψ the digamma function.
  @inlinable
  @differentiable(reverse)
  public func entropy() -> Tensor<Scalar> {
    let alpha = concentration
    return alpha - log(rate) + logGamma(alpha) + (1 - alpha) * digamma(alpha)
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

  /// z = ε/β for the noise log ε, with the implicit gradient dε/dα.
  ///
  /// - Precondition: the noise was drawn by ``sampleNoise(sampleShape:using:)`` with the same
  ///   concentration (the gradient with respect to α assumes it).
  @inlinable
  @differentiable(reverse)
  public func reparameterizedSample(noise: Tensor<Scalar>) -> Tensor<Scalar> {
    let alpha = concentration.broadcasted(to: withoutDerivative(at: noise.shape))
    return exp(noise.implicitLogGammaDraws(concentration: alpha)) / rate
  }
}
