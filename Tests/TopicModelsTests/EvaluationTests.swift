import Foundation
import TensorCore
import TestSupport
import Testing

@testable import TopicModels

/// Perplexity and NPMI against hand computations on a tiny corpus, and against scikit-learn.
@Suite struct EvaluationTests {
  /// K = 2 topics over V = 4 words, α = 0.5, η = 0.25, and three documents.
  static let lambda: [Double] = [3.0, 1.5, 0.5, 0.25, 0.4, 0.6, 2.0, 4.0]
  static let counts: [[Double]] = [[2, 1, 0, 0], [0, 0, 1, 3], [1, 0, 0, 1]]

  static func tinyModel() throws -> LatentDirichletAllocation {
    try LatentDirichletAllocation(
      vocabulary: Vocabulary(words: ["a", "b", "c", "d"]), topicCount: 2,
      documentTopicPrior: 0.5, topicWordPrior: 0.25, topicWordConcentrations: lambda)
  }

  static func tinyMatrix() -> DocumentTermMatrix {
    var matrix = DocumentTermMatrix(termCount: 4)
    for row in counts {
      matrix.appendRow(row.indices.filter { row[$0] > 0 }.map { ($0, row[$0]) })
    }
    return matrix
  }

  /// The ELBO written out term by term, with TensorCore's digamma and the C library's lgamma.
  static func handELBO(gamma: [[Double]]) -> Double {
    let (alpha, eta, topics, words) = (0.5, 0.25, 2, 4)
    func logBeta(_ k: Int, _ w: Int) -> Double {
      let row = Array(lambda[k * words..<(k + 1) * words])
      return Double.digamma(row[w]) - Double.digamma(row.reduce(0, +))
    }
    var elbo = 0.0
    for (d, row) in counts.enumerated() {
      let total = gamma[d].reduce(0, +)
      let logTheta = gamma[d].map { Double.digamma($0) - Double.digamma(total) }
      for w in 0..<words where row[w] > 0 {
        elbo += row[w] * log((0..<topics).map { exp(logTheta[$0] + logBeta($0, w)) }.reduce(0, +))
      }
      for k in 0..<topics {
        elbo += (alpha - gamma[d][k]) * logTheta[k] + lgamma(gamma[d][k]) - lgamma(alpha)
      }
      elbo += lgamma(Double(topics) * alpha) - lgamma(total)
    }
    for k in 0..<topics {
      let row = Array(lambda[k * words..<(k + 1) * words])
      for w in 0..<words {
        elbo += (eta - row[w]) * logBeta(k, w) + lgamma(row[w]) - lgamma(eta)
      }
      elbo += lgamma(Double(words) * eta) - lgamma(row.reduce(0, +))
    }
    return elbo
  }

  /// γ from scikit-learn 1.9.1's `_unnormalized_transform` of the tiny corpus under this λ.
  static let scikitLearnGamma: [[Double]] = [
    [3.49044511, 0.50955489], [0.50511267, 4.49488733], [1.48286977, 1.51713023],
  ]

  @Test func theBoundEqualsTheHandComputationAndScikitLearn() throws {
    let model = try Self.tinyModel()
    let gamma = Self.scikitLearnGamma
    let bound = model.evidenceLowerBound(
      of: Self.tinyMatrix(), documentTopicConcentrations: gamma.flatMap { $0 })
    assertClose(bound, Self.handELBO(gamma: gamma), relativeTolerance: 1e-12)
    // scikit-learn's `_approx_bound` at the same γ.
    assertClose(bound, -15.626566295382997, relativeTolerance: 1e-7)
  }

  @Test func perplexityEqualsScikitLearns() throws {
    let model = try Self.tinyModel()
    let matrix = Self.tinyMatrix()
    let gamma = model.documentTopicConcentrations(of: matrix)
    for (index, value) in Self.scikitLearnGamma.flatMap({ $0 }).enumerated() {
      assertClose(gamma[index], value, relativeTolerance: 1e-7)
    }
    // exp(−ELBO / N) with N = 9 words; scikit-learn 1.9.1's `perplexity` gives 5.6762178753620915.
    let perplexity = model.perplexity(of: matrix)
    assertClose(
      perplexity, exp(-Self.handELBO(gamma: Self.scikitLearnGamma) / 9), relativeTolerance: 1e-7)
    assertClose(perplexity, 5.6762178753620915, relativeTolerance: 1e-7)
  }

  @Test func npmiEqualsTheHandComputation() {
    // Documents {a, b}, {a, b, c}, {a}, {c}: p(a) = 3/4, p(b) = p(c) = 1/2,
    // p(a, b) = 1/2, p(a, c) = p(b, c) = 1/4; d occurs nowhere.
    var matrix = DocumentTermMatrix(termCount: 4)
    matrix.appendRow([(0, 1), (1, 2)])
    matrix.appendRow([(0, 1), (1, 1), (2, 1)])
    matrix.appendRow([(0, 3)])
    matrix.appendRow([(2, 1)])
    let ab = log(0.5 / (0.75 * 0.5)) / -log(0.5)  // log(4/3) / log 2 ≈ 0.415
    let ac = log(0.25 / (0.75 * 0.5)) / -log(0.25)  // log(2/3) / log 4 ≈ −0.292
    let bc = log(0.25 / (0.5 * 0.5)) / -log(0.25)  // 0
    assertClose(TopicCoherence.normalizedPMI(of: [0, 1], in: matrix), ab, relativeTolerance: 1e-14)
    assertClose(
      TopicCoherence.normalizedPMI(of: [0, 1, 2], in: matrix), (ab + ac + bc) / 3,
      relativeTolerance: 1e-14)
    // A pair that never occurs together scores −1.
    #expect(TopicCoherence.normalizedPMI(of: [1, 3], in: matrix) == -1)
    let scores = TopicCoherence.normalizedPMI(ofTopics: [[0, 1], [1, 3]], in: matrix)
    #expect(scores.count == 2 && scores[1] == -1)
  }
}
