import RealModule
import TensorCore
import _Differentiation

/// The binomial distribution: the number of successes in n independent trials, each a success
/// with probability p = σ(l), parameterised by the logits l.
///
/// ```
/// log p(k) = log Γ(n + 1) − log Γ(k + 1) − log Γ(n − k + 1)
///            − k · softplus(−l) − (n − k) · softplus(l),   k ∈ {0, 1, …, n}
/// ```
///
/// As for ``Bernoulli``, log p = −softplus(−l) and log(1 − p) = −softplus(l) keep extreme
/// logits finite. Values outside [0, n] give −∞; non-integer values in [0, n] get the continuous
/// extension through log Γ (useful for gradient checks and relaxations). Sampled with Knuth's
/// order-statistics recursion (see `RandomNumberGenerator.nextBinomial(count:probability:)`).
public struct Binomial<Scalar: TensorScalar>: ParameterizedDistribution {
  /// The number of trials n, a non-negative integer stored as a scalar; not differentiable.
  @noDerivative public var count: Tensor<Scalar>
  /// The logits l = log(p/(1 − p)) of the success probability, any real.
  public var logits: Tensor<Scalar>

  /// Creates the binomial distribution of `count` trials with success probability σ(logits);
  /// the parameters broadcast to the batch shape.
  ///
  /// - Parameters:
  ///   - count: n, a non-negative integer (not checked here: see ``validated()``).
  ///   - logits: log-odds of success, any real.
  /// - Precondition: the shapes broadcast (checked here, with a message naming the
  ///   distribution).
  @inlinable
  @differentiable(reverse, wrt: logits)
  public init(count: Tensor<Scalar>, logits: Tensor<Scalar>) {
    _ = broadcastShape(count.shape, logits.shape, operation: "Binomial")
    self.count = count
    self.logits = logits
  }

  /// Creates the binomial distribution with the given success probabilities, converted to
  /// logits log p − log(1 − p).
  @inlinable
  @differentiable(reverse, wrt: probabilities)
  public init(count: Tensor<Scalar>, probabilities: Tensor<Scalar>) {
    self.init(count: count, logits: log(probabilities) - log(onePlus: -probabilities))
  }

  /// The success probabilities σ(l).
  @inlinable
  @differentiable(reverse)
  public var probabilities: Tensor<Scalar> { sigmoid(logits) }

  /// The parameters and their domains, from which `batchShape` and `validated()` derive.
  @inlinable
  public var namedParameters: [NamedParameter<Scalar>] {
    [NamedParameter("count", count, .nonNegativeInteger), NamedParameter("logits", logits, .finite)]
  }

  /// Whether 0 ≤ k ≤ n for each scalar of `value` broadcast against `count`.
  @inlinable
  func supportMask(_ value: Tensor<Scalar>, shape: [Int]) -> [Bool] {
    let k = value.broadcasted(to: shape).scalars
    let n = count.broadcasted(to: shape).scalars
    return k.indices.map { k[$0] >= 0 && k[$0] <= n[$0] }
  }

  /// The elementwise log mass (see the type's documentation), −∞ outside [0, n].
  @inlinable
  @differentiable(reverse)
  public func logProbability(of value: Tensor<Scalar>) -> Tensor<Scalar> {
    let n = count
    let shape = broadcastShape(value.shape, n.shape, operation: "Binomial")
    let inside = withoutDerivative(at: self).supportMask(withoutDerivative(at: value), shape: shape)
    let logIndicator: Tensor<Scalar> = Support.logIndicator(inside, shape: shape)
    let k = value.broadcasted(to: shape).replacing(outside: inside, with: 0)
    let logCombinations = logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1)
    return logCombinations - k * softplus(-logits) - (n - k) * softplus(logits) + logIndicator
  }

  /// Independent draws of shape `sampleShape + batchShape`.
  @inlinable
  public func sample(
    sampleShape: [Int], using generator: inout some RandomNumberGenerator
  ) -> Tensor<Scalar> {
    let shape = sampleShape + batchShape
    let probabilities = sigmoid(logits).broadcasted(to: shape).scalars
    var index = 0
    return count.broadcasted(to: shape).mappingScalars { n in
      defer { index += 1 }
      let draw = generator.nextBinomial(
        count: Int(n), probability: Double(probabilities[index]))
      return Scalar(draw)
    }
  }
}
