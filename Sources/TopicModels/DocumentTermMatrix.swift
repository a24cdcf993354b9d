/// Word counts of documents as a sparse matrix in compressed sparse row form: document `d`'s
/// distinct words are `termIndices[rowStarts[d]..<rowStarts[d + 1]]` (increasing), with
/// `counts` at the same positions.
public struct DocumentTermMatrix: Sendable, Equatable {
  /// The number of columns: the vocabulary's size.
  public let termCount: Int
  /// Where each document's entries start, and at the end the number of entries.
  public private(set) var rowStarts: [Int]
  /// The column (word index) of each entry.
  public private(set) var termIndices: [Int32]
  /// The count of each entry (a positive whole number, as a `Double`).
  public private(set) var counts: [Double]

  /// An empty matrix of `termCount` columns.
  public init(termCount: Int) {
    self.termCount = termCount
    rowStarts = [0]
    termIndices = []
    counts = []
  }

  /// The matrix of tokenised `documents` over `vocabulary`; words outside it are dropped.
  public init(documents: [[String]], vocabulary: Vocabulary) {
    self.init(termCount: vocabulary.count)
    var row: [Int: Double] = [:]
    for document in documents {
      row.removeAll(keepingCapacity: true)
      for word in document {
        if let index = vocabulary.index(of: word) { row[index, default: 0] += 1 }
      }
      appendRow(row.sorted { $0.key < $1.key }.map { (term: $0.key, count: $0.value) })
    }
  }

  /// Appends a document's entries, which must be in increasing term order.
  public mutating func appendRow(_ entries: [(term: Int, count: Double)]) {
    for (term, count) in entries {
      precondition(term >= 0 && term < termCount && count > 0, "bad document-term entry")
      termIndices.append(Int32(term))
      counts.append(count)
    }
    rowStarts.append(termIndices.count)
  }

  /// The number of documents.
  public var documentCount: Int { rowStarts.count - 1 }

  /// The total number of words (tokens) in all documents.
  public var wordCount: Double { counts.reduce(0, +) }

  /// Document `document`'s entries.
  public func row(_ document: Int) -> [(term: Int, count: Double)] {
    (rowStarts[document]..<rowStarts[document + 1]).map { (Int(termIndices[$0]), counts[$0]) }
  }

  /// The documents at `indices`, in that order.
  public func rows(_ indices: some Sequence<Int>) -> DocumentTermMatrix {
    var result = DocumentTermMatrix(termCount: termCount)
    for document in indices {
      let range = rowStarts[document]..<rowStarts[document + 1]
      result.termIndices.append(contentsOf: termIndices[range])
      result.counts.append(contentsOf: counts[range])
      result.rowStarts.append(result.termIndices.count)
    }
    return result
  }

  /// The documents `range`, as a new matrix.
  public func rows(_ range: Range<Int>) -> DocumentTermMatrix {
    rows(Array(range))
  }

  /// Throws `.invalidSetting` unless the matrix has one column per word of a vocabulary of
  /// `vocabularySize` words: what a trainer checks before it fits.
  func requireColumns(forVocabularyOf vocabularySize: Int) throws(TopicModelError) {
    guard termCount == vocabularySize else {
      throw TopicModelError(
        .invalidSetting, path: "documents",
        "\(termCount) columns for a vocabulary of \(vocabularySize) words")
    }
  }
}
