import Datasets
import TestSupport
import Testing

@Suite("CSV tables")
struct CSVTableTests {
  /// Spellings of the same table: columns x, y, label; rows (1, -2.5, 0) and (3e2, 0.125, 1).
  static let spellings: [String] = [
    "x,y,label\n1,-2.5,0\n3e2,0.125,1\n",
    "x,y,label\n1,-2.5,0\n3e2,0.125,1",
    "x,y,label\r\n1,-2.5,0\r\n3e2,0.125,1\r\n",
    "\"x\", \"y\" ,\"label\"\n 1 , -2.5,0\n3e2,\t0.125 ,1\n\n\n",
    "\u{FEFF}x,y,label\n1,-2.5,0\n300,0.125,1\n",
    "x,y,label\n\"1\",-2.5,0\n3e2,0.125,+1\n  \n",
  ]

  @Test("numeric CSV is parsed the same whatever the spelling", arguments: spellings)
  func parse(text: String) throws {
    let directory = try TemporaryDirectory()
    let path = try directory.write(text, to: "table.csv")
    let table = try CSVTable(contentsOf: path)
    #expect(table.path == path)
    #expect(table.columnNames == ["x", "y", "label"])
    #expect(table.rowCount == 2)
    #expect(table.columnCount == 3)
    #expect(table.values == [1, -2.5, 0, 300, 0.125, 1])
    #expect(try table.column(named: "y") == [-2.5, 0.125])
    #expect(table.column(at: 0) == [1, 300])
    #expect(table.rows == [[1, -2.5, 0], [300, 0.125, 1]])
    #expect(table.row(at: 1) == [300, 0.125, 1])
    #expect(try table.matrix(excluding: ["label"]) == [1, -2.5, 300, 0.125])
    #expect(try table.matrix() == table.values)
    #expect(try table.columnNames(excluding: ["x"]) == ["y", "label"])
  }

  @Test("gzip-compressed CSV, quoted names with commas and a header-only file")
  func variants() throws {
    let directory = try TemporaryDirectory()
    let gz = try directory.writeGzip(Array("a,b\n1,2\n".utf8), to: "t.csv.gz")
    #expect(try CSVTable(contentsOf: gz).values == [1, 2])
    let quoted = try CSVTable(parsing: "\"a, b\",\"say \"\"hi\"\"\"\n1,2\n", path: "/mem.csv")
    #expect(quoted.columnNames == ["a, b", "say \"hi\""])
    let empty = try CSVTable(parsing: "a,b\n", path: "/mem.csv")
    #expect(empty.rowCount == 0)
    #expect(empty.values.isEmpty)
    #expect(try empty.column(named: "b").isEmpty)
  }

  /// A malformed CSV file and where and what its error must report.
  struct Malformed: Sendable, CustomTestStringConvertible {
    var testDescription: String
    var text: String
    var kind: DatasetError.Kind
    var line: Int?
    var column: Int?
    var columnName: String?
    var fragments: [String]
  }

  static let malformed: [Malformed] = [
    Malformed(
      testDescription: "missing value at the end of a row", text: "a,b\n1,2\n3,\n",
      kind: .missingValue, line: 3, column: 2, columnName: "b",
      fragments: ["line 3, column 2 (\"b\"): missing value"]),
    Malformed(
      testDescription: "missing value in the middle", text: "a,b,c\n1,2,3\n4, ,6\n",
      kind: .missingValue, line: 3, column: 2, columnName: "b", fragments: ["missing value"]),
    Malformed(
      testDescription: "non-numeric cell", text: "x,y\r\n1,2\r\n3,abc\r\n",
      kind: .nonNumeric, line: 3, column: 2, columnName: "y",
      fragments: ["line 3, column 2 (\"y\"): non-numeric value \"abc\"; expected a number"]),
    Malformed(
      testDescription: "non-numeric first cell", text: "x,y\n1.2.3,4\n", kind: .nonNumeric,
      line: 2, column: 1, columnName: "x", fragments: ["\"1.2.3\""]),
    Malformed(
      testDescription: "too few fields", text: "x,y,z\n1,2,3\n4,5\n", kind: .raggedRow,
      line: 3, column: 3, columnName: "z",
      fragments: ["line 3, column 3 (\"z\")", "expected 3 fields", "found 2"]),
    Malformed(
      testDescription: "too many fields", text: "x,y\n1,2,3\n", kind: .raggedRow, line: 2,
      column: 3, columnName: nil, fragments: ["line 2, column 3", "expected 2 fields", "found 3"]),
    Malformed(
      testDescription: "blank line between rows", text: "x,y\n1,2\n\n3,4\n", kind: .raggedRow,
      line: 3, column: nil, columnName: nil, fragments: ["line 3", "blank line", "2 fields"]),
    Malformed(
      testDescription: "empty file", text: "", kind: .emptyFile, line: nil, column: nil,
      columnName: nil, fragments: ["empty file", "expected a header row"]),
    Malformed(
      testDescription: "only blank lines", text: "\n \r\n", kind: .emptyFile, line: nil,
      column: nil, columnName: nil, fragments: ["empty file"]),
    Malformed(
      testDescription: "duplicate column names", text: "a,b,a\n1,2,3\n", kind: .badColumnName,
      line: 1, column: 3, columnName: "a",
      fragments: ["line 1, column 3 (\"a\")", "duplicate column name", "column 1"]),
    Malformed(
      testDescription: "empty column name", text: "a,,c\n1,2,3\n", kind: .badColumnName,
      line: 1, column: 2, columnName: nil, fragments: ["line 1, column 2: empty column name"]),
    Malformed(
      testDescription: "unterminated quote in the header", text: "a,\"b\n1,2\n",
      kind: .badColumnName, line: 1, column: 2, columnName: nil,
      fragments: ["unterminated quoted field"]),
    Malformed(
      testDescription: "text after a closing quote", text: "a,b\n1,\"2\"x\n",
      kind: .nonNumeric, line: 2, column: 2, columnName: "b",
      fragments: ["after the closing quote"]),
  ]

  @Test("malformed CSV is rejected naming the file, line and column", arguments: malformed)
  func malformedFile(example: Malformed) throws {
    let directory = try TemporaryDirectory()
    let path = try directory.write(example.text, to: "bad.csv")
    let error = datasetError { _ = try CSVTable(contentsOf: path) }
    expect(error, kind: example.kind, path: path, mentions: example.fragments)
    #expect(error?.line == example.line)
    #expect(error?.column == example.column)
    #expect(error?.columnName == example.columnName)
    if let line = example.line { #expect(error?.description.contains("line \(line)") == true) }
    if let column = example.column {
      #expect(error?.description.contains("column \(column)") == true)
    }
  }

  /// Found while fuzzing (a hand-made input for fuzz-csv): 100,000 columns over 300,000 ragged
  /// rows, 1.3 MB in all, made the parser reserve rows × columns = 240 GB of values before
  /// reading the first row. Each value takes at least two bytes, so that bounds the reserve.
  @Test("a wide header over many rows reserves no more than the file can hold")
  func wideHeaderOverManyRows() {
    let header = (0..<100_000).map { "c\($0)" }.joined(separator: ",")
    let contents = Array((header + "\n" + String(repeating: "1\n", count: 300_000)).utf8)
    expect(
      datasetError { _ = try CSVTable(parsing: contents, path: "wide.csv") }, kind: .raggedRow,
      path: "wide.csv", mentions: ["line 2", "expected 100000 fields", "found 1"])
  }

  @Test("an unknown column is reported with the file and the available names")
  func unknownColumn() throws {
    let directory = try TemporaryDirectory()
    let path = try directory.write("alpha,beta\n1,2\n", to: "t.csv")
    let table = try CSVTable(contentsOf: path)
    expect(
      datasetError { _ = try table.column(named: "gamma") }, kind: .unknownColumn, path: path,
      mentions: ["column \"gamma\"", "no such column", "available columns: \"alpha\", \"beta\""])
    expect(
      datasetError { _ = try table.matrix(excluding: ["alpha", "delta"]) }, kind: .unknownColumn,
      path: path, mentions: ["column \"delta\""])
  }

  @Test("a missing CSV file is reported with its path")
  func missingFile() throws {
    let directory = try TemporaryDirectory()
    let path = directory.file("absent.csv")
    expect(
      datasetError { _ = try CSVTable(contentsOf: path) }, kind: .fileNotFound, path: path,
      mentions: ["no such file"])
  }
}
