/// How well a fitted topic model does on held-out documents, as `metrics.json` records it.
public struct TopicMetrics: Codable, Sendable, Equatable {
  /// Per-word perplexity of the held-out documents (``LatentDirichletAllocation/perplexity(of:)``).
  public var heldOutPerplexity: Double?
  /// Each topic's mean NPMI of its top 10 words on the held-out documents (on the training
  /// documents when none is held out).
  public var coherence: [Double]
  /// The mean of `coherence`.
  public var meanCoherence: Double
  /// Seconds of the fit alone.
  public var fitSeconds: Double
  /// CPU seconds (user + system, all threads) of the fit alone, when measured: on a shared
  /// machine, less sensitive to other processes than `fitSeconds`.
  public var fitCPUSeconds: Double?
  /// Seconds of reading and tokenising the corpus.
  public var corpusSeconds: Double
  /// Seconds of computing the perplexity and coherence.
  public var evaluationSeconds: Double
  /// The number of documents the model was fitted to.
  public var trainingDocuments: Int
  /// The number of held-out documents the perplexity and coherence are measured on.
  public var heldOutDocuments: Int
  /// V, the number of words in the vocabulary.
  public var vocabularySize: Int
  /// K, the number of topics.
  public var topics: Int
  /// Passes (epochs) of the fit over the training documents.
  public var passes: Int
  /// How the model was fitted: LDA's `online` or `batch` (``LDAFitOptions/Method``), or `adam`
  /// for ProdLDA.
  public var method: String
  /// `"lda"` or `"prodlda"`, when recorded.
  public var model: String?

  enum CodingKeys: String, CodingKey {
    case coherence, topics, passes, method, model
    case heldOutPerplexity = "held_out_perplexity"
    case meanCoherence = "mean_npmi"
    case fitSeconds = "fit_seconds"
    case fitCPUSeconds = "fit_cpu_seconds"
    case corpusSeconds = "corpus_seconds"
    case evaluationSeconds = "evaluation_seconds"
    case trainingDocuments = "training_documents"
    case heldOutDocuments = "held_out_documents"
    case vocabularySize = "vocabulary_size"
  }

  /// Metrics of these values; ``meanCoherence`` is the mean of `coherence` (0 when it is
  /// empty), and ``fitCPUSeconds`` and ``model`` start unset.
  public init(
    heldOutPerplexity: Double?, coherence: [Double], fitSeconds: Double, corpusSeconds: Double,
    evaluationSeconds: Double, trainingDocuments: Int, heldOutDocuments: Int,
    vocabularySize: Int, topics: Int, passes: Int, method: String
  ) {
    self.heldOutPerplexity = heldOutPerplexity
    self.coherence = coherence
    meanCoherence = coherence.isEmpty ? 0 : coherence.reduce(0, +) / Double(coherence.count)
    self.fitSeconds = fitSeconds
    self.corpusSeconds = corpusSeconds
    self.evaluationSeconds = evaluationSeconds
    self.trainingDocuments = trainingDocuments
    self.heldOutDocuments = heldOutDocuments
    self.vocabularySize = vocabularySize
    self.topics = topics
    self.passes = passes
    self.method = method
  }
}
