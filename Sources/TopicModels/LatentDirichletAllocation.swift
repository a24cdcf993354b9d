import Foundation

/// Latent Dirichlet allocation (Blei, Ng & Jordan 2003) with its mean-field variational
/// posterior over the topics: K topics, each a distribution β_k over the vocabulary's V words,
/// documents with topic proportions θ_d ~ Dirichlet(α) and words
/// z_dn ~ Categorical(θ_d), w_dn ~ Categorical(β_{z_dn}), and the priors β_k ~ Dirichlet(η).
///
/// The model's parameters are the variational posterior of the topics,
/// q(β_k) = Dirichlet(λ_k) (scikit-learn's `components_`, gensim's `state.sstats + eta`);
/// the topic–word probabilities are its mean, λ_kw / Σ_v λ_kv. Fit one with ``LDATrainer``;
/// ``documentTopics(of:)`` runs the local step for new documents and ``perplexity(of:)`` and
/// ``TopicCoherence`` score the fit.
public struct LatentDirichletAllocation: Sendable, Equatable {
  /// The words of the topics' columns.
  public let vocabulary: Vocabulary
  /// K, the number of topics.
  public let topicCount: Int
  /// α, the symmetric Dirichlet prior on each document's topic proportions.
  public let documentTopicPrior: Double
  /// η, the symmetric Dirichlet prior on each topic's word distribution.
  public let topicWordPrior: Double
  /// λ, the concentrations of q(β): `topicCount` rows of `vocabulary.count` values.
  public let topicWordConcentrations: [Double]

  /// A model with the given variational parameters.
  ///
  /// - Throws: `.invalidModel` when the shapes disagree or a concentration or prior is not
  ///   positive and finite.
  public init(
    vocabulary: Vocabulary, topicCount: Int, documentTopicPrior: Double,
    topicWordPrior: Double, topicWordConcentrations: [Double]
  ) throws(TopicModelError) {
    guard topicCount >= 1, topicWordConcentrations.count == topicCount * vocabulary.count else {
      throw TopicModelError(
        .invalidModel, path: "topic_word",
        "\(topicWordConcentrations.count) concentrations for \(topicCount) topics of "
          + "\(vocabulary.count) words")
    }
    guard documentTopicPrior > 0, documentTopicPrior.isFinite, topicWordPrior > 0,
      topicWordPrior.isFinite
    else {
      throw TopicModelError(.invalidModel, path: "priors", "α and η must be positive and finite")
    }
    guard topicWordConcentrations.allSatisfy({ $0 > 0 && $0.isFinite }) else {
      throw TopicModelError(
        .invalidModel, path: "topic_word", "the concentrations must be positive and finite")
    }
    self.vocabulary = vocabulary
    self.topicCount = topicCount
    self.documentTopicPrior = documentTopicPrior
    self.topicWordPrior = topicWordPrior
    self.topicWordConcentrations = topicWordConcentrations
  }

  /// The mean topic–word probabilities of topic `topic`: λ_kw / Σ_v λ_kv.
  public func wordProbabilities(ofTopic topic: Int) -> [Double] {
    let row = topicWordConcentrations[topic * vocabulary.count..<(topic + 1) * vocabulary.count]
    let total = row.reduce(0, +)
    return row.map { $0 / total }
  }

  /// The indices of topic `topic`'s `count` most probable words, most probable first (ties
  /// to the lower index).
  public func topWords(ofTopic topic: Int, count: Int = 10) -> [Int] {
    let base = topic * vocabulary.count
    return (0..<vocabulary.count).sorted {
      let (a, b) = (topicWordConcentrations[base + $0], topicWordConcentrations[base + $1])
      return a != b ? a > b : $0 < $1
    }.prefix(count).map { $0 }
  }

  /// E[log β_kw] = ψ(λ_kw) − ψ(Σ_v λ_kv), or its exponential, word by word: `V` rows of K
  /// values (the layout of the local step's table).
  func expectedLogTopicWordTable(exponentiated: Bool) -> [Double] {
    let words = vocabulary.count
    let topics = topicCount
    var table = [Double](repeating: 0, count: words * topics)
    for k in 0..<topics {
      var total = 0.0
      for w in 0..<words { total += topicWordConcentrations[k * words + w] }
      let shift = DirichletExpectation.digamma(total)
      for w in 0..<words {
        let value = DirichletExpectation.digamma(topicWordConcentrations[k * words + w]) - shift
        table[w * topics + k] = exponentiated ? Foundation.exp(value) : value
      }
    }
    return table
  }

  /// The variational Dirichlet parameters γ of each document's topic proportions (documents
  /// × K), by the local step from γ = 1 (as scikit-learn's `transform` starts), with the topics
  /// fixed.
  public func documentTopicConcentrations(
    of documents: DocumentTermMatrix, maximumIterations: Int = 100, tolerance: Double = 1e-3
  ) -> [Double] {
    precondition(documents.termCount == vocabulary.count, "matrix of another vocabulary")
    let step = LDALocalStep(
      topicCount: topicCount, documentTopicPrior: documentTopicPrior,
      maximumIterations: maximumIterations, tolerance: tolerance)
    var marks: [Int32] = []
    let local = LocalDocuments(
      matrix: documents, rows: 0..<documents.documentCount, renumber: false, marks: &marks)
    var gamma = [Double](repeating: 1, count: documents.documentCount * topicCount)
    var expectedTheta: [Double] = []
    step.run(
      local, table: expectedLogTopicWordTable(exponentiated: true), gamma: &gamma,
      expectedTheta: &expectedTheta)
    return gamma
  }

  /// Each document's estimated topic proportions, E_q[θ_d] = γ_d / Σ_k γ_dk (documents × K).
  public func documentTopics(of documents: DocumentTermMatrix) -> [Double] {
    var gamma = documentTopicConcentrations(of: documents)
    for document in 0..<documents.documentCount {
      let range = document * topicCount..<(document + 1) * topicCount
      let total = gamma[range].reduce(0, +)
      for index in range { gamma[index] /= total }
    }
    return gamma
  }
}
