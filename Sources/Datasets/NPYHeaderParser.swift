/// Parses the header of an `.npy` file: a Python dictionary literal such as
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }`.
///
/// Only the literal forms NumPy writes are understood: strings in single or double quotes
/// (with backslash escapes), integers (optionally with Python 2's `L` suffix), `True`,
/// `False`, `None`, tuples, lists and dictionaries with string keys.
struct NPYHeaderParser {
  /// A parsed Python literal.
  indirect enum Value: Equatable {
    case string(String)
    case integer(Int)
    case boolean(Bool)
    case none
    case tuple([Value])
    case list([Value])
    case dictionary([String: Value])

    /// What kind of literal this is, for error messages ("a tuple", "an integer", …).
    var kindDescription: String {
      switch self {
      case .string(let text): "the string \(quoted(text))"
      case .integer(let value): "the integer \(value)"
      case .boolean(let value): value ? "True" : "False"
      case .none: "None"
      case .tuple: "a tuple"
      case .list: "a list"
      case .dictionary: "a dictionary"
      }
    }
  }

  /// Why the header could not be parsed.
  struct Failure: Error {
    var message: String
  }

  /// The deepest nesting of tuples, lists and dictionaries accepted. NumPy writes two levels
  /// (a shape tuple in the dictionary); the limit keeps a hostile header from overflowing the
  /// stack of this recursive parser.
  static let maximumDepth = 32

  private let text: [UInt8]
  private var index = 0
  private var depth = 0

  /// Parses `text` as one dictionary literal, optionally surrounded by whitespace.
  static func parseDictionary(_ text: [UInt8]) throws(Failure) -> [String: Value] {
    var parser = NPYHeaderParser(text: text)
    guard case .dictionary(let dictionary) = try parser.parseValue() else {
      throw Failure(message: "expected a dictionary literal {…}")
    }
    parser.skipWhitespace()
    guard parser.index == text.count else { throw parser.unexpected("the end of the header") }
    return dictionary
  }

  private init(text: [UInt8]) {
    self.text = text
  }

  private mutating func skipWhitespace() {
    while index < text.count, [0x20, 0x09, 0x0A, 0x0D].contains(text[index]) { index += 1 }
  }

  private func unexpected(_ expected: String) -> Failure {
    guard index < text.count else {
      return Failure(message: "expected \(expected) at offset \(index), found the end")
    }
    let rest = String(decoding: text[index..<min(index + 20, text.count)], as: UTF8.self)
    return Failure(message: "expected \(expected) at offset \(index), found \(quoted(rest))")
  }

  /// Consumes `character` (after whitespace) if it is next.
  private mutating func consume(_ character: Unicode.Scalar) -> Bool {
    skipWhitespace()
    guard index < text.count, text[index] == UInt8(ascii: character) else { return false }
    index += 1
    return true
  }

  private mutating func parseValue() throws(Failure) -> Value {
    skipWhitespace()
    guard index < text.count else { throw unexpected("a value") }
    switch text[index] {
    case UInt8(ascii: "'"), UInt8(ascii: "\""): return .string(try parseString())
    case UInt8(ascii: "("), UInt8(ascii: "["), UInt8(ascii: "{"):
      guard depth < Self.maximumDepth else {
        throw Failure(
          message: "literals nested more than \(Self.maximumDepth) levels deep at offset \(index)")
      }
      depth += 1
      defer { depth -= 1 }
      switch text[index] {
      case UInt8(ascii: "("): return .tuple(try parseSequence(closing: ")"))
      case UInt8(ascii: "["): return .list(try parseSequence(closing: "]"))
      default: return try parseDictionaryBody()
      }
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseInteger()
    default:
      for (word, value) in [
        ("True", Value.boolean(true)), ("False", .boolean(false)), ("None", .none),
      ]
      where text[index...].starts(with: word.utf8) {
        index += word.utf8.count
        return value
      }
      throw unexpected("a string, number, True, False, None, tuple, list or dictionary")
    }
  }

  private mutating func parseString() throws(Failure) -> String {
    let delimiter = text[index]
    index += 1
    var bytes: [UInt8] = []
    while index < text.count, text[index] != delimiter {
      if text[index] == UInt8(ascii: "\\"), index + 1 < text.count { index += 1 }
      bytes.append(text[index])
      index += 1
    }
    guard index < text.count else { throw Failure(message: "unterminated string literal") }
    index += 1
    return String(decoding: bytes, as: UTF8.self)
  }

  private mutating func parseInteger() throws(Failure) -> Value {
    let start = index
    if text[index] == UInt8(ascii: "-") { index += 1 }
    while index < text.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(text[index]) {
      index += 1
    }
    let digits = String(decoding: text[start..<index], as: UTF8.self)
    if index < text.count, text[index] == UInt8(ascii: "L") { index += 1 }
    guard let value = Int(digits) else {
      throw Failure(message: "integer \(quoted(digits)) at offset \(start) is out of range")
    }
    return .integer(value)
  }

  /// Parses `(…)` or `[…]` after the opening bracket: values separated by commas, with an
  /// optional trailing comma.
  private mutating func parseSequence(closing: Unicode.Scalar) throws(Failure) -> [Value] {
    index += 1
    var values: [Value] = []
    while !consume(closing) {
      values.append(try parseValue())
      if !consume(",") {
        guard consume(closing) else { throw unexpected("',' or '\(closing)'") }
        break
      }
    }
    return values
  }

  private mutating func parseDictionaryBody() throws(Failure) -> Value {
    index += 1
    var dictionary: [String: Value] = [:]
    while !consume("}") {
      guard case .string(let key) = try parseValue() else {
        throw Failure(message: "dictionary keys must be strings (before offset \(index))")
      }
      guard consume(":") else { throw unexpected("':'") }
      dictionary[key] = try parseValue()
      if !consume(",") {
        guard consume("}") else { throw unexpected("',' or '}'") }
        break
      }
    }
    return .dictionary(dictionary)
  }
}
