import RealModule
import TensorCore
import _Differentiation

/// Student's t distribution with ν degrees of freedom, location μ and scale σ: heavier-tailed
/// than the normal, which it approaches as ν → ∞ (ν = 1 is the Cauchy distribution).
///
/// ```
/// log p(x) = log Γ((ν+1)/2) − log Γ(ν/2) − ½ log(νπ) − log σ
///            − (ν+1)/2 · log(1 + ((x − μ)/σ)²/ν),   x ∈ ℝ
/// ```
///
/// The last term uses `log(onePlus:)`. Sampled as μ + σ·Z/√(V/ν) with Z ~ N(0, 1) and
/// V ~ χ²(ν) = 2·Gamma(ν/2, 1). Reparameterised through Z and log G, G ~ Gamma(ν/2, 1), with
/// the implicit gamma gradient of ``Gamma`` for ν; the noise has a trailing axis of size 2
/// holding Z and log G.
public struct StudentT<Scalar: TensorScalar>:
  ParameterizedDistribution, ReparameterizedDistribution, AnalyticEntropy
{
  /// The degrees of freedom ν > 0.
  public var degreesOfFreedom: Tensor<Scalar>
  /// The location μ (any real): the median, and the mean when ν > 1.
  public var location: Tensor<Scalar>
  /// The scale σ > 0.
  public var scale: Tensor<Scalar>

  /// Creates Student's t distribution; the parameters broadcast to the batch shape.
  ///
  /// - Parameters:
  ///   - degreesOfFreedom: ν, positive.
  ///   - location: μ, any real.
  ///   - scale: σ, positive (the domains are not checked here: see ``validated()``).
  /// - Precondition: the shapes broadcast (checked here, with a message naming the
  ///   distribution).
  @inlinable
  @differentiable(reverse)
  public init(
    degreesOfFreedom: Tensor<Scalar>, location: Tensor<Scalar>, scale: Tensor<Scalar>
  ) {
    _ = broadcastShape(
      [degreesOfFreedom.shape, location.shape, scale.shape], operation: "StudentT")
    self.degreesOfFreedom = degreesOfFreedom
    self.location = location
    self.scale = scale
  }

  /// The parameters and their domains, from which `batchShape` and `validated()` derive.
  @inlinable
  public var namedParameters: [NamedParameter<Scalar>] {
    [
      NamedParameter("degreesOfFreedom", degreesOfFreedom, .positive),
      NamedParameter("location", location, .finite),
      NamedParameter("scale", scale, .positive),
    ]
  }

  /// The elementwise log density (see the type's documentation).
  @inlinable
  @differentiable(reverse)
  public func logProbability(of value: Tensor<Scalar>) -> Tensor<Scalar> {
    let nu = degreesOfFreedom
    let half = (nu + 1) / 2
    let standardized = (value - location) / scale
    let normalizer = logGamma(half) - logGamma(nu / 2) - log(nu * Scalar.pi) / 2 - log(scale)
    return normalizer - half * log(onePlus: standardized.squared() / nu)
  }

  /// The entropy
  /// ```
  /// H = (ν+1)/2 · (ψ((ν+1)/2) − ψ(ν/2)) + ½ log ν + log B(ν/2, ½) + log σ,
  /// ```
  /// with ψ the digamma function and B the beta function.
  @inlinable
  @differentiable(reverse)
  public func entropy() -> Tensor<Scalar> {
    let nu = degreesOfFreedom
    let half = (nu + 1) / 2
    return half * (digamma(half) - digamma(nu / 2)) + log(nu) / 2
      + logBeta(nu / 2, Tensor(Scalar(0.5))) + log(scale)
  }

  /// Noise of shape `sampleShape + batchShape + [2]`: Z ~ N(0, 1) and log G for
  /// G ~ Gamma(ν/2, 1), drawn with the current degrees of freedom.
  @inlinable
  public func sampleNoise(
    sampleShape: [Int], using generator: inout some RandomNumberGenerator
  ) -> Tensor<Scalar> {
    let shape = sampleShape + batchShape + [1]
    let normal = Tensor<Scalar>(randomNormal: shape, using: &generator)
    let logGamma = logGammaDraws(
      concentration: (degreesOfFreedom / 2).expandingShape(at: -1).broadcasted(to: shape),
      using: &generator)
    return Tensor(concatenating: [normal, logGamma], alongAxis: -1)
  }

  /// z = μ + σ·Z·exp(½(log ν − log 2 − log G)) = μ + σ·Z/√(2G/ν), with the implicit gradient
  /// of log G in ν/2.
  ///
  /// - Precondition: the noise was drawn by ``sampleNoise(sampleShape:using:)`` with the same
  ///   degrees of freedom.
  @inlinable
  @differentiable(reverse)
  public func reparameterizedSample(noise: Tensor<Scalar>) -> Tensor<Scalar> {
    let shape = withoutDerivative(at: Array(noise.shape.dropLast()))
    let parts = noise.split(sizes: [1, 1], alongAxis: -1)
    let nu = degreesOfFreedom.broadcasted(to: shape)
    let logGamma = parts[1].reshaped(to: shape).implicitLogGammaDraws(concentration: nu / 2)
    let standard = parts[0].reshaped(to: shape) * exp((log(nu) - logGamma - Scalar.log(2)) / 2)
    return location + scale * standard
  }
}
