/// The words a topic model knows, in alphabetical order, each with its index (the column of a
/// ``DocumentTermMatrix`` and of a model's topic–word matrix).
public struct Vocabulary: Sendable, Equatable {
  /// The words, sorted.
  public let words: [String]
  let indices: [String: Int]

  /// A vocabulary of `words` (sorted and deduplicated here).
  public init(words: some Sequence<String>) {
    self.words = Array(Set(words)).sorted()
    var indices: [String: Int] = [:]
    indices.reserveCapacity(self.words.count)
    for (index, word) in self.words.enumerated() { indices[word] = index }
    self.indices = indices
  }

  /// The number of words.
  public var count: Int { words.count }

  /// The index of `word`, or `nil` when it is not in the vocabulary.
  public func index(of word: String) -> Int? { indices[word] }

  /// Which words of tokenised documents to keep, as scikit-learn's `CountVectorizer`
  /// (`min_df`, `max_df`, `max_features`) decides it.
  public struct Pruning: Sendable, Equatable {
    /// Keep words in at least this many documents.
    public var minimumDocumentCount: Int
    /// Keep words in at most this fraction of the documents.
    public var maximumDocumentFraction: Double
    /// Of the words left, keep at most this many, the most frequent by total count (ties go
    /// to the alphabetically first); `nil` keeps all.
    public var maximumSize: Int?

    /// The pruning of `CountVectorizer(min_df=5, max_df=0.5, max_features=10000)` by default.
    public init(
      minimumDocumentCount: Int = 5, maximumDocumentFraction: Double = 0.5,
      maximumSize: Int? = 10_000
    ) {
      self.minimumDocumentCount = minimumDocumentCount
      self.maximumDocumentFraction = maximumDocumentFraction
      self.maximumSize = maximumSize
    }

    /// Throws `.invalidSetting` naming the flag of a value out of range.
    public func validate() throws(TopicModelError) {
      if minimumDocumentCount < 1 {
        throw TopicModelError(.invalidSetting, path: "--min-df", "must be at least 1")
      }
      if !(maximumDocumentFraction > 0 && maximumDocumentFraction <= 1) {
        throw TopicModelError(.invalidSetting, path: "--max-df", "must be in (0, 1]")
      }
      if let maximumSize, maximumSize < 1 {
        throw TopicModelError(.invalidSetting, path: "--vocabulary-size", "must be at least 1")
      }
    }
  }

  /// The vocabulary of tokenised `documents` after `pruning`.
  ///
  /// - Throws: `.emptyCorpus` when no document has a word, `.emptyVocabulary` (naming the
  ///   flags) when pruning leaves none, `.invalidSetting` for pruning settings out of range.
  public init(documents: [[String]], pruning: Pruning) throws(TopicModelError) {
    try pruning.validate()
    var documentCounts: [String: Int] = [:]
    var totals: [String: Int] = [:]
    for document in documents {
      for word in Set(document) { documentCounts[word, default: 0] += 1 }
      for word in document { totals[word, default: 0] += 1 }
    }
    if totals.isEmpty {
      throw TopicModelError(
        .emptyCorpus, path: "corpus",
        "no document has a word (letters only, stop words removed); the corpus is empty")
    }
    let limit = pruning.maximumDocumentFraction * Double(documents.count)
    var kept = documentCounts.filter { word, count in
      count >= pruning.minimumDocumentCount && Double(count) <= limit
    }.map(\.key)
    if kept.isEmpty {
      throw TopicModelError(
        .emptyVocabulary, path: "--min-df/--max-df",
        "pruning left no word of the \(totals.count) in \(documents.count) documents "
          + "(min-df \(pruning.minimumDocumentCount), max-df "
          + "\(pruning.maximumDocumentFraction)); lower --min-df or raise --max-df")
    }
    if let maximumSize = pruning.maximumSize, kept.count > maximumSize {
      kept.sort { (totals[$0]!, $1) > (totals[$1]!, $0) }
      kept.removeLast(kept.count - maximumSize)
    }
    self.init(words: kept)
  }
}
