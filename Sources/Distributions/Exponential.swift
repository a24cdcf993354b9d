import RealModule
import TensorCore
import _Differentiation

/// The exponential distribution with rate λ: waiting times of a Poisson process, mean 1/λ.
///
/// ```
/// log p(x) = log λ − λx,   x ≥ 0
/// ```
///
/// Negative values give −∞. Reparameterised as z = ε/λ with ε ~ Exponential(1), drawn by
/// inversion as −log u.
public struct Exponential<Scalar: TensorScalar>:
  ParameterizedDistribution, ReparameterizedDistribution, AnalyticEntropy
{
  /// The rate λ > 0.
  public var rate: Tensor<Scalar>

  /// Creates the exponential distribution with the given rate.
  ///
  /// - Parameter rate: λ, positive (not checked here: see ``validated()``).
  @inlinable
  @differentiable(reverse)
  public init(rate: Tensor<Scalar>) {
    self.rate = rate
  }

  /// The parameters and their domains, from which `batchShape` and `validated()` derive.
  @inlinable
  public var namedParameters: [NamedParameter<Scalar>] {
    [NamedParameter("rate", rate, .positive)]
  }

  /// The elementwise log density log λ − λx, −∞ for x < 0.
  @inlinable
  @differentiable(reverse)
  public func logProbability(of value: Tensor<Scalar>) -> Tensor<Scalar> {
    let support = Support.nonNegative.membership(of: withoutDerivative(at: value))
    let x = value.replacing(outside: support.inside, with: 0)
    return log(rate) - rate * x + support.logIndicator
  }

  /// The entropy 1 − log λ.
  @inlinable
  @differentiable(reverse)
  public func entropy() -> Tensor<Scalar> {
    1 - log(rate)
  }

  /// Standard exponential noise ε of shape `sampleShape + batchShape`.
  @inlinable
  public func sampleNoise(
    sampleShape: [Int], using generator: inout some RandomNumberGenerator
  ) -> Tensor<Scalar> {
    tensorOfDraws(shape: sampleShape + batchShape) { generator.nextStandardExponential() }
  }

  /// z = ε/λ.
  @inlinable
  @differentiable(reverse)
  public func reparameterizedSample(noise: Tensor<Scalar>) -> Tensor<Scalar> {
    noise / rate
  }
}
