import RealModule
import TensorCore
import _Differentiation

/// The Bernoulli distribution over {0, 1}, parameterised by logits l = log(p/(1 − p)).
///
/// ```
/// log p(x) = −[x · softplus(−l) + (1 − x) · softplus(l)],   0 ≤ x ≤ 1
/// ```
///
/// For x ∈ {0, 1} this is log σ(l) or log(1 − σ(l)); for grey levels x ∈ [0, 1] (pixel
/// intensities in a VAE decoder) it is the negative binary cross-entropy. Working with logits
/// and softplus(l) = log(1 + eˡ), computed as max(l, 0) + log(1 + e^{−|l|}), never forms σ(l),
/// so logits of ±1000 give exact, finite results. Values outside [0, 1] give −∞.
public struct Bernoulli<Scalar: TensorScalar>: ParameterizedDistribution, AnalyticEntropy {
  /// The logits l = log(p/(1 − p)), any real.
  public var logits: Tensor<Scalar>

  /// Creates the Bernoulli distribution with success probability σ(logits).
  ///
  /// - Parameter logits: log-odds of 1, any real.
  @inlinable
  @differentiable(reverse)
  public init(logits: Tensor<Scalar>) {
    self.logits = logits
  }

  /// Creates the Bernoulli distribution with the given success probabilities, converted to
  /// logits log p − log(1 − p).
  ///
  /// - Parameter probabilities: p ∈ (0, 1); 0 and 1 give infinite logits.
  @inlinable
  @differentiable(reverse)
  public init(probabilities: Tensor<Scalar>) {
    self.init(logits: log(probabilities) - log(onePlus: -probabilities))
  }

  /// The success probabilities σ(l).
  @inlinable
  @differentiable(reverse)
  public var probabilities: Tensor<Scalar> { sigmoid(logits) }

  /// The parameters and their domains, from which `batchShape` and `validated()` derive.
  @inlinable
  public var namedParameters: [NamedParameter<Scalar>] {
    [NamedParameter("logits", logits, .finite)]
  }

  /// The elementwise log mass −[x · softplus(−l) + (1 − x) · softplus(l)], −∞ outside [0, 1].
  @inlinable
  @differentiable(reverse)
  public func logProbability(of value: Tensor<Scalar>) -> Tensor<Scalar> {
    let support = Support.closedUnitInterval.membership(of: withoutDerivative(at: value))
    let x = value.replacing(outside: support.inside, with: 0)
    return -(x * softplus(-logits) + (1 - x) * softplus(logits)) + support.logIndicator
  }

  /// The entropy p · softplus(−l) + (1 − p) · softplus(l), with p = σ(l).
  @inlinable
  @differentiable(reverse)
  public func entropy() -> Tensor<Scalar> {
    let p = sigmoid(logits)
    return p * softplus(-logits) + (1 - p) * softplus(logits)
  }

  /// Independent draws in {0, 1} of shape `sampleShape + batchShape`: 1 when a uniform draw
  /// falls below σ(l).
  @inlinable
  public func sample(
    sampleShape: [Int], using generator: inout some RandomNumberGenerator
  ) -> Tensor<Scalar> {
    Tensor(
      randomBernoulli: sigmoid(logits).broadcasted(to: sampleShape + batchShape),
      using: &generator)
  }
}
