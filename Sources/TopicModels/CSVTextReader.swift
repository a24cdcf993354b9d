/// Reads the documents of a CSV file (RFC 4180: a header row, comma-separated fields, fields in
/// double quotes may hold commas, line breaks and doubled quotes) from one text column.
enum CSVTextReader {
  /// One row of the file: its fields and the line it starts on (1-based).
  typealias Record = (fields: [String], line: Int)

  /// One document per data row, named `row N` (N counts data rows from 1); rows whose text
  /// field is empty are kept as empty documents.
  static func documents(path: String, textColumn: String) throws(TopicModelError)
    -> [Corpus.Document]
  {
    let text = try Corpus.readUTF8(path: path)
    let records = try records(of: text, path: path)
    guard let header = records.first?.fields else {
      throw TopicModelError(.emptyCorpus, path: path, "the file is empty")
    }
    let column = try index(of: textColumn, in: header, path: path)
    var documents: [Corpus.Document] = []
    documents.reserveCapacity(records.count - 1)
    for index in 1..<records.count {
      let (row, line) = records[index]
      guard column < row.count else {
        throw TopicModelError(
          .malformedRecord, path: path,
          "line \(line): \(row.count) fields, but the text column "
            + "\"\(textColumn)\" is field \(column + 1)")
      }
      documents.append(Corpus.Document(name: "row \(index)", text: row[column]))
    }
    return documents
  }

  /// The position of the column named `textColumn` in `header`.
  ///
  /// - Throws: `.missingColumn` listing the header's names when there is none.
  static func index(of textColumn: String, in header: [String], path: String)
    throws(TopicModelError) -> Int
  {
    guard let column = header.firstIndex(of: textColumn) else {
      let names = header.map { "\"\($0)\"" }.joined(separator: ", ")
      throw TopicModelError(
        .missingColumn, path: path,
        "no column \"\(textColumn)\" (--text-column); the header has \(names)")
    }
    return column
  }

  /// Every record of `text` (the header first), with the line each starts on; an empty line
  /// is no record, and a `\r` outside quotes is dropped.
  ///
  /// - Throws: `.malformedRecord` naming the record's line when a quoted field is never closed.
  static func records(of text: String, path: String) throws(TopicModelError) -> [Record] {
    var records: [Record] = []
    var field = ""
    var record: [String] = []
    var inQuotes = false
    var line = 1
    var recordLine = 1
    var fieldStarted = false
    var iterator = text.unicodeScalars.makeIterator()
    var pending: Unicode.Scalar? = nil
    func endRecord() {
      record.append(field)
      if !(record.count == 1 && record[0].isEmpty && !fieldStarted) {
        records.append((record, recordLine))
      }
      record = []
      field = ""
      fieldStarted = false
    }
    while let scalar = pending ?? iterator.next() {
      pending = nil
      if inQuotes {
        if scalar == "\"" {
          if let next = iterator.next() {
            if next == "\"" {
              field.unicodeScalars.append("\"")
            } else {
              inQuotes = false
              pending = next
            }
          } else {
            inQuotes = false
          }
        } else {
          if scalar == "\n" { line += 1 }
          field.unicodeScalars.append(scalar)
        }
        continue
      }
      switch scalar {
      case "\"":
        inQuotes = true
        fieldStarted = true
      case ",":
        record.append(field)
        field = ""
        fieldStarted = true
      case "\r":
        break
      case "\n":
        endRecord()
        line += 1
        recordLine = line
      default:
        field.unicodeScalars.append(scalar)
        fieldStarted = true
      }
    }
    if inQuotes {
      throw TopicModelError(
        .malformedRecord, path: path,
        "line \(recordLine): a quoted field is never closed (a \" is missing)")
    }
    if !field.isEmpty || !record.isEmpty || fieldStarted { endRecord() }
    return records
  }
}
