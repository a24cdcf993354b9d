import Distributions
import Foundation
import Reporting
import TensorCore

/// Fits ``LatentDirichletAllocation`` by batch or online mean-field variational Bayes.
///
/// Online (Hoffman, Blei, Wang & Paisley 2013, algorithm 2): for minibatch t of |B| of the
/// D training documents, the local step (`LDALocalStep`) gives the sufficient statistics
/// s_kw = Σ_{d∈B} n_dw φ_dwk, and
/// ```
/// ρ_t = (τ₀ + t)^(−κ)
/// λ ← (1 − ρ_t) λ + ρ_t (η + (D/|B|) s)
/// ```
/// The step touches only the minibatch's words if λ is kept as λ = η + c·M: the decay is
/// c ← (1 − ρ_t) c, and only the rows of M of words in s change; the column totals Σ_w λ_kw
/// (for ψ(Σ_w λ_kw)) are kept alongside. The numbers are those of the dense update up to
/// rounding, and each step costs the minibatch's words, not the vocabulary. As in scikit-learn,
/// λ starts as Gamma(100, 1/100) draws, each local step starts γ at Gamma(100, 1/100) draws,
/// and minibatches are taken in order (the split has shuffled the documents).
public struct LDATrainer {
  /// Where a fit is, for progress lines.
  public struct Progress: Sendable {
    /// The pass just finished (1-based).
    public var pass: Int
    /// The number of passes the fit makes (``LDAFitOptions/passes``).
    public var passes: Int
    /// Seconds since the fit started.
    public var seconds: Double
    /// Mean local-step updates per document in this pass.
    public var meanLocalIterations: Double
  }

  let options: LDAFitOptions
  let topicCount: Int
  let vocabulary: Vocabulary
  let documentTopicPrior: Double
  let topicWordPrior: Double
  var generator: Xoshiro256StarStar
  /// M, word-major (V rows of K): λ_kw = η + scale · M[w·K + k].
  var scaled: [Double]
  var scale = 1.0
  /// Σ_w M[w·K + k], per topic.
  var totals: [Double]
  /// Minibatches taken so far.
  var steps = 0

  /// A trainer of `topicCount` topics over `vocabulary`, with λ drawn from `options.seed`.
  public init(topicCount: Int, vocabulary: Vocabulary, options: LDAFitOptions)
    throws(TopicModelError)
  {
    try options.validate()
    guard topicCount >= 1 else {
      throw TopicModelError(.invalidSetting, path: "--topics", "must be at least 1")
    }
    if vocabulary.count == 0 {
      throw TopicModelError(.emptyVocabulary, path: "vocabulary", "the vocabulary is empty")
    }
    self.options = options
    self.topicCount = topicCount
    self.vocabulary = vocabulary
    documentTopicPrior = options.documentTopicPrior ?? 1 / Double(topicCount)
    topicWordPrior = options.topicWordPrior ?? 1 / Double(topicCount)
    generator = Xoshiro256StarStar(seed: options.seed)
    let words = vocabulary.count
    scaled = [Double](repeating: 0, count: words * topicCount)
    for k in 0..<topicCount {
      for w in 0..<words {
        scaled[w * topicCount + k] =
          generator.nextGamma(concentration: 100) / 100 - topicWordPrior
      }
    }
    totals = Self.columnTotals(scaled, topicCount: topicCount)
  }

  static func columnTotals(_ values: [Double], topicCount: Int) -> [Double] {
    var totals = [Double](repeating: 0, count: topicCount)
    for index in 0..<values.count { totals[index % topicCount] += values[index] }
    return totals
  }

  /// The model as it stands.
  public var model: LatentDirichletAllocation {
    let words = vocabulary.count
    var lambda = [Double](repeating: 0, count: words * topicCount)
    for w in 0..<words {
      for k in 0..<topicCount {
        lambda[k * words + w] = topicWordPrior + scale * scaled[w * topicCount + k]
      }
    }
    return try! LatentDirichletAllocation(
      vocabulary: vocabulary, topicCount: topicCount, documentTopicPrior: documentTopicPrior,
      topicWordPrior: topicWordPrior, topicWordConcentrations: lambda)
  }

  var localStep: LDALocalStep {
    LDALocalStep(
      topicCount: topicCount, documentTopicPrior: documentTopicPrior,
      maximumIterations: options.maximumLocalIterations, tolerance: options.localTolerance)
  }

  /// Fits to `documents` (columns over `vocabulary`) with `options.passes` passes, calling
  /// `progress` after each, and returns the model.
  public mutating func fit(
    _ documents: DocumentTermMatrix, progress: (Progress) -> Void = { _ in }
  ) throws(TopicModelError) -> LatentDirichletAllocation {
    try documents.requireColumns(forVocabularyOf: vocabulary.count)
    guard documents.documentCount > 0, documents.wordCount > 0 else {
      throw TopicModelError(.emptyCorpus, path: "corpus", "no training document has a word")
    }
    let start = ContinuousClock.now
    var marks = [Int32](repeating: -1, count: vocabulary.count)
    for pass in 1...options.passes {
      var updates = 0
      switch options.method {
      case .batch:
        updates = batchStep(documents, marks: &marks)
      case .online:
        var first = 0
        while first < documents.documentCount {
          let end = min(first + options.batchSize, documents.documentCount)
          updates += onlineStep(documents, rows: first..<end, marks: &marks)
          first = end
        }
        totals = Self.columnTotals(scaled, topicCount: topicCount)
      }
      progress(
        Progress(
          pass: pass, passes: options.passes, seconds: (ContinuousClock.now - start).inSeconds,
          meanLocalIterations: Double(updates) / Double(documents.documentCount)))
    }
    return model
  }

  /// The starting γ of `count` documents: Gamma(100, 1/100) draws.
  mutating func startingGamma(documents count: Int) -> [Double] {
    (0..<count * topicCount).map { _ in generator.nextGamma(concentration: 100) / 100 }
  }

  /// exp(E[log β]) for the words `terms`, `terms.count` rows of K.
  func table(for terms: [Int32]) -> [Double] {
    let topics = topicCount
    let words = Double(vocabulary.count)
    let eta = topicWordPrior
    let scale = self.scale
    let shifts = (0..<topics).map {
      DirichletExpectation.digamma(words * eta + scale * totals[$0])
    }
    var table = [Double](repeating: 0, count: terms.count * topics)
    scaled.withUnsafeBufferPointer { scaled in
      terms.withUnsafeBufferPointer { terms in
        shifts.withUnsafeBufferPointer { shifts in
          table.withUnsafeMutableBufferPointer { table in
            let output = _UncheckedPointer(table.baseAddress!)
            forEachChunk(of: terms.count, minimumChunk: 256) { range in
              for column in range {
                let source = scaled.baseAddress! + Int(terms[column]) * topics
                let target = output.pointer + column * topics
                for k in 0..<topics {
                  target[k] = Foundation.exp(
                    DirichletExpectation.digamma(eta + scale * source[k]) - shifts[k])
                }
              }
            }
          }
        }
      }
    }
    return table
  }

  /// One pass of batch variational Bayes; returns the local updates made.
  mutating func batchStep(_ documents: DocumentTermMatrix, marks: inout [Int32]) -> Int {
    let local = LocalDocuments(
      matrix: documents, rows: 0..<documents.documentCount, renumber: false, marks: &marks)
    let table = table(for: local.terms)
    var gamma = startingGamma(documents: documents.documentCount)
    var expectedTheta: [Double] = []
    let step = localStep
    let updates = step.run(local, table: table, gamma: &gamma, expectedTheta: &expectedTheta)
    scaled = step.sufficientStatistics(local, table: table, expectedTheta: expectedTheta)
    scale = 1
    totals = Self.columnTotals(scaled, topicCount: topicCount)
    steps += 1
    return updates
  }

  /// One minibatch of online variational Bayes; returns the local updates made.
  mutating func onlineStep(
    _ documents: DocumentTermMatrix, rows: Range<Int>, marks: inout [Int32]
  ) -> Int {
    let local = LocalDocuments(matrix: documents, rows: rows, renumber: true, marks: &marks)
    let table = table(for: local.terms)
    var gamma = startingGamma(documents: rows.count)
    var expectedTheta: [Double] = []
    let step = localStep
    let updates = step.run(local, table: table, gamma: &gamma, expectedTheta: &expectedTheta)
    let statistics = step.sufficientStatistics(local, table: table, expectedTheta: expectedTheta)
    steps += 1
    let rate = Foundation.pow(options.learningOffset + Double(steps), -options.learningDecay)
    if rate >= 1 {
      // ρ = 1 forgets λ: λ = η + (D/|B|) s.
      scaled = [Double](repeating: 0, count: scaled.count)
      scale = 1
    } else {
      scale *= 1 - rate
    }
    let weight = rate * Double(documents.documentCount) / Double(rows.count) / scale
    let topics = topicCount
    for column in 0..<local.columnCount {
      let base = Int(local.terms[column]) * topics
      for k in 0..<topics {
        let increment = weight * statistics[column * topics + k]
        scaled[base + k] += increment
        totals[k] += increment
      }
    }
    if rate >= 1 { totals = Self.columnTotals(scaled, topicCount: topics) }
    if scale < 1e-100 {
      for index in 0..<scaled.count { scaled[index] *= scale }
      scale = 1
      totals = Self.columnTotals(scaled, topicCount: topics)
    }
    return updates
  }
}
