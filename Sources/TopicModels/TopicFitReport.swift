import Foundation
import Reporting

/// What `topics fit` writes beside the model: the held-out metrics, each document's topics,
/// the top words and their picture.
public struct TopicFitReport {
  /// The model evaluated.
  public let model: any FittedTopicModel
  /// Held-out perplexity, each topic's NPMI, the sizes and the timings (`metrics.json`).
  public private(set) var metrics: TopicMetrics
  /// Every document's name, in the corpus's order.
  public let documentNames: [String]
  /// Every document's split: `training` or `held-out`.
  public let documentSplits: [String]
  /// Every document's topic proportions E[θ] (or softmax(μ) for ProdLDA), K values per
  /// document, row-major: documents × K.
  public let documentTopics: [Double]

  /// Evaluates `model` on `corpus`'s held-out documents (perplexity, and the NPMI of each
  /// topic's top 10 words) and infers every document's topics.
  public init(
    model: LatentDirichletAllocation, corpus: PreparedCorpus, fitSeconds: Double,
    fitCPUSeconds: Double? = nil, corpusSeconds: Double, options: LDAFitOptions
  ) throws {
    try self.init(
      model: model as any FittedTopicModel, corpus: corpus, fitSeconds: fitSeconds,
      fitCPUSeconds: fitCPUSeconds, corpusSeconds: corpusSeconds, passes: options.passes,
      method: options.method.rawValue)
  }

  /// The same for any fitted model; `method` names the fit in metrics.json.
  public init(
    model: any FittedTopicModel, corpus: PreparedCorpus, fitSeconds: Double,
    fitCPUSeconds: Double? = nil, corpusSeconds: Double, passes: Int, method: String
  ) throws {
    self.model = model
    let start = ContinuousClock.now
    let perplexity =
      corpus.heldOut.documentCount > 0 && corpus.heldOut.wordCount > 0
      ? model.perplexity(of: corpus.heldOut) : nil
    let coherence = TopicCoherence.normalizedPMI(
      ofTopics: (0..<model.topicCount).map { model.topWords(ofTopic: $0, count: 10) },
      in: corpus.heldOut.documentCount > 0 ? corpus.heldOut : corpus.training)
    let evaluationSeconds = (ContinuousClock.now - start).inSeconds
    metrics = TopicMetrics(
      heldOutPerplexity: perplexity, coherence: coherence, fitSeconds: fitSeconds,
      corpusSeconds: corpusSeconds,
      evaluationSeconds: evaluationSeconds,
      trainingDocuments: corpus.training.documentCount,
      heldOutDocuments: corpus.heldOut.documentCount, vocabularySize: model.vocabulary.count,
      topics: model.topicCount, passes: passes, method: method)
    metrics.fitCPUSeconds = fitCPUSeconds
    metrics.model = model.kind
    documentNames = corpus.trainingNames + corpus.heldOutNames
    documentSplits =
      Array(repeating: "training", count: corpus.training.documentCount)
      + Array(repeating: "held-out", count: corpus.heldOut.documentCount)
    documentTopics =
      model.documentTopics(of: corpus.training) + model.documentTopics(of: corpus.heldOut)
  }

  /// The files written, in order.
  public static let files = [
    TopicModelDirectory.modelFile, TopicModelDirectory.configurationFile, "topics.txt",
    "document-topics.csv", "metrics.json", "topics.png",
  ]

  /// Writes the model, `topics.txt`, `document-topics.csv`, `metrics.json` and `topics.png`
  /// into `directory` (which must exist), each file atomically.
  public func write(to directory: String, tokenizer: Tokenizer = Tokenizer()) throws {
    func path(_ name: String) -> String { TopicModelDirectory.path(directory, name) }
    try model.save(tokenizer: tokenizer, to: directory)
    try TopicModelDirectory.writeText(
      TopicModelDirectory.topicsText(model), toPath: path("topics.txt"))
    try TopicModelDirectory.writeText(
      TopicModelDirectory.documentTopicsCSV(
        names: documentNames, split: documentSplits, proportions: documentTopics,
        topicCount: model.topicCount), toPath: path("document-topics.csv"))
    try TopicModelDirectory.writeJSON(metrics, toPath: path("metrics.json"))
    try TopicsChart(model: model).image().writePNG(toPath: path("topics.png"))
  }
}
