import RealModule
import TensorCore
import _Differentiation

/// The continuous uniform distribution on the interval [low, high].
///
/// ```
/// log p(x) = −log(high − low),   low ≤ x ≤ high
/// ```
///
/// Values outside the closed interval give −∞; the log density is differentiable in the
/// bounds (and has zero gradient in x). Reparameterised as z = low + (high − low)·u with u
/// uniform on [0, 1).
public struct Uniform<Scalar: TensorScalar>:
  ParameterizedDistribution, ReparameterizedDistribution, AnalyticEntropy
{
  /// The lower bound.
  public var low: Tensor<Scalar>
  /// The upper bound, greater than `low`.
  public var high: Tensor<Scalar>

  /// Creates the uniform distribution on [low, high]; the bounds broadcast to the batch shape.
  ///
  /// - Parameters:
  ///   - low: the lower bound, finite.
  ///   - high: the upper bound, finite and greater than `low` (not checked here: see
  ///     ``validated()``).
  /// - Precondition: the shapes broadcast (checked here, with a message naming the
  ///   distribution).
  @inlinable
  @differentiable(reverse)
  public init(low: Tensor<Scalar>, high: Tensor<Scalar>) {
    _ = broadcastShape(low.shape, high.shape, operation: "Uniform")
    self.low = low
    self.high = high
  }

  /// The parameters and their domains, from which `batchShape` and `validated()` derive.
  @inlinable
  public var namedParameters: [NamedParameter<Scalar>] {
    [NamedParameter("low", low, .finite), NamedParameter("high", high, .finite)]
  }

  /// `self`, or an ``InvalidParameterError`` if a bound is not finite or `high - low` is not
  /// positive.
  public func validated() throws -> Uniform {
    try requireParametersInDomains()
    try requireParameter(high - low, in: .positive, distribution: "Uniform", name: "high - low")
    return self
  }

  /// 0 where low ≤ x ≤ high and −∞ elsewhere, of the broadcast shape.
  @inlinable
  func logIndicator(_ value: Tensor<Scalar>) -> Tensor<Scalar> {
    let shape = broadcastShape([value.shape, low.shape, high.shape], operation: "Uniform")
    let x = value.broadcasted(to: shape).scalars
    let lower = low.broadcasted(to: shape).scalars
    let upper = high.broadcasted(to: shape).scalars
    let inside = x.indices.map { lower[$0] <= x[$0] && x[$0] <= upper[$0] }
    return Support.logIndicator(inside, shape: shape)
  }

  /// The elementwise log density −log(high − low), −∞ outside [low, high].
  @inlinable
  @differentiable(reverse)
  public func logProbability(of value: Tensor<Scalar>) -> Tensor<Scalar> {
    let indicator = withoutDerivative(at: self).logIndicator(withoutDerivative(at: value))
    return indicator - log(high - low)
  }

  /// The entropy log(high − low).
  @inlinable
  @differentiable(reverse)
  public func entropy() -> Tensor<Scalar> {
    log(high - low)
  }

  /// Uniform noise u ∈ [0, 1) of shape `sampleShape + batchShape`.
  @inlinable
  public func sampleNoise(
    sampleShape: [Int], using generator: inout some RandomNumberGenerator
  ) -> Tensor<Scalar> {
    Tensor(randomUniform: sampleShape + batchShape, using: &generator)
  }

  /// z = low + (high − low)·u.
  @inlinable
  @differentiable(reverse)
  public func reparameterizedSample(noise: Tensor<Scalar>) -> Tensor<Scalar> {
    low + (high - low) * noise
  }
}
