/// Splits one line of comma-separated values into fields.
///
/// Fields are separated by commas; spaces and tabs around a field are dropped. A field may be
/// enclosed in double quotes, in which case it may contain commas, and a doubled quote `""`
/// stands for one quote character. Line breaks inside quotes are not supported (the table
/// reader splits lines first).
enum CSVFieldSplitter {
  /// One field of a line.
  struct Field {
    /// The field's bytes without surrounding spaces or quotes (escaped quotes still doubled).
    var content: ArraySlice<UInt8>
    /// Whether the field was enclosed in quotes.
    var isQuoted: Bool
    /// Whether `content` contains doubled quotes that stand for one quote each.
    var hasEscapedQuotes: Bool

    /// The field's text, with escaped quotes resolved and invalid UTF-8 repaired.
    var text: String {
      let raw = String(decoding: content, as: UTF8.self)
      return hasEscapedQuotes ? raw.replacing("\"\"", with: "\"") : raw
    }
  }

  /// Why a line could not be split; `field` is the 1-based index of the offending field.
  enum Failure: Error {
    case unterminatedQuote(field: Int)
    case textAfterClosingQuote(field: Int)
  }

  private static let comma = UInt8(ascii: ",")
  private static let quote = UInt8(ascii: "\"")

  private static func isBlank(_ byte: UInt8) -> Bool {
    byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
  }

  /// Whether `line` holds nothing but spaces and tabs.
  static func isBlankLine(_ line: ArraySlice<UInt8>) -> Bool {
    line.allSatisfy(isBlank)
  }

  /// Replaces the contents of `fields` with the fields of `line` (reusing its storage), or
  /// returns why the line is malformed.
  static func split(_ line: ArraySlice<UInt8>, into fields: inout [Field]) -> Failure? {
    fields.removeAll(keepingCapacity: true)
    var index = line.startIndex
    let end = line.endIndex
    while true {
      while index < end, isBlank(line[index]) { index += 1 }
      if index < end, line[index] == quote {
        index += 1
        let start = index
        var escaped = false
        while true {
          guard index < end else { return .unterminatedQuote(field: fields.count + 1) }
          if line[index] == quote {
            if index + 1 < end, line[index + 1] == quote {
              escaped = true
              index += 2
              continue
            }
            break
          }
          index += 1
        }
        fields.append(
          Field(content: line[start..<index], isQuoted: true, hasEscapedQuotes: escaped))
        index += 1
        while index < end, isBlank(line[index]) { index += 1 }
        if index == end { return nil }
        guard line[index] == comma else { return .textAfterClosingQuote(field: fields.count) }
        index += 1
      } else {
        let start = index
        while index < end, line[index] != comma { index += 1 }
        var stop = index
        while stop > start, isBlank(line[stop - 1]) { stop -= 1 }
        fields.append(Field(content: line[start..<stop], isQuoted: false, hasEscapedQuotes: false))
        if index == end { return nil }
        index += 1
      }
    }
  }
}
