import Datasets
import Foundation
import TestSupport
import Testing

@Suite("IDX files")
struct IDXFileTests {
  @Test(
    "IDX files are read back exactly, plain and gzip-compressed",
    arguments: [false, true], [[7], [3, 2, 4], [0, 28, 28], [2, 1, 1, 5]])
  func roundTrip(compressed: Bool, dimensions: [Int]) throws {
    let directory = try TemporaryDirectory()
    let data = randomBytes(dimensions.reduce(1, *), seed: UInt64(dimensions.count))
    let contents = idxHeader(dimensions.map(UInt32.init)) + data
    let path =
      compressed
      ? try directory.writeGzip(contents, to: "array-idx.gz")
      : try directory.write(contents, to: "array-idx")
    let file = try IDXFile(contentsOf: path, expectedDimensionCount: dimensions.count)
    #expect(file.path == path)
    #expect(file.dimensions == dimensions)
    #expect(file.bytes == data)
  }

  @Test("encode writes the header by the format's rules")
  func encode() {
    let bytes: [UInt8] = [1, 2, 3, 4, 5, 6]
    let encoded = IDXFile.encode(dimensions: [1, 2, 3], bytes: bytes)
    #expect(encoded == idxHeader([1, 2, 3]) + bytes)
    #expect(
      Array(IDXFile.encode(dimensions: [70_000], bytes: .init(repeating: 0, count: 70_000))[4..<8])
        == [0, 1, 0x11, 0x70])
  }

  /// A malformed IDX file and what its error must say.
  struct Malformed: Sendable, CustomTestStringConvertible {
    var testDescription: String
    var contents: [UInt8]
    var expectedDimensionCount: Int?
    var kind: DatasetError.Kind
    var fragments: [String]
  }

  static let malformed: [Malformed] = [
    Malformed(
      testDescription: "truncated data", contents: idxHeader([2, 3, 3]) + randomBytes(10),
      expectedDimensionCount: 3, kind: .truncated,
      fragments: ["truncated: header says 2 × 3 × 3 = 18 bytes of data, file has 10"]),
    Malformed(
      testDescription: "trailing bytes", contents: idxHeader([2, 3, 3]) + randomBytes(20),
      expectedDimensionCount: 3, kind: .trailingBytes,
      fragments: ["trailing bytes: header says 2 × 3 × 3 = 18 bytes of data, file has 20"]),
    Malformed(
      testDescription: "truncated labels", contents: idxHeader([5]) + [1, 2],
      expectedDimensionCount: 1, kind: .truncated,
      fragments: ["truncated: header says 5 bytes of data, file has 2"]),
    Malformed(
      testDescription: "wrong magic", contents: [1, 0, 8, 1, 0, 0, 0, 1, 9],
      expectedDimensionCount: 1, kind: .badMagic,
      fragments: ["not an IDX file", "expected magic bytes 00 00", "found 01 00 08 01"]),
    Malformed(
      testDescription: "text instead of IDX", contents: Array("hello, world".utf8),
      expectedDimensionCount: nil, kind: .badMagic, fragments: ["found 68 65 6c 6c"]),
    Malformed(
      testDescription: "unsupported element type (float)",
      contents: [0, 0, 0x0D, 1, 0, 0, 0, 1, 0, 0, 0, 0], expectedDimensionCount: 1,
      kind: .unsupportedType, fragments: ["unsupported IDX element type 0d", "32-bit float"]),
    Malformed(
      testDescription: "labels where images are expected",
      contents: idxHeader([4]) + [1, 2, 3, 4], expectedDimensionCount: 3,
      kind: .wrongDimensionCount, fragments: ["expected 3", "header says 1"]),
    Malformed(
      testDescription: "images where labels are expected",
      contents: idxHeader([1, 1, 1]) + [1], expectedDimensionCount: 1,
      kind: .wrongDimensionCount, fragments: ["expected 1", "header says 3"]),
    Malformed(
      testDescription: "truncated header", contents: [0, 0, 8, 3, 0, 0, 0, 2, 0],
      expectedDimensionCount: 3, kind: .truncated,
      fragments: ["header with 3 dimensions needs 16 bytes, file has 9"]),
    Malformed(
      testDescription: "shorter than the magic", contents: [0, 0],
      expectedDimensionCount: nil, kind: .truncated, fragments: ["at least 4 bytes"]),
    Malformed(
      testDescription: "empty file", contents: [], expectedDimensionCount: 1,
      kind: .emptyFile, fragments: ["file has 0"]),
    Malformed(
      testDescription: "sizes whose product overflows",
      contents: idxHeader([.max, .max, .max, .max]) + [1], expectedDimensionCount: 4,
      kind: .truncated, fragments: ["more than can be addressed"]),
  ]

  @Test(
    "malformed IDX files are rejected with the file and the problem named", arguments: malformed,
    [false, true])
  func malformedFile(example: Malformed, compressed: Bool) throws {
    let directory = try TemporaryDirectory()
    let path =
      compressed
      ? try directory.writeGzip(example.contents, to: "bad-idx1-ubyte.gz")
      : try directory.write(example.contents, to: "bad-idx1-ubyte")
    let error = datasetError {
      _ = try IDXFile(contentsOf: path, expectedDimensionCount: example.expectedDimensionCount)
    }
    expect(error, kind: example.kind, path: path, mentions: example.fragments)
  }

  @Test("the truncation message matches the documented example exactly")
  func truncationMessage() throws {
    let directory = try TemporaryDirectory()
    let contents = idxHeader([60000, 28, 28]) + randomBytes(1000)
    let path = try directory.writeGzip(contents, to: "train-images-idx3-ubyte.gz")
    let error = try #require(datasetError { _ = try IDXFile(contentsOf: path) })
    let expected =
      "truncated: header says 60000 × 28 × 28 = 47040000 bytes of data, file has 1000"
    #expect(error.description == "\(path): \(expected)")
  }

  @Test("a relative path is reported as an absolute path")
  func relativePath() throws {
    let error = try #require(
      datasetError { _ = try IDXFile(contentsOf: "no-such-dir-for-datasets-tests/file") })
    #expect(error.kind == .fileNotFound)
    #expect(error.path.hasPrefix("/"))
    #expect(error.path.hasSuffix("/no-such-dir-for-datasets-tests/file"))
  }
}
