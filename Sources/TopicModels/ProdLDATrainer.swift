import Foundation
import Optimizers
import Reporting
import TensorCore
import _Differentiation

/// How ``ProdLDATrainer`` fits ProdLDA. The defaults follow Srivastava & Sutton (2017) and
/// their code: two softplus layers of 100, α = 1, Adam with learning rate 0.002 and β₁ = 0.99,
/// minibatches of 200, dropout 0.2 (Pyro's example; the paper's code drops 0.6, which on the
/// Debian descriptions gave incoherent topics).
///
/// The batch size matters beyond speed: on the Debian descriptions (10 passes, seed 0),
/// minibatches of 32 gave a mean NPMI of 0.035 and minibatches of 200 0.19 (LDA: 0.076);
/// more Adam steps, from smaller minibatches or more passes, tightened the held-out bound and
/// lowered the coherence.
public struct ProdLDAFitOptions: Sendable, Equatable {
  /// Passes (epochs) over the training documents; 10 by default.
  public var passes: Int = 10
  /// Documents per minibatch; 200 by default (the paper's). The last, partial minibatch of a
  /// pass is left out (the documents are shuffled every pass).
  public var batchSize: Int = 200
  /// Adam's learning rate; 0.002 by default.
  public var learningRate: Double = 0.002
  /// Adam's β₁; 0.99 by default (the paper's high momentum).
  public var beta1: Double = 0.99
  /// The width of the encoder's two hidden layers; 100 by default.
  public var hiddenSize: Int = 100
  /// The dropout probability on the encoder's hidden layer and on θ; 0.2 by default, 0 for none.
  public var dropout: Double = 0.2
  /// α of the Dirichlet prior that the Laplace approximation stands for; `nil` gives 1.
  public var documentTopicPrior: Double? = nil
  /// The seed of the initial weights, the order of the documents, the noise and the dropout.
  public var seed: UInt64 = 0

  /// The defaults listed on each setting (Srivastava & Sutton's, but minibatches of 32).
  public init() {}

  /// Throws `.invalidSetting` naming the flag of a setting out of range.
  public func validate() throws(TopicModelError) {
    if passes < 1 { throw TopicModelError(.invalidSetting, path: "--passes", "must be at least 1") }
    if batchSize < 2 {
      throw TopicModelError(
        .invalidSetting, path: "--batch-size", "must be at least 2 (batch normalisation)")
    }
    if !(learningRate > 0 && learningRate.isFinite) {
      throw TopicModelError(.invalidSetting, path: "--learning-rate", "must be positive")
    }
    if !(beta1 >= 0 && beta1 < 1) {
      throw TopicModelError(.invalidSetting, path: "--beta1", "must be in [0, 1)")
    }
    if hiddenSize < 1 {
      throw TopicModelError(.invalidSetting, path: "--hidden-size", "must be at least 1")
    }
    if !(dropout >= 0 && dropout < 1) {
      throw TopicModelError(.invalidSetting, path: "--dropout", "must be in [0, 1)")
    }
    if let alpha = documentTopicPrior, !(alpha > 0 && alpha.isFinite) {
      throw TopicModelError(.invalidSetting, path: "--alpha", "must be positive")
    }
  }
}

/// Fits ``ProdLDA`` by minibatch stochastic gradient descent (Adam) on the negative ELBO, one
/// reparameterised draw per document, then fixes the batch normalisations' statistics at their
/// values over the whole training set.
public struct ProdLDATrainer {
  /// Where a fit is, for progress lines.
  public struct Progress: Sendable {
    /// The pass just finished (1-based).
    public var pass: Int
    /// The number of passes the fit makes (``ProdLDAFitOptions/passes``).
    public var passes: Int
    /// Seconds since the fit started.
    public var seconds: Double
    /// The mean over the pass's minibatches of the training loss (negative ELBO per document).
    public var meanLoss: Double
  }

  /// The settings of the fit, validated.
  public let options: ProdLDAFitOptions
  /// K, the number of topics.
  public let topicCount: Int
  /// The words of the document–term matrices' columns (V words).
  public let vocabulary: Vocabulary
  /// The logistic-normal prior on the topic proportions: Dirichlet(α, …, α) by Laplace's
  /// approximation, α = ``ProdLDAFitOptions/documentTopicPrior`` (1 when unset).
  public let prior: LaplaceDirichletPrior
  /// The encoder and decoder as trained so far; each ``step(_:rows:)`` moves them one Adam step.
  public private(set) var network: ProdLDANetwork
  var optimizer: Adam<ProdLDANetwork>
  var generator: Xoshiro256StarStar
  /// The mean training loss of each pass so far.
  public private(set) var passLosses: [Double] = []

  /// A trainer of `topicCount` topics over `vocabulary`, its weights drawn from `options.seed`.
  public init(topicCount: Int, vocabulary: Vocabulary, options: ProdLDAFitOptions)
    throws(TopicModelError)
  {
    try options.validate()
    if vocabulary.count == 0 {
      throw TopicModelError(.emptyVocabulary, path: "vocabulary", "the vocabulary is empty")
    }
    prior = try LaplaceDirichletPrior(
      topics: topicCount, concentration: options.documentTopicPrior ?? 1)
    self.options = options
    self.topicCount = topicCount
    self.vocabulary = vocabulary
    generator = Xoshiro256StarStar(seed: options.seed)
    network = ProdLDANetwork(
      vocabularySize: vocabulary.count, topics: topicCount, hiddenSize: options.hiddenSize,
      using: &generator)
    optimizer = Adam(
      for: network, learningRate: options.learningRate, beta1: options.beta1)
  }

  /// A dropout mask of `shape`: 1/(1 − p) with probability 1 − p, else 0.
  mutating func keepMask(_ shape: [Int]) -> Tensor<Float>? {
    guard options.dropout > 0 else { return nil }
    let keep = Float(1 - options.dropout)
    let mask = Tensor<Float>(
      randomBernoulli: Tensor(repeating: keep, shape: shape), using: &generator)
    return mask * (1 / keep)
  }

  /// One Adam step on the documents at `rows`; returns the loss before the step.
  public mutating func step(_ documents: DocumentTermMatrix, rows: some Collection<Int>) -> Double {
    let counts = documents.denseCounts(rows)
    let noise = Tensor<Float>(randomNormal: [rows.count, topicCount], using: &generator)
    let hiddenKeep = keepMask([rows.count, options.hiddenSize])
    let topicKeep = keepMask([rows.count, topicCount])
    let prior = self.prior
    let (value, pullback) = valueWithPullback(at: network) { network in
      network.loss(
        counts: counts, noise: noise, prior: prior, hiddenKeep: hiddenKeep, topicKeep: topicKeep)
    }
    let gradient = pullback(Tensor(1))
    let loss = Double(value.scalarized())
    if loss.isFinite { optimizer.update(&network, along: gradient) }
    return loss
  }

  /// Fits to `documents` (columns over `vocabulary`) with `options.passes` passes, calling
  /// `progress` after each, and returns the model.
  ///
  /// - Throws: `.invalidSetting` for a matrix of another vocabulary, `.emptyCorpus` when there
  ///   are fewer than two training documents, and `.invalidSetting` (`--learning-rate`) when
  ///   the loss stops being finite.
  public mutating func fit(
    _ documents: DocumentTermMatrix, progress: (Progress) -> Void = { _ in }
  ) throws(TopicModelError) -> ProdLDA {
    try documents.requireColumns(forVocabularyOf: vocabulary.count)
    guard documents.documentCount >= 2, documents.wordCount > 0 else {
      throw TopicModelError(
        .emptyCorpus, path: "corpus", "ProdLDA needs at least 2 training documents with words")
    }
    let batchSize = min(options.batchSize, documents.documentCount)
    let batches = documents.documentCount / batchSize
    let start = ContinuousClock.now
    for pass in 1...options.passes {
      let order = generator.permutation(of: documents.documentCount)
      var total = 0.0
      for batch in 0..<batches {
        let loss = step(documents, rows: order[batch * batchSize..<(batch + 1) * batchSize])
        guard loss.isFinite else {
          throw TopicModelError(
            .invalidSetting, path: "--learning-rate",
            "the loss became \(loss) in pass \(pass); try a smaller learning rate")
        }
        total += loss
      }
      passLosses.append(total / Double(batches))
      progress(
        Progress(
          pass: pass, passes: options.passes, seconds: (ContinuousClock.now - start).inSeconds,
          meanLoss: total / Double(batches)))
    }
    return try model(statistics: populationStatistics(of: documents))
  }

  /// The model with the current networks and `statistics`.
  public func model(statistics: ProdLDAStatistics) throws(TopicModelError) -> ProdLDA {
    try ProdLDA(vocabulary: vocabulary, network: network, statistics: statistics, prior: prior)
  }

  /// The statistics of the three batch normalisations over all of `documents`: first of the
  /// encoder's heads, then (with those fixed and one draw of z per document) of θβ.
  public mutating func populationStatistics(of documents: DocumentTermMatrix)
    -> ProdLDAStatistics
  {
    let chunk = ProdLDA.chunk
    var meanMoments = Moments(count: topicCount)
    var logVarianceMoments = Moments(count: topicCount)
    for start in stride(from: 0, to: documents.documentCount, by: chunk) {
      let counts = documents.denseCounts(start..<min(start + chunk, documents.documentCount))
      let (mean, logVariance) = network.heads(counts, hiddenKeep: nil)
      meanMoments.add(mean)
      logVarianceMoments.add(logVariance)
    }
    let meanStatistics = meanMoments.statistics
    let logVarianceStatistics = logVarianceMoments.statistics
    var decoderMoments = Moments(count: vocabulary.count)
    for start in stride(from: 0, to: documents.documentCount, by: chunk) {
      let rows = start..<min(start + chunk, documents.documentCount)
      let counts = documents.denseCounts(rows)
      let (rawMean, rawLogVariance) = network.heads(counts, hiddenKeep: nil)
      let mean = meanStatistics.normalize(rawMean)
      let logVariance = logVarianceStatistics.normalize(rawLogVariance)
      let noise = Tensor<Float>(randomNormal: [rows.count, topicCount], using: &generator)
      let z = mean + exp(logVariance * 0.5) * noise
      let theta = exp(z - z.logSumExp(alongAxis: 1))
      decoderMoments.add(matmul(theta, network.topicWord))
    }
    return ProdLDAStatistics(
      mean: meanStatistics, logVariance: logVarianceStatistics,
      decoder: decoderMoments.statistics)
  }
}

/// Running sums of each column's values and squares, in `Double`.
struct Moments {
  var sums: [Double]
  var squares: [Double]
  var rows = 0

  init(count: Int) {
    sums = [Double](repeating: 0, count: count)
    squares = sums
  }

  mutating func add(_ x: Tensor<Float>) {
    let columns = sums.count
    let values = x.scalars
    for row in 0..<x.shape[0] {
      for column in 0..<columns {
        let value = Double(values[row * columns + column])
        sums[column] += value
        squares[column] += value * value
      }
    }
    rows += x.shape[0]
  }

  var statistics: BatchNormalizationStatistics {
    let n = Double(Swift.max(rows, 1))
    let means = sums.map { $0 / n }
    let variances = zip(squares, means).map { Swift.max($0 / n - $1 * $1, 0) }
    return BatchNormalizationStatistics(
      mean: Tensor(means.map { Float($0) }), variance: Tensor(variances.map { Float($0) }))
  }
}
