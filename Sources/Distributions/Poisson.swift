import RealModule
import TensorCore
import _Differentiation

/// The Poisson distribution with rate λ = e^a, parameterised by the log rate a.
///
/// ```
/// log p(k) = k·a − e^a − log Γ(k + 1),   k ∈ {0, 1, 2, …}
/// ```
///
/// The log-rate parameterisation keeps λ positive under unconstrained optimisation and makes
/// log p linear in a. Negative values give −∞; non-integer values get the continuous extension
/// through log Γ. Sampled by inversion for λ < 10 and by Hörmann's transformed rejection (PTRS)
/// above (see `RandomNumberGenerator.nextPoisson(rate:)`).
public struct Poisson<Scalar: TensorScalar>: ParameterizedDistribution {
  /// The log rate a = log λ, any real.
  public var logRate: Tensor<Scalar>

  /// Creates the Poisson distribution with rate e^logRate.
  ///
  /// - Parameter logRate: a = log λ, any real.
  @inlinable
  @differentiable(reverse)
  public init(logRate: Tensor<Scalar>) {
    self.logRate = logRate
  }

  /// Creates the Poisson distribution with the given rate λ > 0.
  @inlinable
  @differentiable(reverse)
  public init(rate: Tensor<Scalar>) {
    self.init(logRate: log(rate))
  }

  /// The rate λ = e^a, the mean and the variance.
  @inlinable
  @differentiable(reverse)
  public var rate: Tensor<Scalar> { exp(logRate) }

  /// The parameters and their domains, from which `batchShape` and `validated()` derive.
  @inlinable
  public var namedParameters: [NamedParameter<Scalar>] {
    [NamedParameter("logRate", logRate, .finite)]
  }

  /// The elementwise log mass k·a − e^a − log Γ(k + 1), −∞ for k < 0.
  @inlinable
  @differentiable(reverse)
  public func logProbability(of value: Tensor<Scalar>) -> Tensor<Scalar> {
    let support = Support.nonNegative.membership(of: withoutDerivative(at: value))
    let k = value.replacing(outside: support.inside, with: 0)
    return k * logRate - exp(logRate) - logGamma(k + 1) + support.logIndicator
  }

  /// Independent draws of shape `sampleShape + batchShape`.
  @inlinable
  public func sample(
    sampleShape: [Int], using generator: inout some RandomNumberGenerator
  ) -> Tensor<Scalar> {
    exp(logRate).broadcasted(to: sampleShape + batchShape).mappingScalars {
      Scalar(generator.nextPoisson(rate: Double($0)))
    }
  }
}
