import Foundation

/// Reads the documents of a JSON Lines file: one JSON object per line, the text in a string
/// field; blank lines are skipped.
enum JSONLinesTextReader {
  /// One document per object, named `line N` (N counts lines of the file from 1).
  static func documents(path: String, textField: String) throws(TopicModelError)
    -> [Corpus.Document]
  {
    let text = try Corpus.readUTF8(path: path)
    var documents: [Corpus.Document] = []
    var lineNumber = 0
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      lineNumber += 1
      if line.allSatisfy({ $0.isWhitespace }) { continue }
      let object: Any
      do {
        object = try JSONSerialization.jsonObject(with: Data(line.utf8), options: [])
      } catch {
        throw TopicModelError(.malformedRecord, path: path, "line \(lineNumber): not valid JSON")
      }
      guard let record = object as? [String: Any] else {
        throw TopicModelError(
          .malformedRecord, path: path, "line \(lineNumber): not a JSON object")
      }
      guard let value = record[textField] else {
        let names = record.keys.sorted().map { "\"\($0)\"" }.joined(separator: ", ")
        throw TopicModelError(
          .missingColumn, path: path,
          "line \(lineNumber): no field \"\(textField)\" (--text-column); the object has "
            + (names.isEmpty ? "no fields" : names))
      }
      guard let string = value as? String else {
        throw TopicModelError(
          .malformedRecord, path: path,
          "line \(lineNumber): field \"\(textField)\" is not a string")
      }
      documents.append(Corpus.Document(name: "line \(lineNumber)", text: string))
    }
    return documents
  }
}
