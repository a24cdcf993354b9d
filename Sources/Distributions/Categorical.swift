import RealModule
import TensorCore
import _Differentiation

/// The categorical distribution over the classes {0, 1, …, K − 1}, parameterised by
/// unnormalised logits along the last axis: the logits have shape `batchShape + [K]`.
///
/// ```
/// log p(k) = l_k − log Σⱼ exp(l_j),   k ∈ {0, …, K − 1}
/// ```
///
/// The normaliser is computed with a stable log-sum-exp (the maximum is subtracted first), so
/// logits of ±1000 are fine, and logits of −∞ (impossible classes) are allowed. Values are class
/// indices stored as scalars, shaped like (or broadcasting against) the batch shape; values
/// that are not integers in 0..<K give −∞. Sampled by inversion of the cumulative
/// probabilities.
public struct Categorical<Scalar: TensorScalar>: Distribution, AnalyticEntropy {
  /// The unnormalised log probabilities, of shape `batchShape + [K]`.
  public var logits: Tensor<Scalar>

  /// Creates the categorical distribution with probabilities softmax(logits) along the last
  /// axis.
  ///
  /// - Parameter logits: shape `batchShape + [K]`, K ≥ 1; any reals, or −∞ for impossible
  ///   classes (at least one finite per row).
  @inlinable
  @differentiable(reverse)
  public init(logits: Tensor<Scalar>) {
    userPrecondition(
      logits.rank >= 1 && logits.shape[logits.rank - 1] >= 1,
      "Categorical: logits need a class axis of size ≥ 1, got shape \(logits.shape)")
    self.logits = logits
  }

  /// Creates the categorical distribution with the given probabilities along the last axis
  /// (normalised here, so weights that do not sum to 1 are fine); the logits are their logs.
  @inlinable
  @differentiable(reverse)
  public init(probabilities: Tensor<Scalar>) {
    self.init(logits: log(probabilities))
  }

  /// The number of classes K.
  @inlinable
  public var classCount: Int { logits.shape[logits.rank - 1] }

  /// The batch shape: the logits' shape without its last axis.
  @inlinable
  public var batchShape: [Int] { Array(logits.shape.dropLast()) }

  /// The normalised log probabilities l − log Σ exp(l), of the logits' shape.
  @inlinable
  @differentiable(reverse)
  public var logProbabilities: Tensor<Scalar> {
    logits - logits.logSumExp(alongAxis: -1)
  }

  /// The probabilities softmax(l), of the logits' shape.
  @inlinable
  @differentiable(reverse)
  public var probabilities: Tensor<Scalar> { exp(logProbabilities) }

  /// `self`, or an ``InvalidParameterError`` if a logit is NaN or +∞, or a row has no finite
  /// logit.
  public func validated() throws -> Categorical {
    try requireParameter(
      logits.mappingScalars { $0 == -.infinity ? 0 : $0 }, in: .finite,
      distribution: "Categorical", name: "logits")
    try requireParameter(
      logits.max(alongAxes: [-1]), in: .finite, distribution: "Categorical",
      name: "the largest logit of each row")
    return self
  }

  /// The class index of each value broadcast to `shape` (0 for invalid ones) and whether it
  /// was a valid index.
  @inlinable
  func classIndices(_ value: Tensor<Scalar>, shape: [Int]) -> (indices: [Int], valid: [Bool]) {
    let classes = classCount
    let scalars = value.broadcasted(to: shape).scalars
    let valid = scalars.map { $0 >= 0 && $0 < Scalar(classes) && $0.rounded() == $0 }
    let indices = scalars.indices.map { valid[$0] ? Int(scalars[$0]) : 0 }
    return (indices, valid)
  }

  /// The elementwise log mass l_k − log Σⱼ exp(l_j) of the class indices k in `value`, of the
  /// shape `value` and the batch shape broadcast to; −∞ for invalid indices.
  @inlinable
  @differentiable(reverse)
  public func logProbability(of value: Tensor<Scalar>) -> Tensor<Scalar> {
    let constantSelf = withoutDerivative(at: self)
    let shape = broadcastShape(value.shape, constantSelf.batchShape, operation: "Categorical")
    let (indices, valid) = constantSelf.classIndices(withoutDerivative(at: value), shape: shape)
    let logIndicator: Tensor<Scalar> = Support.logIndicator(valid, shape: shape)
    let rows = logProbabilities.broadcasted(to: shape + [constantSelf.classCount])
    return rows.pickingAlongLastAxis(indices) + logIndicator
  }

  /// Which normalised log probabilities are finite: the classes with nonzero probability.
  @inlinable
  static func possibleClasses(_ logProbabilities: Tensor<Scalar>) -> [Bool] {
    logProbabilities.scalars.map { $0.isFinite }
  }

  /// The entropy −Σₖ pₖ log pₖ, with 0 · log 0 = 0 for impossible classes.
  @inlinable
  @differentiable(reverse)
  public func entropy() -> Tensor<Scalar> {
    let logP = logProbabilities
    let possible = Categorical.possibleClasses(withoutDerivative(at: logP))
    return -(exp(logP) * logP.replacing(outside: possible, with: 0)).sum(squeezingAxes: [-1])
  }

  /// Independent class indices of shape `sampleShape + batchShape`.
  @inlinable
  public func sample(
    sampleShape: [Int], using generator: inout some RandomNumberGenerator
  ) -> Tensor<Scalar> {
    let classes = classCount
    let probabilities = self.probabilities.scalars.map { Double($0) }
    let rows = probabilities.count / classes
    let draws = sampleShape.reduce(1, *)
    var result = [Scalar]()
    result.reserveCapacity(draws * rows)
    for _ in 0..<draws {
      for row in 0..<rows {
        let u = Double.unitUniform(generator.next())
        var cumulative = 0.0
        var chosen = classes - 1
        for k in 0..<classes {
          cumulative += probabilities[row * classes + k]
          if u < cumulative {
            chosen = k
            break
          }
        }
        // Rounding can leave the total just below u; fall back to the last possible class.
        while probabilities[row * classes + chosen] == 0 && chosen > 0 { chosen -= 1 }
        result.append(Scalar(chosen))
      }
    }
    return Tensor(shape: sampleShape + batchShape, scalars: result)
  }
}
