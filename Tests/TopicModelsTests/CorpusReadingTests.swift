import Foundation
import TestSupport
import Testing

@testable import TopicModels

/// Reading corpora, and the errors for bad ones: each names the file and what is wrong.
@Suite struct CorpusReadingTests {
  func write(_ text: String, to path: String) throws {
    try text.write(toFile: path, atomically: true, encoding: .utf8)
  }

  @Test func readsADirectoryOfTextFilesInNameOrder() throws {
    let directory = try TemporaryDirectory()
    try write("Second document", to: directory.file("b.txt"))
    try write("First document", to: directory.file("a.txt"))
    try write("not a document", to: directory.file("notes.md"))
    let corpus = try Corpus(contentsOf: directory.path)
    #expect(corpus.documents.map(\.name) == ["a.txt", "b.txt"])
    #expect(corpus.documents.map(\.text) == ["First document", "Second document"])
  }

  @Test func readsACSVTextColumnWithQuotedFields() throws {
    let directory = try TemporaryDirectory()
    let path = directory.file("posts.csv")
    try write("id,body\n1,\"Hello, \"\"quoted\"\"\nworld\"\n2,plain text\r\n", to: path)
    let corpus = try Corpus(contentsOf: path, textColumn: "body")
    #expect(corpus.documents.map(\.text) == ["Hello, \"quoted\"\nworld", "plain text"])
    #expect(corpus.documents.map(\.name) == ["row 1", "row 2"])
  }

  @Test func readsAJSONLinesTextField() throws {
    let directory = try TemporaryDirectory()
    let path = directory.file("posts.jsonl")
    try write("{\"text\": \"alpha beta\", \"id\": 1}\n\n{\"text\": \"gamma\"}\n", to: path)
    let corpus = try Corpus(contentsOf: path)
    #expect(corpus.documents.map(\.text) == ["alpha beta", "gamma"])
    #expect(corpus.documents.map(\.name) == ["line 1", "line 3"])
  }

  /// Runs `body`, expecting a ``TopicModelError`` of `kind` whose description contains every
  /// one of `fragments`.
  func expectError(
    _ kind: TopicModelError.Kind, mentioning fragments: [String],
    sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void
  ) {
    do {
      try body()
      Issue.record("expected a \(kind) error", sourceLocation: sourceLocation)
    } catch let error as TopicModelError {
      #expect(error.kind == kind, "\(error)", sourceLocation: sourceLocation)
      for fragment in fragments {
        #expect(
          error.description.contains(fragment), "\(error) does not mention \(fragment)",
          sourceLocation: sourceLocation)
      }
    } catch {
      Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
    }
  }

  @Test func anEmptyCorpusIsAnError() throws {
    let directory = try TemporaryDirectory()
    expectError(.emptyCorpus, mentioning: [directory.path, "no documents"]) {
      _ = try Corpus(contentsOf: directory.path)
    }
    let csv = directory.file("empty.csv")
    try write("", to: csv)
    expectError(.emptyCorpus, mentioning: [csv, "empty"]) { _ = try Corpus(contentsOf: csv) }
    let headerOnly = directory.file("header.csv")
    try write("text\n", to: headerOnly)
    expectError(.emptyCorpus, mentioning: [headerOnly, "no documents"]) {
      _ = try Corpus(contentsOf: headerOnly)
    }
    // Documents without a single word (digits, punctuation, stop words) are an empty corpus.
    expectError(.emptyCorpus, mentioning: ["no document has a word"]) {
      _ = try PreparedCorpus(
        corpus: Corpus(documents: [.init(name: "a", text: "1 2 3 the of !")]),
        pruning: .init(minimumDocumentCount: 1), heldOutFraction: 0)
    }
  }

  @Test func aMissingColumnIsAnErrorListingTheColumns() throws {
    let directory = try TemporaryDirectory()
    let csv = directory.file("posts.csv")
    try write("id,title,text\n1,a,b\n", to: csv)
    expectError(.missingColumn, mentioning: [csv, "\"body\"", "\"title\"", "--text-column"]) {
      _ = try Corpus(contentsOf: csv, textColumn: "body")
    }
    let jsonl = directory.file("posts.jsonl")
    try write("{\"text\": \"a\"}\n{\"body\": \"b\"}\n", to: jsonl)
    expectError(.missingColumn, mentioning: [jsonl, "line 2", "\"text\"", "\"body\""]) {
      _ = try Corpus(contentsOf: jsonl)
    }
  }

  @Test func nonUTF8BytesAreAnErrorNamingTheFileAndOffset() throws {
    let directory = try TemporaryDirectory()
    try write("fine", to: directory.file("a.txt"))
    // "café" in Latin-1: the é is the single byte 0xE9 at offset 9.
    let latin1: [UInt8] = Array("good caf".utf8) + [0xE9] + Array(" text".utf8)
    #expect(FileManager.default.createFile(atPath: directory.file("b.txt"), contents: Data(latin1)))
    expectError(.invalidUTF8, mentioning: [directory.file("b.txt"), "byte 8", "0xE9"]) {
      _ = try Corpus(contentsOf: directory.path)
    }
    // Overlong forms, surrogates and truncated sequences are not UTF-8 either.
    #expect(UTF8Validation.firstInvalidOffset(in: [0x61, 0xC0, 0x80]) == 1)
    #expect(UTF8Validation.firstInvalidOffset(in: [0xED, 0xA0, 0x80]) == 0)
    #expect(UTF8Validation.firstInvalidOffset(in: [0x61, 0x62, 0xE2, 0x82]) == 2)
    #expect(UTF8Validation.firstInvalidOffset(in: Array("€ 𝄞 é".utf8)) == nil)
  }

  @Test func aVocabularyPrunedToNothingIsAnErrorNamingTheFlags() {
    let corpus = Corpus(documents: [
      .init(name: "a", text: "apple banana"), .init(name: "b", text: "cherry date"),
    ])
    expectError(.emptyVocabulary, mentioning: ["--min-df", "lower --min-df"]) {
      _ = try PreparedCorpus(
        corpus: corpus, pruning: .init(minimumDocumentCount: 5), heldOutFraction: 0)
    }
  }

  @Test func pruningKeepsWordsByDocumentFrequencyAndTotalCount() throws {
    let documents = [
      ["apple", "apple", "apple", "pear"], ["apple", "kiwi", "pear"], ["kiwi", "plum"],
      ["plum", "fig"],
    ]
    // fig is in one document (below min-df 2); apple, pear, kiwi and plum in two (≤ 0.5·4).
    let all = try Vocabulary(
      documents: documents,
      pruning: .init(minimumDocumentCount: 2, maximumDocumentFraction: 0.5, maximumSize: nil))
    #expect(all.words == ["apple", "kiwi", "pear", "plum"])
    // The two most frequent: apple (4), then kiwi, pear, plum (2 each) by alphabet.
    let two = try Vocabulary(
      documents: documents,
      pruning: .init(minimumDocumentCount: 2, maximumDocumentFraction: 0.5, maximumSize: 2))
    #expect(two.words == ["apple", "kiwi"])
    let matrix = DocumentTermMatrix(documents: documents, vocabulary: two)
    #expect(matrix.row(0).map(\.term) == [0] && matrix.row(0).map(\.count) == [3])
    #expect(matrix.row(1).map(\.term) == [0, 1] && matrix.row(1).map(\.count) == [1, 1])
    #expect(matrix.row(3).isEmpty)
  }

  @Test func theSplitIsSeededAndCoversEveryDocumentOnce() throws {
    let split = try CorpusSplit(documentCount: 100, heldOutFraction: 0.1, seed: 7)
    #expect(split == (try CorpusSplit(documentCount: 100, heldOutFraction: 0.1, seed: 7)))
    #expect(split != (try CorpusSplit(documentCount: 100, heldOutFraction: 0.1, seed: 8)))
    #expect(split.heldOutIndices.count == 10)
    #expect((split.heldOutIndices + split.trainingIndices).sorted() == Array(0..<100))
  }

  @Test func debianRecordsGiveTheirLongDescriptionsOnce() {
    let lists = """
      Package: a
      Description-md5: 111
      Description-en: Short summary
       First paragraph
       .
       Second paragraph

      Package: a-data
      Description-md5: 111
      Description-en: Short summary
       First paragraph
       .
       Second paragraph

      Package: b
      Description-md5: 222
      Description-en: Only a summary

      """
    var documents: [Corpus.Document] = []
    var seen: Set<String> = []
    DebianDescriptions.parse(lists, into: &documents, seen: &seen)
    #expect(documents == [.init(name: "a", text: "First paragraph\n\nSecond paragraph")])
  }
}
