/// An error raised while reading a data set file: a missing or unreadable file, corrupt gzip
/// data, or contents that do not match the expected format.
///
/// Every error names the file (or directory) it concerns by its full path, and where it applies
/// the line, column or header field, and what was expected versus what was found. The
/// `description` is a single line meant to be shown to a person, for example:
///
///     /x/train-images-idx3-ubyte.gz: truncated: header says 60000 × 28 × 28 = 47040000 bytes
///     of data, file has 1000
///     /x/data.csv: line 3, column 2 ("y"): non-numeric value "abc"; expected a number
///
/// The structured fields (`kind`, `path`, `line`, `column`, `columnName`, `field`) let code
/// react to particular problems without parsing the message.
public struct DatasetError: Error, CustomStringConvertible, Sendable, Equatable {
  /// The category of problem. The `message` carries the specifics.
  public enum Kind: String, Sendable, Equatable, CaseIterable {
    /// The file or directory does not exist.
    case fileNotFound
    /// The file exists but could not be read (permissions, a directory, an I/O error).
    case unreadableFile
    /// The file starts with the gzip magic bytes but its compressed data is damaged.
    case corruptGzip
    /// The file does not start with the magic bytes of the expected format.
    case badMagic
    /// The file declares an element type, dtype or format version this reader does not support.
    case unsupportedType
    /// The file has a different number of dimensions than the caller expects.
    case wrongDimensionCount
    /// The file ends before all the data its header promises.
    case truncated
    /// The file has more data than its header promises.
    case trailingBytes
    /// Two files that must agree (images and labels) disagree about the number of items.
    case countMismatch
    /// The file has no content at all.
    case emptyFile
    /// A CSV cell is empty.
    case missingValue
    /// A CSV cell is not a number.
    case nonNumeric
    /// A CSV row has a different number of fields than the header.
    case raggedRow
    /// Two CSV columns have the same name, or a column name is empty.
    case badColumnName
    /// A column was requested by a name the table does not have.
    case unknownColumn
    /// A header (such as the NPY header dictionary) is malformed or misses a field.
    case badHeader
    /// The array is stored in an order this reader does not support (Fortran order).
    case unsupportedLayout
    /// An argument passed by the caller does not fit the data.
    case invalidArgument
  }

  /// The category of problem.
  public var kind: Kind
  /// The full path of the file or directory the error concerns.
  public var path: String
  /// The 1-based line number, for text formats; `nil` when not applicable.
  public var line: Int?
  /// The 1-based column (field) index, for tabular formats; `nil` when not applicable.
  public var column: Int?
  /// The name of the column, for tabular formats; `nil` when not applicable.
  public var columnName: String?
  /// The name of the header field the error concerns (such as `shape` in an NPY header).
  public var field: String?
  /// What is wrong, including what was expected and what was found.
  public var message: String

  /// Creates an error. Prefer the specific static constructors used by the readers; this
  /// initialiser exists so that callers can report problems in the same style.
  public init(
    _ kind: Kind, path: String, line: Int? = nil, column: Int? = nil, columnName: String? = nil,
    field: String? = nil, message: String
  ) {
    self.kind = kind
    self.path = path
    self.line = line
    self.column = column
    self.columnName = columnName
    self.field = field
    self.message = message
  }

  /// One line: the path, the location within the file if any, then the message.
  public var description: String {
    var location: [String] = []
    if let line { location.append("line \(line)") }
    if let column {
      if let columnName {
        location.append("column \(column) (\(quoted(columnName)))")
      } else {
        location.append("column \(column)")
      }
    } else if let columnName {
      location.append("column \(quoted(columnName))")
    }
    if let field { location.append("header field '\(field)'") }
    if location.isEmpty { return "\(path): \(message)" }
    return "\(path): \(location.joined(separator: ", ")): \(message)"
  }
}

/// Quotes `text` for an error message, escaping quotes, backslashes and control characters and
/// shortening very long text so that a message stays on one readable line.
func quoted(_ text: some StringProtocol, limit: Int = 60) -> String {
  var result = "\""
  var emitted = 0
  for scalar in text.unicodeScalars {
    if emitted == limit {
      result += "…"
      break
    }
    switch scalar {
    case "\"": result += "\\\""
    case "\\": result += "\\\\"
    case "\n": result += "\\n"
    case "\r": result += "\\r"
    case "\t": result += "\\t"
    default:
      if scalar.value < 0x20 || scalar.value == 0x7F {
        result += "\\u{\(String(scalar.value, radix: 16))}"
      } else {
        result.unicodeScalars.append(scalar)
      }
    }
    emitted += 1
  }
  return result + "\""
}
