import Distributions
import Foundation
import TensorCore
import Testing

@testable import TopicModels

/// LDA recovers the topics of a corpus drawn from LDA, and its local step is coordinate ascent.
@Suite struct LDAFitTests {
  /// A corpus drawn from LDA with K topics over V words and for each document θ ~
  /// Dirichlet(0.3) and `length` words. Topic k is drawn from a Dirichlet of concentration 1 on
  /// its own block of V/K words and 0.02 elsewhere (well-separated topics, as in Griffiths &
  /// Steyvers' bars; with Dirichlet(0.1) topics some draws share their few heavy words).
  static func syntheticCorpus(
    topics: Int = 5, words: Int = 50, documents: Int, length: Int, seed: UInt64
  ) -> (matrix: DocumentTermMatrix, topics: [[Double]]) {
    var generator = Xoshiro256StarStar(seed: seed)
    func dirichlet(_ concentration: Double, _ count: Int) -> [Double] {
      let draws = (0..<count).map { _ in generator.nextGamma(concentration: concentration) }
      let total = draws.reduce(0, +)
      return draws.map { $0 / total }
    }
    func categorical(_ probabilities: [Double]) -> Int {
      var u = Double(generator.next() >> 11) * 0x1p-53
      for (index, p) in probabilities.enumerated() {
        u -= p
        if u < 0 { return index }
      }
      return probabilities.count - 1
    }
    let block = words / topics
    let beta = (0..<topics).map { topic in
      let draws = (0..<words).map { word in
        generator.nextGamma(concentration: word / block == topic ? 1 : 0.02)
      }
      let total = draws.reduce(0, +)
      return draws.map { $0 / total }
    }
    var matrix = DocumentTermMatrix(termCount: words)
    for _ in 0..<documents {
      let theta = dirichlet(0.3, topics)
      var counts = [Double](repeating: 0, count: words)
      for _ in 0..<length { counts[categorical(beta[categorical(theta)])] += 1 }
      matrix.appendRow(counts.indices.filter { counts[$0] > 0 }.map { ($0, counts[$0]) })
    }
    return (matrix, beta)
  }

  /// The total variation distances between fitted and true topics under the matching of
  /// fitted to true topics with the smallest total.
  static func bestMatchingDistances(_ fitted: [[Double]], _ truth: [[Double]]) -> [Double] {
    func distance(_ p: [Double], _ q: [Double]) -> Double {
      0.5 * zip(p, q).map { abs($0 - $1) }.reduce(0, +)
    }
    var best: [Double] = []
    var bestTotal = Double.infinity
    func search(_ chosen: [Int]) {
      if chosen.count == truth.count {
        let distances = chosen.enumerated().map { distance(fitted[$1], truth[$0]) }
        let total = distances.reduce(0, +)
        if total < bestTotal { (best, bestTotal) = (distances, total) }
        return
      }
      for candidate in fitted.indices where !chosen.contains(candidate) {
        search(chosen + [candidate])
      }
    }
    search([])
    return best
  }

  /// Batch VB from one start, and online VB from the best (by the ELBO on the corpus) of three
  /// starts: with few documents an online fit from a near-uniform λ sometimes merges two
  /// topics early and never separates them (a local optimum; scikit-learn's online fit does
  /// the same on such corpora), which restarts are the usual remedy for.
  @Test(arguments: [LDAFitOptions.Method.online, .batch])
  func recoversTheTopicsOfASyntheticCorpus(method: LDAFitOptions.Method) throws {
    let (matrix, truth) = Self.syntheticCorpus(documents: 600, length: 80, seed: 11)
    let vocabulary = Vocabulary(words: (0..<50).map { String(format: "w%02d", $0) })
    var options = LDAFitOptions()
    options.method = method
    options.passes = method == .online ? 20 : 40
    options.batchSize = 50
    options.documentTopicPrior = 0.3
    options.topicWordPrior = 0.1
    var best: LatentDirichletAllocation? = nil
    var bestELBO = -Double.infinity
    for seed in 1...(method == .online ? 3 : 1) {
      options.seed = UInt64(seed)
      var trainer = try LDATrainer(topicCount: 5, vocabulary: vocabulary, options: options)
      let candidate = try trainer.fit(matrix)
      let elbo = candidate.evidenceLowerBound(of: matrix)
      if elbo > bestELBO { (best, bestELBO) = (candidate, elbo) }
    }
    let model = try #require(best)
    let fitted = (0..<5).map { model.wordProbabilities(ofTopic: $0) }
    let distances = Self.bestMatchingDistances(fitted, truth)
    #expect(distances.allSatisfy { $0 <= 0.1 }, "total variation \(distances)")
  }

  @Test func theSameSeedGivesTheSameModel() throws {
    let (matrix, _) = Self.syntheticCorpus(documents: 200, length: 40, seed: 5)
    let vocabulary = Vocabulary(words: (0..<50).map { String(format: "w%02d", $0) })
    var options = LDAFitOptions()
    options.passes = 2
    options.batchSize = 32
    options.seed = 9
    var first = try LDATrainer(topicCount: 5, vocabulary: vocabulary, options: options)
    var second = try LDATrainer(topicCount: 5, vocabulary: vocabulary, options: options)
    #expect(try first.fit(matrix) == second.fit(matrix))
  }

  /// A matrix made for another vocabulary is refused by both trainers, naming the counts.
  @Test func aMatrixOfAnotherVocabularyIsRefused() throws {
    let (matrix, _) = Self.syntheticCorpus(documents: 20, length: 10, seed: 3)
    let vocabulary = Vocabulary(words: (0..<40).map { String(format: "w%02d", $0) })
    var lda = try LDATrainer(topicCount: 2, vocabulary: vocabulary, options: LDAFitOptions())
    var prodLDA = try ProdLDATrainer(
      topicCount: 2, vocabulary: vocabulary, options: ProdLDAFitOptions())
    let message = "documents: 50 columns for a vocabulary of 40 words"
    #expect { _ = try lda.fit(matrix) } throws: { "\($0)" == message }
    #expect { _ = try prodLDA.fit(matrix) } throws: { "\($0)" == message }
  }

  /// The lazily scaled online update (λ = η + c·M) gives the dense update's λ.
  @Test func theOnlineStepEqualsTheDenseUpdate() throws {
    let (matrix, _) = Self.syntheticCorpus(documents: 64, length: 30, seed: 21)
    let vocabulary = Vocabulary(words: (0..<50).map { String(format: "w%02d", $0) })
    var options = LDAFitOptions()
    options.batchSize = 16
    options.topicWordPrior = 0.2
    var trainer = try LDATrainer(topicCount: 5, vocabulary: vocabulary, options: options)
    var marks = [Int32](repeating: -1, count: 50)
    var lambda = trainer.model.topicWordConcentrations
    for (step, first) in stride(from: 0, to: 64, by: 16).enumerated() {
      // The dense update from the same statistics: redo the local step with the same draws.
      var replay = trainer
      let local = LocalDocuments(
        matrix: matrix, rows: first..<first + 16, renumber: true, marks: &marks)
      let table = replay.table(for: local.terms)
      var gamma = replay.startingGamma(documents: 16)
      var expectedTheta: [Double] = []
      replay.localStep.run(local, table: table, gamma: &gamma, expectedTheta: &expectedTheta)
      let statistics = replay.localStep.sufficientStatistics(
        local, table: table, expectedTheta: expectedTheta)
      let rate = pow(10 + Double(step + 1), -0.7)
      var dense = lambda.map { (1 - rate) * $0 + rate * 0.2 }
      for (column, term) in local.terms.enumerated() {
        for k in 0..<5 {
          dense[k * 50 + Int(term)] += rate * 64 / 16 * statistics[column * 5 + k]
        }
      }
      _ = trainer.onlineStep(matrix, rows: first..<first + 16, marks: &marks)
      lambda = trainer.model.topicWordConcentrations
      for index in lambda.indices {
        #expect(abs(lambda[index] - dense[index]) <= 1e-12 * max(1, dense[index]))
      }
      lambda = dense
    }
  }

  /// Each local update is coordinate ascent on the document's ELBO (with the optimal φ), so
  /// the ELBO never decreases from one update to the next.
  @Test func theDocumentELBONeverDecreasesOverLocalIterations() throws {
    var generator = Xoshiro256StarStar(seed: 17)
    let topics = 6
    let words = 30
    let vocabulary = Vocabulary(words: (0..<words).map { String(format: "w%02d", $0) })
    let lambda = (0..<topics * words).map { _ in generator.nextGamma(concentration: 0.5) + 0.01 }
    let model = try LatentDirichletAllocation(
      vocabulary: vocabulary, topicCount: topics, documentTopicPrior: 0.1, topicWordPrior: 0.1,
      topicWordConcentrations: lambda)
    let table = model.expectedLogTopicWordTable(exponentiated: true)
    let step = LDALocalStep(
      topicCount: topics, documentTopicPrior: 0.1, maximumIterations: 1, tolerance: 0)
    for trial in 0..<5 {
      var document = DocumentTermMatrix(termCount: words)
      document.appendRow(
        (0..<words).filter { _ in generator.next() % 3 == 0 }.map {
          ($0, Double(1 + generator.next() % 4))
        })
      var marks: [Int32] = []
      let local = LocalDocuments(matrix: document, rows: 0..<1, renumber: false, marks: &marks)
      var gamma = (0..<topics).map { _ in generator.nextGamma(concentration: 1) }
      var expectedTheta: [Double] = []
      var previous = model.evidenceLowerBound(of: document, documentTopicConcentrations: gamma)
      for iteration in 0..<60 {
        step.run(local, table: table, gamma: &gamma, expectedTheta: &expectedTheta)
        let elbo = model.evidenceLowerBound(of: document, documentTopicConcentrations: gamma)
        #expect(
          elbo >= previous - 1e-9 * abs(previous),
          "trial \(trial), update \(iteration + 1): ELBO went from \(previous) to \(elbo)")
        previous = elbo
      }
    }
  }
}
