import Foundation

/// A collection of text documents, each with a name (a file name, `line 12`, a package name),
/// in a fixed order.
///
/// Read one with ``init(contentsOf:textColumn:)``: a directory of `.txt` files (one document
/// each, in file-name order), a CSV file with a header row, or a JSON Lines file (one object
/// per line), taking the text from the column or field `textColumn`. Every file must be UTF-8;
/// the error for one that is not names the file and the offset of the first bad byte.
public struct Corpus: Sendable {
  /// One document: where it came from and its text.
  public struct Document: Sendable, Equatable {
    /// A name for the document in outputs (e.g. `a.txt`, `row 3`).
    public var name: String
    /// The document's text.
    public var text: String

    /// The document `name` whose words are `text`.
    public init(name: String, text: String) {
      self.name = name
      self.text = text
    }
  }

  /// The documents, in order.
  public var documents: [Document]

  /// A corpus of the given documents.
  public init(documents: [Document]) {
    self.documents = documents
  }

  /// Reads a corpus from a directory of `.txt` files, a `.csv` file or a `.jsonl` (also
  /// `.ndjson`, `.json`) file.
  ///
  /// - Parameters:
  ///   - path: the directory or file.
  ///   - textColumn: for CSV and JSON Lines, the column or field holding the text.
  /// - Throws: ``TopicModelError`` naming the path: missing or unreadable (`.unreadable`), no
  ///   documents (`.emptyCorpus`), no such column (`.missingColumn`), bytes that are not UTF-8
  ///   (`.invalidUTF8`, with the byte offset), a malformed line (`.malformedRecord`).
  public init(contentsOf path: String, textColumn: String = "text") throws(TopicModelError) {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw TopicModelError(.unreadable, path: path, "no such file or directory")
    }
    if isDirectory.boolValue {
      try self.init(textFilesIn: path)
      return
    }
    let lowercased = path.lowercased()
    if lowercased.hasSuffix(".csv") {
      self.init(documents: try CSVTextReader.documents(path: path, textColumn: textColumn))
    } else if lowercased.hasSuffix(".jsonl") || lowercased.hasSuffix(".ndjson")
      || lowercased.hasSuffix(".json")
    {
      self.init(documents: try JSONLinesTextReader.documents(path: path, textField: textColumn))
    } else if lowercased.hasSuffix(".txt") {
      let text = try Self.readUTF8(path: path)
      self.init(documents: [Document(name: (path as NSString).lastPathComponent, text: text)])
    } else {
      throw TopicModelError(
        .unreadable, path: path,
        "not a directory of .txt files, a .csv or a .jsonl file; give one of those")
    }
    if documents.isEmpty {
      throw TopicModelError(.emptyCorpus, path: path, "the corpus has no documents")
    }
  }

  /// Reads every `.txt` file directly inside `directory`, in file-name order.
  public init(textFilesIn directory: String) throws(TopicModelError) {
    let names: [String]
    do {
      names = try FileManager.default.contentsOfDirectory(atPath: directory)
    } catch {
      throw TopicModelError(.unreadable, path: directory, "cannot list the directory")
    }
    let textFiles = names.filter { $0.lowercased().hasSuffix(".txt") && !$0.hasPrefix(".") }
      .sorted()
    if textFiles.isEmpty {
      throw TopicModelError(
        .emptyCorpus, path: directory, "the corpus has no documents (no .txt files)")
    }
    var documents: [Document] = []
    documents.reserveCapacity(textFiles.count)
    for name in textFiles {
      let path = (directory as NSString).appendingPathComponent(name)
      documents.append(Document(name: name, text: try Self.readUTF8(path: path)))
    }
    self.init(documents: documents)
  }

  /// The contents of the file at `path` as text, after checking that it is UTF-8.
  static func readUTF8(path: String) throws(TopicModelError) -> String {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw TopicModelError(.unreadable, path: path, "cannot read the file")
    }
    let bytes = [UInt8](data)
    try UTF8Validation.check(bytes, path: path)
    return String(decoding: bytes, as: UTF8.self)
  }
}
