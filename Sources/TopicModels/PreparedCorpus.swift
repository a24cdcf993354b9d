import TensorCore

/// A corpus made ready for a topic model: tokenised, split into training and held-out
/// documents, with a vocabulary chosen from the training documents, as two document–term
/// matrices.
public struct PreparedCorpus: Sendable {
  /// The vocabulary (from the training documents only).
  public let vocabulary: Vocabulary
  /// The training documents' counts, in the split's training order.
  public let training: DocumentTermMatrix
  /// The held-out documents' counts.
  public let heldOut: DocumentTermMatrix
  /// The names of the training documents, row by row.
  public let trainingNames: [String]
  /// The names of the held-out documents, row by row.
  public let heldOutNames: [String]

  /// Tokenises `corpus` with `tokenizer`, splits it with `split`'s settings and builds the
  /// vocabulary with `pruning`.
  ///
  /// - Throws: ``TopicModelError``: `.emptyCorpus` (no documents or no words),
  ///   `.emptyVocabulary`, `.invalidSetting`.
  public init(
    corpus: Corpus, tokenizer: Tokenizer = Tokenizer(), pruning: Vocabulary.Pruning = .init(),
    heldOutFraction: Double = 0.1, seed: UInt64 = 0
  ) throws(TopicModelError) {
    if corpus.documents.isEmpty {
      throw TopicModelError(.emptyCorpus, path: "corpus", "the corpus has no documents")
    }
    let tokens = tokenizer.words(in: corpus.documents)
    let split = try CorpusSplit(
      documentCount: tokens.count, heldOutFraction: heldOutFraction, seed: seed)
    let trainingTokens = split.trainingIndices.map { tokens[$0] }
    vocabulary = try Vocabulary(documents: trainingTokens, pruning: pruning)
    training = DocumentTermMatrix(documents: trainingTokens, vocabulary: vocabulary)
    heldOut = DocumentTermMatrix(
      documents: split.heldOutIndices.map { tokens[$0] }, vocabulary: vocabulary)
    trainingNames = split.trainingIndices.map { corpus.documents[$0].name }
    heldOutNames = split.heldOutIndices.map { corpus.documents[$0].name }
  }
}
