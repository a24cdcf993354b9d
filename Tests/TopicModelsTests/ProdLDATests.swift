import Foundation
import NeuralNetworks
import TensorCore
import TestSupport
import Testing
import _Differentiation

@testable import TopicModels

/// ProdLDA: its batch normalisation, its prior, the gradient of its loss, and a fit to a
/// synthetic LDA corpus.
@Suite struct ProdLDATests {
  // MARK: Batch normalisation

  /// Columns [1, 2, 3] and [2, 2, 2]: mean 2 and variance 2/3, then a constant column (which
  /// ε maps to 0).
  @Test func batchNormalizationCentresAndScalesEachColumn() {
    let x = Tensor<Float>(shape: [3, 2], scalars: [1, 2, 2, 2, 3, 2])
    let y = batchNormalized(x).scalars
    let scale = Float(1 / (2.0 / 3 + 1e-5).squareRoot())
    for (value, expected) in zip(y, [-scale, 0, 0, 0, scale, 0]) {
      #expect(abs(value - expected) < 1e-5)
    }
    let statistics = BatchNormalizationStatistics(of: x)
    #expect(statistics.mean.scalars == [2, 2])
    #expect(abs(statistics.variance.scalars[0] - 2.0 / 3) < 1e-6)
    #expect(statistics.normalize(x).scalars.enumerated().allSatisfy { abs($1 - y[$0]) < 1e-6 })
  }

  /// The gradient through the batch statistics (each column's gradient sums to zero) against
  /// central differences.
  @Test func batchNormalizationGradientMatchesFiniteDifferences() {
    var generator = Xoshiro256StarStar(seed: 3)
    let x = Tensor<Float>(randomNormal: [6, 4], using: &generator)
    checkGradients(of: { batchNormalized($0[0]) }, at: [x], tolerance: 2e-2)
    let weights = Tensor<Float>(shape: [6, 4], scalars: (0..<24).map { Float($0) })
    let gradient = _Differentiation.gradient(at: x) { x in
      (batchNormalized(x) * weights).sum().scalarized()
    }.scalars
    for column in 0..<4 {
      let total = (0..<6).map { gradient[$0 * 4 + column] }.reduce(0, +)
      #expect(abs(total) < 1e-4)
    }
  }

  /// The encoder's first product over the nonzero counts equals the dense product, and its
  /// gradient in the weights equals xᵀ ȳ.
  @Test func sparseRowsProductMatchesTheDenseProduct() {
    var generator = Xoshiro256StarStar(seed: 6)
    let scalars: [Float] = (0..<36).map { (i: Int) -> Float in
      i % 5 == 0 || i % 7 == 3 ? Float(i % 4) : 0
    }
    let x = Tensor<Float>(shape: [4, 9], scalars: scalars)
    let weight = Tensor<Float>(randomNormal: [9, 3], using: &generator)
    let upstream = Tensor<Float>(randomNormal: [4, 3], using: &generator)
    let sparse = sparseRowsProduct(x, weight).scalars
    let dense = matmul(x, weight).scalars
    for (a, b) in zip(sparse, dense) { #expect(abs(a - b) < Float(1e-5)) }
    let (_, pullback) = valueWithPullback(at: weight) { sparseRowsProduct(x, $0) }
    let expected = matmul(x, transposed: true, upstream).scalars
    for (a, b) in zip(pullback(upstream).scalars, expected) {
      #expect(abs(a - b) < Float(1e-5))
    }
  }

  /// The fused reconstruction term equals the composed one, and its gradient matches central
  /// differences.
  @Test func fusedReconstructionMatchesTheComposedOne() {
    var generator = Xoshiro256StarStar(seed: 4)
    let x = Tensor<Float>(randomNormal: [5, 6], using: &generator)
    let counts = Tensor<Float>(shape: [5, 6], scalars: (0..<30).map { Float(($0 * 7) % 4) })
    let offset = Tensor<Float>(randomNormal: [6], using: &generator)
    let fused = batchNormalizedReconstruction(x, offset: offset, counts: counts).scalars
    let y = batchNormalized(x) + offset
    let composed = (-(counts * (y - y.logSumExp(alongAxis: 1))).sum(alongAxes: [1])).scalars
    for (a, b) in zip(fused, composed) { #expect(abs(a - b) < 1e-4 * max(1, abs(b))) }
    checkGradients(
      of: { batchNormalizedReconstruction($0[0], offset: $0[1], counts: counts) },
      at: [x, offset], tolerance: 2e-2)
  }

  // MARK: The prior

  /// α = (1, 2, 4): μ₁ = (−log 2, 0, log 2), σ₁² = (1/αₖ)(1/3) + 1.75/9, and the KL of
  /// q = N((0.5, −1, 0), diag(1, 0.5, 2)) from it, computed by hand (Python, double precision).
  @Test func laplacePriorAndKLMatchHandValues() throws {
    let prior = try LaplaceDirichletPrior(concentrations: [1, 2, 4])
    let expectedMean: [Float] = [-0.6931472, 0, 0.6931472]
    let expectedVariance: [Float] = [0.5277778, 0.3611111, 0.2777778]
    for k in 0..<3 {
      #expect(abs(prior.mean.scalars[k] - expectedMean[k]) < 1e-6)
      #expect(abs(prior.variance.scalars[k] - expectedVariance[k]) < 1e-6)
    }
    let kl = prior.klDivergence(
      mean: Tensor(shape: [1, 3], scalars: [0.5, -1, 0]),
      logVariance: Tensor(shape: [1, 3], scalars: [0, Float.log(0.5), Float.log(2)]))
    #expect(kl.shape == [1, 1])
    #expect(abs(kl.scalarized() - 5.868489) < 1e-4)
    // q equal to the prior: KL 0.
    let zero = prior.klDivergence(
      mean: prior.mean.reshaped(to: [1, 3]), logVariance: prior.logVariance.reshaped(to: [1, 3]))
    #expect(abs(zero.scalarized()) < 1e-6)
    // The symmetric Dirichlet(1) over 20 topics: μ₁ = 0, σ₁² = 1 − 1/K.
    let symmetric = try LaplaceDirichletPrior(topics: 20, concentration: 1)
    #expect(symmetric.mean.scalars.allSatisfy { $0 == 0 })
    #expect(symmetric.variance.scalars.allSatisfy { abs($0 - 0.95) < 1e-6 })
  }

  @Test func priorSettingsAreChecked() {
    #expect(throws: TopicModelError.self) { try LaplaceDirichletPrior(concentrations: [1]) }
    #expect(throws: TopicModelError.self) { try LaplaceDirichletPrior(concentrations: [1, 0]) }
    var options = ProdLDAFitOptions()
    options.batchSize = 1
    #expect(throws: TopicModelError.self) { try options.validate() }
    options = ProdLDAFitOptions()
    options.dropout = 1
    #expect(throws: TopicModelError.self) { try options.validate() }
  }

  // MARK: The loss

  /// A small network and batch: 5 documents over 7 words, K = 3, 4 hidden units.
  static func smallProblem() -> (
    network: ProdLDANetwork, counts: Tensor<Float>, noise: Tensor<Float>,
    prior: LaplaceDirichletPrior
  ) {
    var generator = Xoshiro256StarStar(seed: 5)
    var network = ProdLDANetwork(vocabularySize: 7, topics: 3, hiddenSize: 4, using: &generator)
    // Larger weights than the initialisation's, so that every path carries gradient.
    network.topicWord = Tensor(randomNormal: [3, 7], using: &generator)
    network.wordOffset = Tensor(randomNormal: [7], using: &generator)
    let counts = Tensor<Float>(
      shape: [5, 7],
      scalars: (0..<35).map { _ in Float(generator.next() % 4) })
    let noise = Tensor<Float>(randomNormal: [5, 3], using: &generator)
    return (network, counts, noise, try! LaplaceDirichletPrior(concentrations: [0.5, 1, 2]))
  }

  /// Reverse-mode derivatives of the training loss (batch statistics) and of the evaluation
  /// loss (fixed statistics) with respect to three coordinates of each of the ten parameter
  /// tensors, against central differences in `Float`.
  @Test(arguments: [false, true])
  func lossGradientMatchesFiniteDifferences(fixedStatistics: Bool) {
    let (network, counts, noise, prior) = Self.smallProblem()
    var statistics: ProdLDAStatistics? = nil
    if fixedStatistics {
      var generator = Xoshiro256StarStar(seed: 9)
      func random(_ n: Int) -> BatchNormalizationStatistics {
        BatchNormalizationStatistics(
          mean: Tensor(randomNormal: [n], using: &generator),
          variance: Tensor(randomUniform: [n], in: 0.5..<2, using: &generator))
      }
      statistics = ProdLDAStatistics(mean: random(3), logVariance: random(3), decoder: random(7))
    }
    let hiddenKeep = Tensor<Float>(
      shape: [5, 4], scalars: (0..<20).map { $0 % 3 == 0 ? 0 : 1.25 })
    func loss(_ network: ProdLDANetwork) -> Float {
      network.loss(
        counts: counts, noise: noise, prior: prior, statistics: statistics,
        hiddenKeep: hiddenKeep
      ).scalarized()
    }
    let gradient = _Differentiation.gradient(at: network) { network in
      network.loss(
        counts: counts, noise: noise, prior: prior, statistics: statistics,
        hiddenKeep: hiddenKeep
      ).scalarized()
    }
    let paths = network.parameterKeyPaths
    let gradientPaths = network.tangentKeyPaths
    #expect(paths.count == 10)
    var checked = 0
    for (path, gradientPath) in zip(paths, gradientPaths) {
      let analytic = gradient[keyPath: gradientPath].scalars
      let count = network[keyPath: path].scalarCount
      for index in [0, count / 2, count - 1] {
        var plus = network
        var minus = network
        let h: Float = 1e-2
        plus[keyPath: path].withUnsafeMutableBufferPointer { $0[index] += h }
        minus[keyPath: path].withUnsafeMutableBufferPointer { $0[index] -= h }
        let numerical = (loss(plus) - loss(minus)) / (2 * h)
        let scale = max(abs(analytic[index]), abs(numerical), 0.05)
        #expect(
          abs(analytic[index] - numerical) / scale < 0.03,
          "parameter \(checked / 3) index \(index): \(analytic[index]) vs \(numerical)")
        checked += 1
      }
    }
    #expect(checked == 30)
  }

  /// −Σ c log p ≥ −Σ c log(c/N) for any p, and KL ≥ 0: each document's negative ELBO is at
  /// least the saturated model's (its own word frequencies).
  @Test func negativeELBOIsAtLeastTheSaturatedModels() {
    let (network, counts, noise, prior) = Self.smallProblem()
    let values = network.negativeELBO(counts: counts, noise: noise, prior: prior).scalars
    let c = counts.scalars
    for d in 0..<5 {
      let row = c[d * 7..<(d + 1) * 7]
      let total = row.reduce(0, +)
      let saturated = -row.filter { $0 > 0 }.map { $0 * Float.log($0 / total) }.reduce(0, +)
      #expect(values[d] >= saturated - 1e-4)
    }
  }

  // MARK: Fitting

  /// On 600 documents drawn from LDA (K = 5, 50 words, each topic heavy on its own block of
  /// 10 words), 60 passes lower the training loss well below where it starts but not below
  /// the saturated bound, the per-word perplexity bound of the documents (with the fixed
  /// statistics) falls well below a uniform model's (50) and agrees with the training loss, and the topics are the blocks: at least 4 of the 5 blocks are some
  /// topic's majority block, with at least 4 of its top 5 words in that block, and on average
  /// at least 4 of each topic's top 5 words share a block.
  @Test func fitLowersTheLossAndFindsTheTopics() throws {
    let (matrix, _) = LDAFitTests.syntheticCorpus(documents: 600, length: 80, seed: 11)
    let vocabulary = Vocabulary(words: (0..<50).map { String(format: "w%02d", $0) })
    var options = ProdLDAFitOptions()
    options.passes = 60
    options.batchSize = 50
    options.hiddenSize = 20
    options.dropout = 0
    options.seed = 2
    var trainer = try ProdLDATrainer(topicCount: 5, vocabulary: vocabulary, options: options)
    let model = try trainer.fit(matrix)
    let losses = trainer.passLosses
    #expect(losses.count == 60)
    var saturated = 0.0
    for d in 0..<matrix.documentCount {
      let row = matrix.row(d)
      let total = row.map(\.count).reduce(0, +)
      saturated -= row.map { $0.count * Foundation.log($0.count / total) }.reduce(0, +)
    }
    saturated /= Double(matrix.documentCount)
    let last = losses.suffix(5).reduce(0, +) / 5
    #expect(last < losses[0] - 10, "losses \(losses[0]) → \(last)")
    #expect(last > saturated, "loss \(last) below the saturated bound \(saturated)")
    let perplexity = model.perplexity(of: matrix)
    // The bound with the fixed statistics agrees with the training loss's (about 37.6; a
    // uniform model scores 50).
    let trainingPerplexity = Foundation.exp(last * Double(matrix.documentCount) / matrix.wordCount)
    #expect(perplexity > 10 && perplexity < 42, "perplexity \(perplexity)")
    #expect(
      abs(perplexity / trainingPerplexity - 1) < 0.1, "\(perplexity) vs \(trainingPerplexity)")
    var found = Set<Int>()
    var pure = 0
    for k in 0..<5 {
      let blocks = model.topWords(ofTopic: k, count: 5).map { $0 / 10 }
      let majority = (0..<5).max { a, b in
        blocks.filter { $0 == a }.count < blocks.filter { $0 == b }.count
      }!
      let inBlock = blocks.filter { $0 == majority }.count
      pure += inBlock
      if inBlock >= 4 { found.insert(majority) }
    }
    #expect(found.count >= 4, "blocks found: \(found.sorted())")
    #expect(pure >= 20, "\(pure) of 25 top words in their topic's block")
    let proportions = model.documentTopics(of: matrix.rows(0..<3))
    #expect(proportions.count == 15)
    for d in 0..<3 {
      #expect(abs(proportions[d * 5..<(d + 1) * 5].reduce(0, +) - 1) < 1e-5)
    }
  }

  /// A saved model reads back with the same weights, statistics and prior, and gives the same
  /// document topics; `loadModel` dispatches on config.json's model.
  @Test func aSavedModelLoadsBack() throws {
    let (matrix, _) = LDAFitTests.syntheticCorpus(documents: 60, length: 30, seed: 4)
    let vocabulary = Vocabulary(words: (0..<50).map { String(format: "w%02d", $0) })
    var options = ProdLDAFitOptions()
    options.passes = 2
    options.batchSize = 20
    options.hiddenSize = 8
    var trainer = try ProdLDATrainer(topicCount: 5, vocabulary: vocabulary, options: options)
    let model = try trainer.fit(matrix)
    let directory = try TemporaryDirectory()
    try model.save(tokenizer: Tokenizer(), to: directory.path)
    let (loaded, _) = try TopicModelDirectory.loadModel(from: directory.path)
    let prodLDA = try #require(loaded as? ProdLDA)
    #expect(prodLDA.network.topicWord == model.network.topicWord)
    #expect(prodLDA.network.hidden1.weight == model.network.hidden1.weight)
    #expect(prodLDA.statistics == model.statistics)
    #expect(prodLDA.prior == model.prior)
    #expect(prodLDA.documentTopics(of: matrix) == model.documentTopics(of: matrix))
    #expect(throws: TopicModelError.self) { try TopicModelDirectory.load(from: directory.path) }
  }
}
