import NeuralNetworks
import Optimizers
import TensorCore
import _Differentiation

/// The Laplace approximation of a Dirichlet(α) prior on θ in the softmax basis (MacKay 1998;
/// Srivastava & Sutton 2017, eq. 3): θ = softmax(h) with h ~ N(μ₁, diag σ₁²),
/// ```
/// μ₁ₖ = log αₖ − (1/K) Σᵢ log αᵢ,
/// σ₁²ₖ = (1/αₖ)(1 − 2/K) + (1/K²) Σᵢ 1/αᵢ.
/// ```
public struct LaplaceDirichletPrior: Sendable, Equatable {
  /// α, one concentration per topic.
  public let concentrations: [Double]
  /// μ₁, `[K]`.
  public let mean: Tensor<Float>
  /// σ₁², `[K]`.
  public let variance: Tensor<Float>
  /// log σ₁², `[K]`.
  public let logVariance: Tensor<Float>

  /// The approximation of Dirichlet(`concentrations`).
  ///
  /// - Throws: `.invalidSetting` when there are fewer than two topics or a concentration is not
  ///   positive and finite.
  public init(concentrations alpha: [Double]) throws(TopicModelError) {
    guard alpha.count >= 2 else {
      throw TopicModelError(
        .invalidSetting, path: "--topics", "ProdLDA needs at least 2 topics, not \(alpha.count)")
    }
    guard alpha.allSatisfy({ $0 > 0 && $0.isFinite }) else {
      throw TopicModelError(
        .invalidSetting, path: "--alpha", "the Dirichlet prior α must be positive and finite")
    }
    let k = Double(alpha.count)
    let meanLog = alpha.map { Double.log($0) }.reduce(0, +) / k
    let inverseSum = alpha.map { 1 / $0 }.reduce(0, +)
    let mu = alpha.map { Float(Double.log($0) - meanLog) }
    let sigma2 = alpha.map { Float((1 / $0) * (1 - 2 / k) + inverseSum / (k * k)) }
    concentrations = alpha
    mean = Tensor(mu)
    variance = Tensor(sigma2)
    logVariance = Tensor(sigma2.map { Float.log($0) })
  }

  /// The symmetric prior Dirichlet(α, …, α) over `topics` topics.
  public init(topics: Int, concentration: Double) throws(TopicModelError) {
    try self.init(concentrations: Array(repeating: concentration, count: topics))
  }

  /// KL(N(μ, diag σ²) ‖ N(μ₁, diag σ₁²)) of each row, in closed form:
  /// ```
  /// ½ Σₖ [ σ²ₖ/σ₁²ₖ + (μₖ − μ₁ₖ)²/σ₁²ₖ − 1 + log σ₁²ₖ − log σ²ₖ ]
  /// ```
  /// for `mean` and `logVariance` of shape `[batch, K]`; the result is `[batch, 1]`.
  @differentiable(reverse, wrt: (mean, logVariance))
  public func klDivergence(mean: Tensor<Float>, logVariance: Tensor<Float>) -> Tensor<Float> {
    let difference = mean - self.mean
    let terms =
      (exp(logVariance) + difference * difference) / variance - 1 + self.logVariance
      - logVariance
    return terms.sum(alongAxes: [1]) * 0.5
  }
}

/// ProdLDA's networks (Srivastava & Sutton 2017): the encoder from a document's word counts
/// to its logistic-normal q(θ | w) and the topic–word weights β of the decoder.
///
/// ```
/// h = softplus(softplus(w W₁ + b₁) W₂ + b₂)           (dropout on h when training)
/// μ = BN(h Wμ + bμ),   log σ² = BN(h Wσ + bσ)
/// z = μ + σ ε,   θ = softmax(z)                        (dropout on θ when training)
/// log p(· | θ) = log softmax(BN(θ β) + o)              (β: [K, V], a product of experts)
/// ```
/// BN is batch normalisation without an affine transform, over the batch when training and
/// with fixed statistics for evaluation; the decoder's has a learnt per-word offset o, the
/// centre of the batch normalisation in the paper's code (TensorFlow's `batch_norm`, whose
/// `center` is on by default), which carries the words' overall frequencies.
public struct ProdLDANetwork: Differentiable {
  /// The first softplus layer, W₁ `[V, H]` and b₁ `[H]`: word counts to hidden units.
  public var hidden1: Dense<Float>
  /// The second softplus layer, W₂ `[H, H]` and b₂ `[H]`.
  public var hidden2: Dense<Float>
  /// The mean head, Wμ `[H, K]` and bμ `[K]`, before its batch normalisation.
  public var meanHead: Dense<Float>
  /// The log-variance head, Wσ `[H, K]` and bσ `[K]`, before its batch normalisation.
  public var logVarianceHead: Dense<Float>
  /// β, `[K, V]`: topic k's unnormalised log weights of the words.
  public var topicWord: Tensor<Float>
  /// o, `[V]`: the decoder's per-word offset after its batch normalisation.
  public var wordOffset: Tensor<Float>

  /// Networks initialised as PyTorch's `nn.Linear` layers.
  public init(
    vocabularySize: Int, topics: Int, hiddenSize: Int,
    using generator: inout some RandomNumberGenerator
  ) {
    hidden1 = Dense(
      inputSize: vocabularySize, outputSize: hiddenSize, activation: .softplus,
      using: &generator)
    hidden2 = Dense(
      inputSize: hiddenSize, outputSize: hiddenSize, activation: .softplus, using: &generator)
    meanHead = Dense(inputSize: hiddenSize, outputSize: topics, using: &generator)
    logVarianceHead = Dense(inputSize: hiddenSize, outputSize: topics, using: &generator)
    topicWord = Tensor(fanInUniform: [topics, vocabularySize], fanIn: topics, using: &generator)
    wordOffset = Tensor(zeros: [vocabularySize])
  }

  /// Networks of the given layers, β (`topicWord`, `[K, V]`) and word offset (`[V]`), as read
  /// from a model file; ``ProdLDA/init(vocabulary:network:statistics:prior:)`` checks that
  /// their shapes agree.
  public init(
    hidden1: Dense<Float>, hidden2: Dense<Float>, meanHead: Dense<Float>,
    logVarianceHead: Dense<Float>, topicWord: Tensor<Float>, wordOffset: Tensor<Float>
  ) {
    self.wordOffset = wordOffset
    self.hidden1 = hidden1
    self.hidden2 = hidden2
    self.meanHead = meanHead
    self.logVarianceHead = logVarianceHead
    self.topicWord = topicWord
  }

  /// K, the rows of β.
  public var topicCount: Int { topicWord.shape[0] }
  /// V, the columns of β.
  public var vocabularySize: Int { topicWord.shape[1] }
  /// H, the width of the encoder's hidden layers.
  public var hiddenSize: Int { hidden1.outputSize }

  /// The encoder's hidden layer output and the heads before batch normalisation. The first
  /// layer, softplus(w W₁ + b₁), visits only the document's words (``sparseRowsProduct(_:_:)``).
  @differentiable(reverse, wrt: self)
  func heads(_ counts: Tensor<Float>, hiddenKeep: Tensor<Float>?) -> (
    mean: Tensor<Float>, logVariance: Tensor<Float>
  ) {
    let first = softplus(sparseRowsProduct(counts, hidden1.weight) + hidden1.bias)
    var h = hidden2(first)
    if let hiddenKeep { h = h * hiddenKeep }
    return (meanHead(h), logVarianceHead(h))
  }

  /// Each document's negative ELBO, −E_q[log p(w | θ)] + KL(q ‖ prior), with one draw of z per
  /// document (`noise`: `[batch, K]` standard normal draws), as `[batch, 1]`.
  ///
  /// `statistics` nil normalises over the batch (training); otherwise the three fixed
  /// normalisations (evaluation). `hiddenKeep` and `topicKeep` are dropout masks already scaled
  /// by 1/(1 − p), or nil for none.
  @differentiable(reverse, wrt: self)
  public func negativeELBO(
    counts: Tensor<Float>, noise: Tensor<Float>, prior: LaplaceDirichletPrior,
    statistics: ProdLDAStatistics? = nil, hiddenKeep: Tensor<Float>? = nil,
    topicKeep: Tensor<Float>? = nil
  ) -> Tensor<Float> {
    let (rawMean, rawLogVariance) = heads(counts, hiddenKeep: hiddenKeep)
    let mean = normalized(rawMean, statistics?.mean)
    let logVariance = normalized(rawLogVariance, statistics?.logVariance)
    let z = mean + exp(logVariance * 0.5) * noise
    var theta = exp(z - z.logSumExp(alongAxis: 1))
    if let topicKeep { theta = theta * topicKeep }
    return reconstruction(
      matmul(theta, topicWord), offset: wordOffset, counts: counts, statistics?.decoder)
      + prior.klDivergence(mean: mean, logVariance: logVariance)
  }

  /// The mean over the batch of ``negativeELBO(counts:noise:prior:statistics:hiddenKeep:topicKeep:)``:
  /// the training loss.
  @differentiable(reverse, wrt: self)
  public func loss(
    counts: Tensor<Float>, noise: Tensor<Float>, prior: LaplaceDirichletPrior,
    statistics: ProdLDAStatistics? = nil, hiddenKeep: Tensor<Float>? = nil,
    topicKeep: Tensor<Float>? = nil
  ) -> Tensor<Float> {
    negativeELBO(
      counts: counts, noise: noise, prior: prior, statistics: statistics,
      hiddenKeep: hiddenKeep, topicKeep: topicKeep
    ).mean()
  }
}

/// −Σ_v c_bv log softmax(BN(x_b))_v of each row: fused over the batch's statistics
/// (``batchNormalizedReconstruction(_:counts:epsilon:)``), or composed with fixed ones.
@differentiable(reverse, wrt: (logits, offset))
func reconstruction(
  _ logits: Tensor<Float>, offset: Tensor<Float>, counts: Tensor<Float>,
  _ statistics: BatchNormalizationStatistics?
) -> Tensor<Float> {
  if let statistics {
    let y = statistics.normalize(logits) + offset
    return -(counts * (y - y.logSumExp(alongAxis: 1))).sum(alongAxes: [1])
  }
  return batchNormalizedReconstruction(logits, offset: offset, counts: counts)
}

/// Batch normalisation over the batch, or with fixed statistics.
@differentiable(reverse, wrt: x)
func normalized(_ x: Tensor<Float>, _ statistics: BatchNormalizationStatistics?) -> Tensor<Float> {
  if let statistics { return statistics.normalize(x) }
  return batchNormalized(x)
}

/// The fixed statistics of ProdLDA's three batch normalisations, for evaluation.
public struct ProdLDAStatistics: Sendable, Equatable {
  /// The statistics of the mean head's outputs h Wμ + bμ (K features).
  public var mean: BatchNormalizationStatistics
  /// The statistics of the log-variance head's outputs h Wσ + bσ (K features).
  public var logVariance: BatchNormalizationStatistics
  /// The statistics of the decoder's logits θ β (V features).
  public var decoder: BatchNormalizationStatistics

  /// The three normalisations' statistics.
  public init(
    mean: BatchNormalizationStatistics, logVariance: BatchNormalizationStatistics,
    decoder: BatchNormalizationStatistics
  ) {
    self.mean = mean
    self.logVariance = logVariance
    self.decoder = decoder
  }
}

extension ProdLDANetwork: ParameterGroup {
  /// The networks train in single precision.
  public typealias Scalar = Float

  /// The layers' weights and biases in order (hidden1, hidden2, meanHead, logVarianceHead),
  /// then β and the word offset.
  public var parameterKeyPaths: [WritableKeyPath<ProdLDANetwork, Tensor<Float>>] {
    parameterKeyPaths(of: \.hidden1) + parameterKeyPaths(of: \.hidden2)
      + parameterKeyPaths(of: \.meanHead) + parameterKeyPaths(of: \.logVarianceHead)
      + [\.topicWord, \.wordOffset]
  }

  /// The gradients of the tensors of ``parameterKeyPaths``, in the same order.
  public var tangentKeyPaths: [WritableKeyPath<TangentVector, Tensor<Float>>] {
    tangentKeyPaths(of: \.hidden1, \.hidden1) + tangentKeyPaths(of: \.hidden2, \.hidden2)
      + tangentKeyPaths(of: \.meanHead, \.meanHead)
      + tangentKeyPaths(of: \.logVarianceHead, \.logVarianceHead) + [\.topicWord, \.wordOffset]
  }

  /// Calls `body` with each parameter tensor in the order of ``parameterKeyPaths`` (its index,
  /// the tensor to change in place, and its gradient), passing the layers' tensors through
  /// their own `updateParameters(along:_:)` rather than through key paths.
  public mutating func updateParameters(
    along gradient: TangentVector,
    _ body: (_ index: Int, _ parameter: inout Tensor<Float>, _ gradient: Tensor<Float>) -> Void
  ) {
    var next = TensorCore.updateParameters(
      of: &hidden1, along: gradient.hidden1, numberingFrom: 0, body)
    next = TensorCore.updateParameters(
      of: &hidden2, along: gradient.hidden2, numberingFrom: next, body)
    next = TensorCore.updateParameters(
      of: &meanHead, along: gradient.meanHead, numberingFrom: next, body)
    next = TensorCore.updateParameters(
      of: &logVarianceHead, along: gradient.logVarianceHead, numberingFrom: next, body)
    body(next, &topicWord, gradient.topicWord)
    body(next + 1, &wordOffset, gradient.wordOffset)
  }
}

extension DocumentTermMatrix {
  /// The counts of the documents at `indices` as a dense `[indices.count, termCount]` matrix.
  public func denseCounts(_ indices: some Collection<Int>) -> Tensor<Float> {
    var scalars = [Float](repeating: 0, count: indices.count * termCount)
    for (row, document) in indices.enumerated() {
      for entry in rowStarts[document]..<rowStarts[document + 1] {
        scalars[row * termCount + Int(termIndices[entry])] = Float(counts[entry])
      }
    }
    return Tensor(shape: [indices.count, termCount], scalars: scalars)
  }
}
