/// A problem with a corpus or a topic model's files, meant to be shown to a person: it names
/// the file (and where it applies the line, column or byte offset) and what was wrong.
///
///     /x/docs/b.txt: byte 17 is not valid UTF-8 (0xFF); save the file as UTF-8
///     /x/posts.csv: no column "body"; the header has "id", "title", "text"
public struct TopicModelError: Error, CustomStringConvertible, Sendable, Equatable {
  /// The category of problem; `message` has the specifics.
  public enum Kind: String, Sendable, Equatable {
    /// A file or directory is missing or unreadable.
    case unreadable
    /// The corpus has no documents, or no document has a single token.
    case emptyCorpus
    /// A CSV or JSONL corpus has no column or field of the requested name.
    case missingColumn
    /// A file has bytes that are not UTF-8.
    case invalidUTF8
    /// A CSV or JSONL line is malformed.
    case malformedRecord
    /// The pruning options left no word in the vocabulary.
    case emptyVocabulary
    /// A setting is out of range (a count below 1, a fraction outside (0, 1]).
    case invalidSetting
    /// A saved model's files are missing or inconsistent.
    case invalidModel
  }

  /// The category of problem.
  public var kind: Kind
  /// The file, directory or setting concerned.
  public var path: String
  /// What was wrong, in a sentence that does not repeat `path`.
  public var message: String

  /// Creates an error about `path`.
  public init(_ kind: Kind, path: String, _ message: String) {
    self.kind = kind
    self.path = path
    self.message = message
  }

  /// `"<path>: <message>"`.
  public var description: String { "\(path): \(message)" }
}
