import TensorCore

/// A table of numbers read from a CSV file with a header row of column names.
///
/// The format: the first line holds the column names, separated by commas; every further line
/// holds one number per column. Spaces and tabs around fields are ignored, names (and numbers)
/// may be enclosed in double quotes (`""` inside quotes is one quote), lines may end in LF or
/// CRLF, a UTF-8 byte-order mark and blank lines at the end of the file are ignored. Numbers
/// are anything Swift's `Double(_:)` accepts, such as `3`, `-0.5`, `1e-3`, `nan` or `inf`.
/// The file may be gzip-compressed.
///
/// Values are stored row-major in `values`; `column(named:)`, `rows` and
/// `matrix(excluding:)` give other views.
public struct CSVTable: Sendable, Equatable {
  /// The full path of the file the table was read from (used in error messages).
  public let path: String
  /// The column names from the header row, in file order.
  public let columnNames: [String]
  /// The number of data rows (lines after the header).
  public let rowCount: Int
  /// All values, row after row: the value in row `r` and column `c` is
  /// `values[r * columnCount + c]`.
  public let values: [Double]

  /// Whether the first line was a header (else the columns are named `1`, `2`, …).
  public let hasHeader: Bool

  /// The number of columns.
  public var columnCount: Int { columnNames.count }

  /// Whether the first line holds column names.
  public enum Header: Sendable {
    /// The first line holds the column names.
    case present
    /// Every line is data; the columns are named by their numbers `1`, `2`, ….
    case absent
    /// A first line whose every field parses as a number is data (``absent``); any other
    /// first line is a header (``present``). A header of numeric names is thus taken as data:
    /// name at least one column with a word.
    case detected
  }

  /// Reads the CSV file at `path`, which may be gzip-compressed.
  ///
  /// - Throws: `DatasetError` naming the file: `.fileNotFound`, `.unreadableFile` or
  ///   `.corruptGzip` if it cannot be read, or the format errors of `init(parsing:path:)`.
  public init(contentsOf path: String, header: Header = .present) throws(DatasetError) {
    let path = absolutePath(path)
    try self.init(parsing: try Gzip.readFile(atPath: path), path: path, header: header)
  }

  /// Parses CSV text.
  ///
  /// - Parameters:
  ///   - text: the CSV text, a header row first.
  ///   - path: where the text came from; used only in error messages.
  /// - Throws: the format errors of `init(parsing:path:)` for bytes.
  public init(parsing text: String, path: String) throws(DatasetError) {
    try self.init(parsing: Array(text.utf8), path: path)
  }

  /// Parses the bytes of a CSV file (UTF-8).
  ///
  /// Errors give the line (1-based, the header being line 1) and, for a cell, the column's
  /// 1-based index and name.
  ///
  /// - Parameters:
  ///   - contents: the file's bytes.
  ///   - path: where the bytes came from; used only in error messages.
  ///   - header: whether the first line is a header, or to be detected.
  /// - Throws: `DatasetError` of kind `.emptyFile` if there is no header row;
  ///   `.badColumnName` for an empty or duplicate column name or a malformed quoted name;
  ///   `.raggedRow` if a row has a different number of fields than the header (the message
  ///   gives both numbers); `.missingValue` for an empty cell; `.nonNumeric` for a cell that is
  ///   not a number (the message quotes the cell).
  public init(parsing contents: [UInt8], path: String, header: Header = .present)
    throws(DatasetError)
  {
    var lines = Self.lineRanges(contents)
    while let last = lines.last, CSVFieldSplitter.isBlankLine(contents[last]) {
      lines.removeLast()
    }
    guard let headerLine = lines.first else {
      throw DatasetError(
        .emptyFile, path: path,
        message: "empty file: expected a header row of column names, then rows of numbers")
    }
    var fields: [CSVFieldSplitter.Field] = []
    if let failure = CSVFieldSplitter.split(contents[headerLine], into: &fields) {
      throw Self.error(failure, kind: .badColumnName, path: path, line: 1, names: [])
    }
    let hasHeader: Bool
    switch header {
    case .present: hasHeader = true
    case .absent: hasHeader = false
    case .detected: hasHeader = !fields.allSatisfy { Double($0.text) != nil }
    }
    let names = try Self.columnNames(fields, hasHeader: hasHeader, path: path)

    var values: [Double] = []
    // Rows × columns comes from the file and may be far more than its bytes can hold (a wide
    // header over many ragged rows): every value takes at least a byte and a separator.
    let cells = lines.count.multipliedReportingOverflow(by: names.count)
    values.reserveCapacity(cells.overflow ? 0 : min(cells.partialValue, contents.count / 2 + 1))
    for (lineIndex, range) in lines.enumerated().dropFirst(hasHeader ? 1 : 0) {
      let line = lineIndex + 1
      if let failure = CSVFieldSplitter.split(contents[range], into: &fields) {
        throw Self.error(failure, kind: .nonNumeric, path: path, line: line, names: names)
      }
      if CSVFieldSplitter.isBlankLine(contents[range]) {
        throw DatasetError(
          .raggedRow, path: path, line: line,
          message: "ragged row: blank line; expected \(names.count) fields (one per column)")
      }
      try Self.appendValues(of: fields, line: line, names: names, path: path, to: &values)
    }
    self.path = path
    self.hasHeader = hasHeader
    self.columnNames = names
    self.rowCount = lines.count - (hasHeader ? 1 : 0)
    self.values = values
  }

  /// The column names of the header's `fields` (checked: none empty, none twice), or the
  /// 1-based column numbers when there is no header.
  private static func columnNames(
    _ fields: [CSVFieldSplitter.Field], hasHeader: Bool, path: String
  ) throws(DatasetError) -> [String] {
    var names: [String] = []
    var firstIndex: [String: Int] = [:]
    for (offset, field) in fields.enumerated() {
      if !hasHeader {
        names.append(String(offset + 1))
        continue
      }
      let name = field.text
      guard !name.isEmpty else {
        throw DatasetError(
          .badColumnName, path: path, line: 1, column: offset + 1,
          message: "empty column name; every column needs a distinct name")
      }
      if let previous = firstIndex[name] {
        throw DatasetError(
          .badColumnName, path: path, line: 1, column: offset + 1, columnName: name,
          message: "duplicate column name; column \(previous + 1) has the same name")
      }
      firstIndex[name] = offset
      names.append(name)
    }
    return names
  }

  /// Appends the numbers of one row's `fields` to `values`, after checking that there is one
  /// field per column and that every cell holds a number.
  private static func appendValues(
    of fields: [CSVFieldSplitter.Field], line: Int, names: [String], path: String,
    to values: inout [Double]
  ) throws(DatasetError) {
    guard fields.count == names.count else {
      // Point at the first column without a field, or the first field without a column.
      let column = min(fields.count, names.count) + 1
      throw DatasetError(
        .raggedRow, path: path, line: line, column: column,
        columnName: fields.count < names.count ? names[column - 1] : nil,
        message: "ragged row: expected \(names.count) fields (one per column), "
          + "found \(fields.count)")
    }
    for (column, field) in fields.enumerated() {
      guard !field.content.isEmpty else {
        throw DatasetError(
          .missingValue, path: path, line: line, column: column + 1, columnName: names[column],
          message: "missing value; expected a number")
      }
      guard let value = Double(field.text) else {
        throw DatasetError(
          .nonNumeric, path: path, line: line, column: column + 1, columnName: names[column],
          message: "non-numeric value \(quoted(field.text)); expected a number")
      }
      values.append(value)
    }
  }

  /// The 0-based position of the column called `name`.
  ///
  /// - Throws: `DatasetError` of kind `.unknownColumn` naming the file and listing the
  ///   available column names.
  public func columnIndex(named name: String) throws(DatasetError) -> Int {
    guard let index = columnNames.firstIndex(of: name) else {
      throw DatasetError(
        .unknownColumn, path: path, columnName: name,
        message: "no such column; available columns: "
          + columnNames.map { quoted($0) }.joined(separator: ", "))
    }
    return index
  }

  /// The values of the column called `name`, one per row.
  ///
  /// - Throws: `DatasetError` of kind `.unknownColumn` listing the available column names.
  public func column(named name: String) throws(DatasetError) -> [Double] {
    column(at: try columnIndex(named: name))
  }

  /// The values of the column at 0-based position `index`, one per row.
  ///
  /// - Precondition: `0 <= index < columnCount`.
  public func column(at index: Int) -> [Double] {
    userPrecondition(
      columnNames.indices.contains(index),
      "CSVTable.column(at:): column index \(index) is out of range 0..<\(columnCount)")
    return (0..<rowCount).map { values[$0 * columnCount + index] }
  }

  /// The values of row `index` (0-based, not counting the header), one per column.
  ///
  /// - Precondition: `0 <= index < rowCount`.
  public func row(at index: Int) -> ArraySlice<Double> {
    userPrecondition(
      (0..<rowCount).contains(index),
      "CSVTable.row(at:): row index \(index) is out of range 0..<\(rowCount)")
    return values[(index * columnCount)..<((index + 1) * columnCount)]
  }

  /// All rows, each an array with one value per column.
  public var rows: [[Double]] {
    (0..<rowCount).map { Array(row(at: $0)) }
  }

  /// The values of every column except those named in `excluded`, row-major
  /// (`rowCount × (columnCount − excluded.count)` values), columns in file order. Typical use:
  /// `matrix(excluding: ["label"])` for the features of a labelled table.
  ///
  /// - Throws: `DatasetError` of kind `.unknownColumn` if a name in `excluded` is not a column.
  public func matrix(excluding excluded: [String] = []) throws(DatasetError) -> [Double] {
    var keep = [Bool](repeating: true, count: columnCount)
    for name in excluded { keep[try columnIndex(named: name)] = false }
    let kept = columnNames.indices.filter { keep[$0] }
    var result: [Double] = []
    result.reserveCapacity(rowCount * kept.count)
    for row in 0..<rowCount {
      for column in kept { result.append(values[row * columnCount + column]) }
    }
    return result
  }

  /// The names of the columns `matrix(excluding:)` keeps, in order.
  ///
  /// - Throws: `DatasetError` of kind `.unknownColumn` if a name in `excluded` is not a column.
  public func columnNames(excluding excluded: [String]) throws(DatasetError) -> [String] {
    for name in excluded { _ = try columnIndex(named: name) }
    return columnNames.filter { !excluded.contains($0) }
  }

  /// The byte ranges of the lines of `contents`, without line terminators (LF or CRLF) and
  /// without a leading UTF-8 byte-order mark.
  private static func lineRanges(_ contents: [UInt8]) -> [Range<Int>] {
    var ranges: [Range<Int>] = []
    var start = contents.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
    let newline = UInt8(ascii: "\n")
    while start < contents.count {
      let end = contents[start...].firstIndex(of: newline) ?? contents.count
      var stop = end
      if stop > start, contents[stop - 1] == UInt8(ascii: "\r") { stop -= 1 }
      ranges.append(start..<stop)
      start = end + 1
    }
    return ranges
  }

  private static func error(
    _ failure: CSVFieldSplitter.Failure, kind: DatasetError.Kind, path: String, line: Int,
    names: [String]
  ) -> DatasetError {
    switch failure {
    case .unterminatedQuote(let field):
      DatasetError(
        kind, path: path, line: line, column: field,
        columnName: names.indices.contains(field - 1) ? names[field - 1] : nil,
        message: "unterminated quoted field; expected a closing \"")
    case .textAfterClosingQuote(let field):
      DatasetError(
        kind, path: path, line: line, column: field,
        columnName: names.indices.contains(field - 1) ? names[field - 1] : nil,
        message: "unexpected text after the closing quote; expected a comma or end of line")
    }
  }
}
