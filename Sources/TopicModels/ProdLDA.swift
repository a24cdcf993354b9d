import Foundation
import TensorCore
import _Differentiation

/// A fitted topic model as `topics fit` reports it and `topics infer` uses it.
public protocol FittedTopicModel: Sendable {
  /// `"lda"` or `"prodlda"`.
  var kind: String { get }
  /// The words of the topics' columns.
  var vocabulary: Vocabulary { get }
  /// K.
  var topicCount: Int { get }
  /// Topic `topic`'s probabilities of the words (V values summing to 1).
  func wordProbabilities(ofTopic topic: Int) -> [Double]
  /// The indices of topic `topic`'s `count` top words, first first.
  func topWords(ofTopic topic: Int, count: Int) -> [Int]
  /// Each document's topic proportions (documents × K).
  func documentTopics(of documents: DocumentTermMatrix) -> [Double]
  /// Held-out per-word perplexity exp(−ELBO / N).
  func perplexity(of documents: DocumentTermMatrix) -> Double
  /// Writes the model's files (model.safetensors, config.json) into `directory`.
  func save(tokenizer: Tokenizer, to directory: String) throws
}

extension LatentDirichletAllocation: FittedTopicModel {
  /// `"lda"`.
  public var kind: String { "lda" }

  /// Writes λ (`topic_word`, K × V, F64) and the settings into `directory`, which must exist
  /// (`TopicModelDirectory.save(_:tokenizer:to:)`).
  public func save(tokenizer: Tokenizer, to directory: String) throws {
    try TopicModelDirectory.save(self, tokenizer: tokenizer, to: directory)
  }
}

/// ProdLDA (Srivastava & Sutton 2017), fitted: the networks of ``ProdLDANetwork``, the fixed
/// statistics of its batch normalisations for evaluation, and its Laplace-approximated
/// Dirichlet prior. Fit one with ``ProdLDATrainer``.
///
/// Topic k's word distribution is the decoder's output for a document wholly about it
/// (θ = e_k): softmax over the words of (β_kw − m_w)/√(v_w + ε) + o_w, row k of β through the
/// decoder's batch normalisation (fixed statistics m, v) and word offset o. Its top words are
/// the topic's top words. (Ranking by the raw row β_k, as Pyro's example does, puts rare words
/// first here: the normalisation divides each word's logit by its spread over documents, so a
/// rare word needs a large weight to matter; on the Debian descriptions those topics' mean
/// NPMI was −0.29 to −0.56, against 0.11–0.20 for these.)
public struct ProdLDA: FittedTopicModel, @unchecked Sendable {
  /// The words of β's columns (V words).
  public let vocabulary: Vocabulary
  /// The trained encoder, and the decoder's β (`[K, V]`) and word offset (`[V]`).
  public let network: ProdLDANetwork
  /// The batch normalisations' means and variances over the whole training set, used in place
  /// of a batch's own when evaluating.
  public let statistics: ProdLDAStatistics
  /// The logistic-normal prior N(μ₁, diag σ₁²) on the topic logits that the KL term uses.
  public let prior: LaplaceDirichletPrior

  /// Documents per evaluation chunk.
  static let chunk = 512

  /// A fitted model of `network` with its evaluation `statistics` and `prior`, over
  /// `vocabulary`.
  ///
  /// - Throws: `.invalidModel` when the shapes disagree: the vocabulary's size V must be the
  ///   encoder's input width and β's columns, and K (β's rows) the heads' widths, the prior's
  ///   length and the encoder statistics' lengths; the decoder's statistics have V entries.
  public init(
    vocabulary: Vocabulary, network: ProdLDANetwork, statistics: ProdLDAStatistics,
    prior: LaplaceDirichletPrior
  ) throws(TopicModelError) {
    let (k, v) = (network.topicCount, network.vocabularySize)
    guard v == vocabulary.count, network.hidden1.inputSize == v, prior.mean.scalarCount == k,
      network.meanHead.outputSize == k, network.logVarianceHead.outputSize == k,
      statistics.mean.mean.scalarCount == k, statistics.logVariance.mean.scalarCount == k,
      statistics.decoder.mean.scalarCount == v
    else {
      throw TopicModelError(
        .invalidModel, path: "model",
        "ProdLDA's networks, statistics and prior disagree on K or the vocabulary")
    }
    self.vocabulary = vocabulary
    self.network = network
    self.statistics = statistics
    self.prior = prior
  }

  /// `"prodlda"`.
  public var kind: String { "prodlda" }
  /// K, the rows of β.
  public var topicCount: Int { network.topicCount }

  /// The decoder's log-probability scores of the words for θ = e_`topic` (before the
  /// softmax's normalisation).
  public func wordScores(ofTopic topic: Int) -> [Double] {
    let row = network.topicWord.rows(topic..<(topic + 1)).reshaped(to: [vocabulary.count])
    let normalized = statistics.decoder.normalize(row) + network.wordOffset
    return normalized.scalars.map(Double.init)
  }

  /// softmax of ``wordScores(ofTopic:)``: the decoder's word distribution for a document wholly
  /// about `topic` (V probabilities summing to 1), computed with the maximum subtracted before
  /// `exp`.
  public func wordProbabilities(ofTopic topic: Int) -> [Double] {
    let scores = wordScores(ofTopic: topic)
    let m = scores.max() ?? 0
    let e = scores.map { Foundation.exp($0 - m) }
    let total = e.reduce(0, +)
    return e.map { $0 / total }
  }

  /// The indices of the `count` words of highest ``wordScores(ofTopic:)`` (the same order as
  /// their probabilities), highest first, ties to the lower index.
  public func topWords(ofTopic topic: Int, count: Int = 10) -> [Int] {
    let scores = wordScores(ofTopic: topic)
    return (0..<scores.count).sorted {
      scores[$0] != scores[$1] ? scores[$0] > scores[$1] : $0 < $1
    }.prefix(count).map { $0 }
  }

  /// The indices of the `count` largest weights of row `topic` of β, largest first: the
  /// ranking of Pyro's example.
  public func topWeights(ofTopic topic: Int, count: Int = 10) -> [Int] {
    let row = network.topicWord.rows(topic..<(topic + 1)).scalars
    return (0..<row.count).sorted { row[$0] != row[$1] ? row[$0] > row[$1] : $0 < $1 }
      .prefix(count).map { $0 }
  }

  /// softmax(μ) of each document, with μ the encoder's (normalised) mean: the mode-like
  /// summary Pyro's example uses.
  public func documentTopics(of documents: DocumentTermMatrix) -> [Double] {
    precondition(documents.termCount == vocabulary.count, "matrix of another vocabulary")
    var result: [Double] = []
    result.reserveCapacity(documents.documentCount * topicCount)
    for start in stride(from: 0, to: documents.documentCount, by: Self.chunk) {
      let rows = start..<min(start + Self.chunk, documents.documentCount)
      let counts = documents.denseCounts(rows)
      let mean = statistics.mean.normalize(network.heads(counts, hiddenKeep: nil).mean)
      let theta = exp(mean - mean.logSumExp(alongAxis: 1))
      result.append(contentsOf: theta.scalars.map(Double.init))
    }
    return result
  }

  /// Σ over the documents of the negative ELBO, averaged over `samples` draws of z per
  /// document (seeded), with the evaluation statistics.
  public func negativeELBO(of documents: DocumentTermMatrix, samples: Int = 4, seed: UInt64 = 0)
    -> Double
  {
    precondition(documents.termCount == vocabulary.count, "matrix of another vocabulary")
    var generator = Xoshiro256StarStar(seed: seed)
    var total = 0.0
    for start in stride(from: 0, to: documents.documentCount, by: Self.chunk) {
      let rows = start..<min(start + Self.chunk, documents.documentCount)
      let counts = documents.denseCounts(rows)
      for _ in 0..<samples {
        let noise = Tensor<Float>(randomNormal: [rows.count, topicCount], using: &generator)
        let values = network.negativeELBO(
          counts: counts, noise: noise, prior: prior, statistics: statistics)
        total += values.scalars.reduce(0.0) { $0 + Double($1) } / Double(samples)
      }
    }
    return total
  }

  /// exp(−ELBO / N): the per-word perplexity bound of the documents' N words.
  public func perplexity(of documents: DocumentTermMatrix) -> Double {
    Foundation.exp(negativeELBO(of: documents) / documents.wordCount)
  }

  /// Writes the networks, β, the statistics and the settings into `directory`, which must
  /// exist (`TopicModelDirectory.save(_:tokenizer:to:)`).
  public func save(tokenizer: Tokenizer, to directory: String) throws {
    try TopicModelDirectory.save(self, tokenizer: tokenizer, to: directory)
  }
}
